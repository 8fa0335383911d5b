package io.tollgate.mfaverify;

import io.tollgate.platform.SnapStartPriming.HttpPrimer;
import io.tollgate.platform.SnapStartPriming;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.http.ApiRequest;
import io.tollgate.http.ApiResponses;
import io.tollgate.http.ErrorCode;
import io.tollgate.http.HttpEndpoint;
import io.tollgate.http.ProblemException;
import io.tollgate.http.ProblemException.FieldError;
import io.tollgate.http.TokenResponses;
import io.tollgate.json.Json;
import io.tollgate.mfa.MfaCompletion;
import io.tollgate.mfa.MfaServices;
import io.tollgate.mfa.MfaVerificationService;
import io.tollgate.mfa.MfaVerificationService.Origin;
import io.tollgate.platform.TollgateServices;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The second step of a login (docs/openapi.yaml): {@code POST /v1/auth/mfa/verify},
 * {@code POST /v1/auth/mfa/email}, {@code POST /v1/auth/mfa/sms} (ADR 0032),
 * {@code POST /v1/auth/mfa/webauthn} (assertion options for a
 * security key or passkey as second factor), and, for tenants that require MFA, enrolment with the
 * login's challenge ({@code POST /v1/auth/mfa/enrolment/totp[/activate]}). Adapts the events to
 * {@link MfaVerificationService}; holds no business rule.
 */
