package io.tollgate.webauthnfn;

import io.tollgate.platform.SnapStartPriming.HttpPrimer;
import io.tollgate.platform.SnapStartPriming;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.audit.AuditRecorder.Actor;
import io.tollgate.http.ApiRequest;
import io.tollgate.http.ApiResponses;
import io.tollgate.http.ErrorCode;
import io.tollgate.http.HttpEndpoint;
import io.tollgate.http.ProblemException;
import io.tollgate.http.ProblemException.FieldError;
import io.tollgate.http.TokenResponses;
import io.tollgate.json.Json;
import io.tollgate.mfa.MfaCompletion;
import io.tollgate.platform.TollgateServices;
import io.tollgate.stepup.PasskeyStepUp;
import io.tollgate.stepup.StepUpGuard;
import io.tollgate.user.UserDirectory;
import io.tollgate.webauthn.WebAuthnCredential;
import io.tollgate.webauthn.WebAuthnService;
import io.tollgate.webauthn.WebAuthnService.CeremonyStart;
import io.tollgate.webauthn.WebAuthnService.Origin;
import io.tollgate.webauthn.WebAuthnServices;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * WebAuthn passkeys and security keys (docs/openapi.yaml, ADR 0040/0041): the caller's own credentials
 * under {@code /v1/me/webauthn/...} (behind the authorizer) and the passwordless login
 * {@code POST /v1/auth/passkey/options|verify} (public), and step-up with a passkey
 * {@code POST /v1/auth/step-up/passkey/options|verify} (bearer, ADR 0053). Adapts the events to
 * {@link WebAuthnService}; holds no business rule.
 */
public final class WebAuthnHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    /** SnapStart priming (ADR 0049): held here because the CRaC context holds it weakly. */
    final SnapStartPriming priming;

    static final int MAX_TOKEN_LENGTH = 512;
    private static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final String STEP_UP_OPTIONS = "POST /v1/auth/step-up/passkey/options";
    private static final String STEP_UP_VERIFY = "POST /v1/auth/step-up/passkey/verify";
    private static final Pattern CREDENTIAL_ID = Pattern.compile("[A-Za-z0-9_-]{1,1366}");

    private final WebAuthnService service;
    private final StepUpGuard stepUp;
    private final PasskeyStepUp passkeyStepUp;

    /** Used by AWS Lambda: wires real AWS clients once per container. */
    public WebAuthnHandler() {
        this(TollgateServices.fromEnvironment());
    }

    /** Used by the local runtime. */
    public WebAuthnHandler(TollgateServices services) {
        this(services, WebAuthnServices.webauthn(services));
    }

    private WebAuthnHandler(TollgateServices services, WebAuthnService service) {
        this(service, new StepUpGuard(new UserDirectory(services.dynamoDb(), services.config().tables()),
                services.clock(), services.defaultSettings()), PasskeyStepUp.create(services, service));
    }

    /** Used by tests. */
    public WebAuthnHandler(WebAuthnService service, StepUpGuard stepUp, PasskeyStepUp passkeyStepUp) {
        this.service = Objects.requireNonNull(service, "service");
        this.stepUp = Objects.requireNonNull(stepUp, "stepUp");
        this.passkeyStepUp = Objects.requireNonNull(passkeyStepUp, "passkeyStepUp");
        this.priming = SnapStartPriming.http(this, 40, List.of(
                HttpPrimer.body("POST /v1/auth/passkey/options", "{}"),
                HttpPrimer.unknownField("POST /v1/auth/passkey/options"),
                HttpPrimer.body("POST /v1/auth/passkey/verify", "{}"),
                HttpPrimer.body("POST /v1/me/webauthn/registrations/finish", "{}"),
                HttpPrimer.body(STEP_UP_VERIFY, "{}"),
                HttpPrimer.unknownField("POST /v1/me/webauthn/registrations/finish")));
    }

    /** {@code {"ceremony_id", "credential", "name"?}}: the browser's answer to a ceremony. */
    record FinishRequest(@JsonProperty("ceremony_id") String ceremonyId, JsonNode credential, String name) {
        @Override
        public String toString() {
            return "FinishRequest[<redacted>]";
        }
    }

    /** {@code {"tenant"}} for passkey options. */
    record OptionsRequest(String tenant) {
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpEndpoint.handle(event, context, request -> {
            Origin origin = new Origin(request.sourceIp(), request.userAgent());
            String route = Optional.ofNullable(event.getRouteKey()).orElse("");
            switch (route) {
                case "POST /v1/auth/passkey/options" -> {
                    OptionsRequest body = request.body(OptionsRequest.class);
                    if (body.tenant() == null || !TENANT.matcher(body.tenant()).matches()) {
                        throw invalid(List.of(new FieldError("tenant", "invalid", "The tenant is required.")));
                    }
                    return ceremony(service.startPasskeyLogin(body.tenant()));
                }
                case "POST /v1/auth/passkey/verify" -> {
                    FinishRequest body = finishRequest(request);
                    MfaCompletion completion = service.finishPasskeyLogin(body.ceremonyId(),
                            body.credential().toString(), origin);
                    return TokenResponses.of(completion.tokens(), completion.delivery(), completion.sessionLifetime());
                }
                default -> {
                    // Every other route is the caller's own, behind the authorizer.
                }
            }
            ApiRequest.Principal me = request.requirePrincipal();
            if (STEP_UP_OPTIONS.equals(route) || STEP_UP_VERIFY.equals(route)) {
                return passkeyStepUp(route, request, me);
            }
            if (!route.startsWith("GET ")) {
                // Adding or removing a passkey changes how the caller signs in (ADR 0053).
                stepUp.require(me);
            }
            return switch (route) {
                // No body: the options are for the caller; the name comes with the answer.
                case "POST /v1/me/webauthn/registrations" ->
                        ceremony(service.startRegistration(me.tenantId(), me.userId(), origin));
                case "POST /v1/me/webauthn/registrations/finish" -> {
                    FinishRequest body = finishRequest(request);
                    if (body.name() != null && body.name().length() > WebAuthnService.MAX_NAME_LENGTH) {
                        throw invalid(List.of(new FieldError("name", "too_long", "The name is too long.")));
                    }
                    WebAuthnCredential created = service.finishRegistration(me.tenantId(), me.userId(),
                            body.ceremonyId(), body.credential().toString(), body.name(), origin);
                    yield ApiResponses.json(201, created.view());
                }
                case "GET /v1/me/webauthn/credentials" -> ApiResponses.json(200, Map.of("credentials",
                        service.list(me.tenantId(), me.userId()).stream().map(WebAuthnCredential::view).toList()));
                case "GET /v1/me/webauthn/credentials/{id}" ->
                        ApiResponses.json(200, service.get(me.tenantId(), me.userId(), credentialId(event)).view());
                case "DELETE /v1/me/webauthn/credentials/{id}" -> {
                    service.remove(me.tenantId(), me.userId(), credentialId(event), origin);
                    yield ApiResponses.empty(204);
                }
                default -> throw new ProblemException(ErrorCode.NOT_FOUND, "No such route.");
            };
        });
    }

    /**
     * Step-up with a passkey (ADR 0053) for the caller's own session: only a signed-in (bearer)
     * caller has one; an API key cannot step up.
     */
    private APIGatewayV2HTTPResponse passkeyStepUp(String route, ApiRequest request, ApiRequest.Principal me) {
        if (!"bearer".equals(me.authMethod()) || me.sessionId() == null || me.sessionId().isEmpty()) {
            throw new ProblemException(ErrorCode.FORBIDDEN, "Only a signed-in session can step up.");
        }
        Actor caller = new Actor(me.tenantId(), me.userId(), me.organizationId(), request.sourceIp(),
                request.userAgent());
        if (STEP_UP_OPTIONS.equals(route)) {
            return ceremony(passkeyStepUp.options(caller, me.sessionId()));
        }
        FinishRequest body = finishRequest(request);
        return ApiResponses.json(200, passkeyStepUp.stepUp(caller, me.sessionId(), body.ceremonyId(),
                body.credential().toString()));
    }

    /** {@code {"ceremony_id", "publicKey": {...}}}: what the browser passes to {@code navigator.credentials}. */
    private static APIGatewayV2HTTPResponse ceremony(CeremonyStart start) {
        try {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("ceremony_id", start.ceremonyId());
            body.put("publicKey", Json.mapper().readTree(start.publicKeyJson()).get("publicKey"));
            return ApiResponses.json(200, body);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("The ceremony options are not JSON", e);
        }
    }

    private static String credentialId(APIGatewayV2HTTPEvent event) {
        String id = Optional.ofNullable(event.getPathParameters()).map(p -> p.get("id")).orElse("");
        if (!CREDENTIAL_ID.matcher(id).matches()) {
            throw new ProblemException(ErrorCode.NOT_FOUND, "No such credential.");
        }
        return id;
    }

    private static FinishRequest finishRequest(ApiRequest request) {
        FinishRequest body = request.body(FinishRequest.class);
        List<FieldError> errors = new ArrayList<>();
        if (body.ceremonyId() == null || body.ceremonyId().isEmpty()) {
            errors.add(new FieldError("ceremony_id", "required", "The ceremony_id is required."));
        } else if (body.ceremonyId().length() > MAX_TOKEN_LENGTH) {
            errors.add(new FieldError("ceremony_id", "too_long", "The ceremony_id is too long."));
        }
        if (body.credential() == null || !body.credential().isObject()) {
            errors.add(new FieldError("credential", "required", "The credential (a PublicKeyCredential) is required."));
        }
        if (!errors.isEmpty()) {
            throw invalid(errors);
        }
        return body;
    }

    private static ProblemException invalid(List<FieldError> errors) {
        return ProblemException.invalid(ErrorCode.VALIDATION_FAILED, "The request is not valid.", errors);
    }
}