public final class MfaVerifyHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    /** SnapStart priming (ADR 0049): held here because the CRaC context holds it weakly. */
    final SnapStartPriming priming;

    /** Longest {@code mfa_token} accepted (a real one has 43 characters). */
    static final int MAX_TOKEN_LENGTH = 512;
    /** Longest code accepted (a backup code with dashes and spaces fits easily). */
    static final int MAX_CODE_LENGTH = 64;

    private final MfaVerificationService service;

    /** Used by AWS Lambda: wires real AWS clients once per container. */
    public MfaVerifyHandler() {
        this(TollgateServices.fromEnvironment());
    }

    /** Used by the local runtime. */
    public MfaVerifyHandler(TollgateServices services) {
        this(MfaServices.verification(services));
    }

    /** Used by tests. */
    public MfaVerifyHandler(MfaVerificationService service) {
        this.service = Objects.requireNonNull(service, "service");
        this.priming = SnapStartPriming.http(this, 30, List.of(
                HttpPrimer.body("POST /v1/auth/mfa/verify", "{}"),
                HttpPrimer.unknownField("POST /v1/auth/mfa/verify"),
                HttpPrimer.unknownField("POST /v1/auth/mfa/webauthn"),
                HttpPrimer.unknownField("POST /v1/auth/mfa/sms"),
                HttpPrimer.unknownField("POST /v1/auth/mfa/email"),
                HttpPrimer.unknownField("POST /v1/auth/mfa/enrolment/totp"),
                HttpPrimer.unknownField("POST /v1/auth/mfa/enrolment/totp/activate")));
    }

    /**
     * {@code {"mfa_token", "code"}} (optionally with {@code "method"}: totp, email, sms,
     * backup_code), or {@code {"mfa_token", "credential"}} with a WebAuthn assertion; unknown
     * fields are refused.
     */
    record CodeRequest(@JsonProperty("mfa_token") String mfaToken, String code, JsonNode credential, String method) {
        @Override
        public String toString() {
            return "CodeRequest[<redacted>]";
        }
    }

    /** {@code {"mfa_token"}}. */
    record TokenRequest(@JsonProperty("mfa_token") String mfaToken) {
        @Override
        public String toString() {
            return "TokenRequest[<redacted>]";
        }
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpEndpoint.handle(event, context, request -> {
            Origin origin = new Origin(request.sourceIp(), request.userAgent());
            return switch (Optional.ofNullable(event.getRouteKey()).orElse("")) {
                case "POST /v1/auth/mfa/verify" -> {
                    CodeRequest body = verifyRequest(request);
                    yield tokens(body.credential() != null
                            ? service.verifyWebAuthn(body.mfaToken(), body.credential().toString(), origin)
                            : service.verify(body.mfaToken(), body.code(), Optional.ofNullable(body.method()), origin));
                }
                case "POST /v1/auth/mfa/webauthn" -> {
                    String publicKey = service.startWebAuthn(tokenRequest(request).mfaToken(), origin);
                    yield ApiResponses.json(200, Map.of("publicKey", publicKeyOf(publicKey)));
                }
                case "POST /v1/auth/mfa/sms" -> {
                    service.sendSmsCode(tokenRequest(request).mfaToken(), origin);
                    yield ApiResponses.json(202, Map.of("sent", true));
                }
                case "POST /v1/auth/mfa/email" -> {
                    service.sendEmailCode(tokenRequest(request).mfaToken(), origin);
                    yield ApiResponses.json(202, Map.of("sent", true));
                }
                case "POST /v1/auth/mfa/enrolment/totp" ->
                        ApiResponses.json(200, service.startEnrolment(tokenRequest(request).mfaToken(), origin));
                case "POST /v1/auth/mfa/enrolment/totp/activate" -> {
                    CodeRequest body = codeRequest(request);
                    MfaCompletion completion = service.finishEnrolment(body.mfaToken(), body.code(), origin);
                    yield tokens(completion);
                }
                default -> throw new ProblemException(ErrorCode.NOT_FOUND, "No such route.");
            };
        });
    }

    /**
     * The token answer of login; after an enrolment it also carries the backup codes, once. For an
     * expired password, login's password-change answer instead (ADR 0025): the ticket, no tokens.
     */
    private static APIGatewayV2HTTPResponse tokens(MfaCompletion completion) {
        if (completion.passwordChangeToken().isPresent()) {
            return ApiResponses.json(200, Map.of("password_change_required", true, "password_change_token",
                    completion.passwordChangeToken().get(), "expires_in", completion.sessionLifetime().toSeconds()));
        }
        return TokenResponses.of(completion.tokens(), completion.delivery(), completion.sessionLifetime(),
                completion.backupCodes().isEmpty() ? Map.of() : Map.of("backup_codes", completion.backupCodes()));
    }

    private static CodeRequest codeRequest(ApiRequest request) {
        return codeRequest(request.body(CodeRequest.class));
    }

    private static CodeRequest codeRequest(CodeRequest body) {
        List<FieldError> errors = new ArrayList<>();
        checkToken(body.mfaToken(), errors);
        if (body.code() == null || body.code().isBlank()) {
            errors.add(new FieldError("code", "required", "The code is required."));
        } else if (body.code().length() > MAX_CODE_LENGTH) {
            errors.add(new FieldError("code", "too_long", "The code is too long."));
        }
        if (body.method() != null && !MfaVerificationService.CODE_METHODS.contains(body.method())) {
            errors.add(new FieldError("method", "unknown_method",
                    "The method is one of totp, email, sms, backup_code."));
        }
        reject(errors);
        return body;
    }

    /** A code, or a WebAuthn assertion ({@code credential}, a JSON object): exactly one. */
    private static CodeRequest verifyRequest(ApiRequest request) {
        CodeRequest body = request.body(CodeRequest.class);
        if (body.credential() == null) {
            return codeRequest(body);
        }
        List<FieldError> errors = new ArrayList<>();
        checkToken(body.mfaToken(), errors);
        if (!body.credential().isObject()) {
            errors.add(new FieldError("credential", "wrong_type", "The credential must be a PublicKeyCredential object."));
        }
        if (body.code() != null) {
            errors.add(new FieldError("code", "not_allowed", "Send either a code or a credential, not both."));
        }
        if (body.method() != null) {
            errors.add(new FieldError("method", "not_allowed", "A credential names no method."));
        }
        reject(errors);
        return body;
    }

    private static JsonNode publicKeyOf(String credentialsGetJson) {
        try {
            return Json.mapper().readTree(credentialsGetJson).get("publicKey");
        } catch (java.io.IOException e) {
            throw new IllegalStateException("The assertion options are not JSON", e);
        }
    }

    private static TokenRequest tokenRequest(ApiRequest request) {
        TokenRequest body = request.body(TokenRequest.class);
        List<FieldError> errors = new ArrayList<>();
        checkToken(body.mfaToken(), errors);
        reject(errors);
        return body;
    }

    private static void checkToken(String token, List<FieldError> errors) {
        if (token == null || token.isEmpty()) {
            errors.add(new FieldError("mfa_token", "required", "The mfa_token is required."));
        } else if (token.length() > MAX_TOKEN_LENGTH) {
            errors.add(new FieldError("mfa_token", "too_long", "The mfa_token is too long."));
        }
    }

    private static void reject(List<FieldError> errors) {
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(ErrorCode.VALIDATION_FAILED, "The request is not valid.", errors);
        }
    }
}
