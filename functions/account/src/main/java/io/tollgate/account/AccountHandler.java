package io.tollgate.account;

import io.tollgate.platform.SnapStartPriming.HttpPrimer;
import io.tollgate.platform.SnapStartPriming;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.tollgate.audit.AuditRecorder.Actor;
import io.tollgate.authz.ApiKeyRepository;
import io.tollgate.authz.ApiKeyService;
import io.tollgate.authz.ApiKeys;
import io.tollgate.consent.ConsentService;
import io.tollgate.http.ProblemException.FieldError;
import io.tollgate.http.ApiRequest;
import io.tollgate.http.ApiResponses;
import io.tollgate.http.ErrorCode;
import io.tollgate.http.HttpEndpoint;
import io.tollgate.http.ProblemException;
import io.tollgate.mfa.MfaEnrolmentService;
import io.tollgate.mfa.MfaServices;
import io.tollgate.mfa.SmsEnrolmentService;
import io.tollgate.password.PasswordChangeService;
import io.tollgate.password.PasswordChangeService.PasswordChange;
import io.tollgate.platform.TollgateServices;
import io.tollgate.session.SessionRecord;
import io.tollgate.session.SessionService;
import io.tollgate.session.SessionServices;
import io.tollgate.stepup.StepUpGuard;
import io.tollgate.stepup.StepUpService;
import io.tollgate.user.UserAccount;
import io.tollgate.user.UserDirectory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The caller's own account under {@code /v1/me} (docs/openapi.yaml): who am I, my sessions, my API keys,
 * my password (change, and the public {@code POST /v1/auth/password/expired} that a login with an
 * expired password leads to; ADR 0025) and my second factors (TOTP enrolment and activation, backup
 * codes, TOTP removal; a phone number for SMS codes and its verification, ADR 0032). The
 * caller is always the principal the authorizer verified; no route here takes a user id from the
 * request, so nobody can reach another user's sessions.
 */
public final class AccountHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    /** SnapStart priming (ADR 0049): held here because the CRaC context holds it weakly. */
    final SnapStartPriming priming;

    private static final Pattern SESSION_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final SessionService sessions;
    private final ApiKeyService apiKeys;
    private final MfaEnrolmentService mfa;
    private final PasswordChangeService passwords;
    private final SmsEnrolmentService phones;
    private final StepUpGuard stepUpGuard;
    private final StepUpService stepUp;
    private final ConsentService consents;

    /** The longest phone field accepted before E.164 validation (E.164 has at most 16 characters). */
    private static final int MAX_PHONE_CHARS = 32;

    /** The longest password field accepted (the policy's own maximum is at most 256 characters). */
    private static final int MAX_PASSWORD_CHARS = 1024;

    private static final String EXPIRED_PASSWORD_ROUTE = "POST /v1/auth/password/expired";
    private static final String SET_PASSWORD_ROUTE = "POST /v1/auth/password/set";
    private static final String STEP_UP_ROUTE = "POST /v1/auth/step-up";

    /** The routes that change the caller's credentials: each needs a recent authentication (ADR 0053). */
    static final java.util.Set<String> STEP_UP_ROUTES = java.util.Set.of("POST /v1/me/api-keys",
            "POST /v1/me/mfa/totp", "POST /v1/me/mfa/totp/activate", "DELETE /v1/me/mfa/totp",
            "POST /v1/me/mfa/backup-codes", "POST /v1/me/phone", "POST /v1/me/phone/verify");

    /** {@code {"token","new_password"}} of {@code POST /v1/auth/password/set} (the invitation link's token). */
    record SetPasswordRequest(String token, @JsonProperty("new_password") String newPassword) {
        @Override
        public String toString() {
            return "SetPasswordRequest[<redacted>]";
        }
    }

    /** {@code {"password_change_token","new_password"}} of {@code POST /v1/auth/password/expired}. */
    record ExpiredPasswordChangeRequest(@JsonProperty("password_change_token") String passwordChangeToken,
            @JsonProperty("new_password") String newPassword) {
        @Override
        public String toString() {
            return "ExpiredPasswordChangeRequest[<redacted>]";
        }
    }

    /** {@code {"current_password","new_password"}} of {@code POST /v1/me/password}. */
    record PasswordChangeRequest(@JsonProperty("current_password") String currentPassword,
            @JsonProperty("new_password") String newPassword) {
        @Override
        public String toString() {
            return "PasswordChangeRequest[<redacted>]";
        }
    }

    /** {@code {"phone"}} of {@code POST /v1/me/phone}. */
    record PhoneRequest(String phone) {
        @Override
        public String toString() {
            return "PhoneRequest[<redacted>]";
        }
    }

    /** {@code {"password","code"}} of {@code POST /v1/auth/step-up}. */
    record StepUpRequest(String password, String code) {
        @Override
        public String toString() {
            return "StepUpRequest[<redacted>]";
        }
    }

    /** {@code {"code"}} of TOTP activation and of phone verification. */
    record ActivationRequest(String code) {
        @Override
        public String toString() {
            return "ActivationRequest[<redacted>]";
        }
    }

    /** Used by AWS Lambda. */
    public AccountHandler() {
        this(TollgateServices.fromEnvironment());
    }

    /** Used by the local runtime and tests. */
    public AccountHandler(TollgateServices services) {
        this(SessionServices.create(services), MfaServices.enrolment(services), new ApiKeyService(new ApiKeyRepository(
                services.dynamoDb(), services.config().tables(), services.clock()), new ApiKeys(services.random()),
                services.audit(), services.clock()),
                PasswordChangeService.create(services), MfaServices.smsEnrolment(services),
                new StepUpGuard(new UserDirectory(services.dynamoDb(), services.config().tables()), services.clock(),
                        services.defaultSettings()),
                StepUpService.create(services), ConsentService.create(services));
    }

    /** Used by tests. */
    public AccountHandler(SessionService sessions, MfaEnrolmentService mfa, ApiKeyService apiKeys,
            PasswordChangeService passwords, SmsEnrolmentService phones, StepUpGuard stepUpGuard,
            StepUpService stepUp, ConsentService consents) {
        this.stepUpGuard = Objects.requireNonNull(stepUpGuard, "stepUpGuard");
        this.stepUp = Objects.requireNonNull(stepUp, "stepUp");
        this.consents = Objects.requireNonNull(consents, "consents");
        this.passwords = Objects.requireNonNull(passwords, "passwords");
        this.phones = Objects.requireNonNull(phones, "phones");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.mfa = Objects.requireNonNull(mfa, "mfa");
        this.apiKeys = Objects.requireNonNull(apiKeys, "apiKeys");
        this.priming = SnapStartPriming.http(this, 30, List.of(
                HttpPrimer.body(EXPIRED_PASSWORD_ROUTE, "{}"),
                HttpPrimer.body(SET_PASSWORD_ROUTE, "{}"),
                HttpPrimer.unknownField("POST /v1/me/api-keys"),
                HttpPrimer.unknownField("POST /v1/me/mfa/totp/activate"),
                HttpPrimer.unknownField("POST /v1/me/password"),
                HttpPrimer.unknownField("POST /v1/me/phone"),
                HttpPrimer.unknownField("POST /v1/me/phone/verify"),
                HttpPrimer.unknownField(STEP_UP_ROUTE)));
    }

    /** {@code POST /v1/me/api-keys}: a name, optionally a subset of the caller's roles and a lifetime in days. */
    record NewApiKey(String name, List<String> roles, @JsonProperty("expires_in_days") Integer expiresInDays) {
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpEndpoint.handle(event, context, request -> {
            if (EXPIRED_PASSWORD_ROUTE.equals(event.getRouteKey())) {
                // Public: the one-time ticket of a login with an expired password stands for the caller.
                ExpiredPasswordChangeRequest body = request.body(ExpiredPasswordChangeRequest.class);
                List<FieldError> errors = new ArrayList<>();
                ticketField("password_change_token", body.passwordChangeToken(), errors);
                passwordField("new_password", body.newPassword(), errors);
                if (!errors.isEmpty()) {
                    throw ProblemException.invalid(ErrorCode.VALIDATION_FAILED, "The request is not valid.", errors);
                }
                passwords.changeExpired(body.passwordChangeToken(), body.newPassword(), request.sourceIp(),
                        request.userAgent());
                return ApiResponses.empty(204);
            }
            if (SET_PASSWORD_ROUTE.equals(event.getRouteKey())) {
                // Public: the invitation link's one-time token stands for the invited user (ADR 0045).
                SetPasswordRequest body = request.body(SetPasswordRequest.class);
                List<FieldError> errors = new ArrayList<>();
                ticketField("token", body.token(), errors);
                passwordField("new_password", body.newPassword(), errors);
                if (!errors.isEmpty()) {
                    throw ProblemException.invalid(ErrorCode.VALIDATION_FAILED, "The request is not valid.", errors);
                }
                passwords.setInvited(body.token(), body.newPassword(), request.sourceIp(), request.userAgent());
                return ApiResponses.empty(204);
            }
            ApiRequest.Principal me = request.requirePrincipal();
            String route = Optional.ofNullable(event.getRouteKey()).orElse("");
            Optional<UserAccount> account = STEP_UP_ROUTES.contains(route) ? Optional.of(stepUpGuard.require(me))
                    : Optional.empty();
            return switch (route) {
                case STEP_UP_ROUTE -> ApiResponses.json(200, stepUp.stepUp(actor(request, me), me.sessionId(),
                        stepUpProof(request)));
                case "GET /v1/me" -> ApiResponses.json(200, whoami(me));
                case "GET /v1/me/sessions" -> ApiResponses.json(200, Map.of("sessions",
                        sessions.list(me.tenantId(), me.userId()).stream().map(s -> view(s, me)).toList()));
                case "DELETE /v1/me/sessions/{id}" -> {
                    String id = Optional.ofNullable(event.getPathParameters()).map(p -> p.get("id")).orElse("");
                    if (!SESSION_ID.matcher(id).matches()) {
                        throw new ProblemException(ErrorCode.NOT_FOUND, "No such live session.");
                    }
                    sessions.revoke(me.tenantId(), me.userId(), id, new Actor(me.tenantId(), me.userId(),
                            me.organizationId(), request.sourceIp(), request.userAgent()));
                    yield ApiResponses.empty(204);
                }
                case "POST /v1/me/api-keys" -> createApiKey(request, me, account.orElseThrow());
                case "GET /v1/me/api-keys" -> ApiResponses.json(200, Map.of("api_keys",
                        apiKeys.list(me.tenantId(), me.userId())));
                case "DELETE /v1/me/api-keys/{id}" -> {
                    apiKeys.revokeOwn(actor(request, me), me.tenantId(), me.userId(),
                            Optional.ofNullable(event.getPathParameters()).map(p -> p.get("id")).orElse(""));
                    yield ApiResponses.empty(204);
                }
                case "POST /v1/me/mfa/totp" -> ApiResponses.json(200, mfa.enrol(actor(request, me)));
                case "POST /v1/me/mfa/totp/activate" -> ApiResponses.json(200,
                        mfa.activate(actor(request, me), activationCode(request)));
                case "DELETE /v1/me/mfa/totp" -> {
                    mfa.disable(actor(request, me));
                    yield ApiResponses.empty(204);
                }
                case "POST /v1/me/password" -> {
                    passwords.change(actor(request, me), passwordChange(request));
                    yield ApiResponses.empty(204);
                }
                case "POST /v1/me/mfa/backup-codes" -> ApiResponses.json(200,
                        mfa.regenerateBackupCodes(actor(request, me)));
                case "POST /v1/me/phone" -> ApiResponses.json(202, phones.register(actor(request, me),
                        phoneField(request)));
                case "POST /v1/me/phone/verify" -> ApiResponses.json(200, phones.verify(actor(request, me),
                        activationCode(request)));
                case "GET /v1/me/consents" -> ApiResponses.json(200, Map.of("consents",
                        consents.list(me.tenantId(), me.userId())));
                case "PUT /v1/me/consents/{purpose}" -> {
                    ConsentChange body = request.body(ConsentChange.class);
                    if (!Boolean.TRUE.equals(body.granted())) {
                        throw ProblemException.invalid(ErrorCode.VALIDATION_FAILED, "The request is not valid.",
                                List.of(new FieldError("granted", "must_be_true",
                                        "Send {\"granted\": true} to grant; withdraw with DELETE.")));
                    }
                    yield ApiResponses.json(200, consents.grant(consentSubject(request, me), purpose(event)));
                }
                case "DELETE /v1/me/consents/{purpose}" -> {
                    consents.withdraw(consentSubject(request, me), purpose(event));
                    yield ApiResponses.empty(204);
                }
                default -> throw new ProblemException(ErrorCode.NOT_FOUND, "No such route.");
            };
        });
    }

    private APIGatewayV2HTTPResponse createApiKey(ApiRequest request, ApiRequest.Principal me, UserAccount owner) {
        NewApiKey body = request.body(NewApiKey.class);
        ApiKeyService.Issued issued = apiKeys.create(actor(request, me), owner,
                new ApiKeyService.Request(body.name(), body.roles(), body.expiresInDays()));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", issued.id());
        out.put("api_key", issued.plaintext());
        out.put("name", issued.name());
        out.put("roles", issued.roles());
        out.put("expires_at", issued.expiresAt().toString());
        return ApiResponses.json(201, out);
    }

    /** {@code {"granted": true}} of {@code PUT /v1/me/consents/{purpose}} (ADR 0068). */
    record ConsentChange(Boolean granted) {
    }

    private static ConsentService.Subject consentSubject(ApiRequest request, ApiRequest.Principal me) {
        return new ConsentService.Subject(actor(request, me), me.authMethod(), me.sessionId());
    }

    private static String purpose(APIGatewayV2HTTPEvent event) {
        return Optional.ofNullable(event.getPathParameters()).map(p -> p.get("purpose")).orElse("");
    }

    private static Actor actor(ApiRequest request, ApiRequest.Principal me) {
        return new Actor(me.tenantId(), me.userId(), me.organizationId(), request.sourceIp(), request.userAgent());
    }

    private static String activationCode(ApiRequest request) {
        ActivationRequest body = request.body(ActivationRequest.class);
        if (body.code() == null || body.code().isBlank()) {
            throw ProblemException.invalid(ErrorCode.VALIDATION_FAILED, "The request is not valid.",
                    List.of(new FieldError("code", "required", "The code is required.")));
        }
        if (body.code().length() > 16) {
            throw ProblemException.invalid(ErrorCode.VALIDATION_FAILED, "The request is not valid.",
                    List.of(new FieldError("code", "too_long", "The code has at most 16 characters.")));
        }
        return body.code();
    }

    private static StepUpService.Proof stepUpProof(ApiRequest request) {
        StepUpRequest body = request.body(StepUpRequest.class);
        List<FieldError> errors = new ArrayList<>();
        passwordField("password", body.password(), errors);
        if (body.code() != null && (body.code().isBlank() || body.code().length() > 16)) {
            errors.add(new FieldError("code", "invalid", "The code has 1-16 characters."));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(ErrorCode.VALIDATION_FAILED, "The request is not valid.", errors);
        }
        return new StepUpService.Proof(body.password(), Optional.ofNullable(body.code()));
    }

    private static String phoneField(ApiRequest request) {
        PhoneRequest body = request.body(PhoneRequest.class);
        if (body.phone() == null || body.phone().isBlank()) {
            throw ProblemException.invalid(ErrorCode.VALIDATION_FAILED, "The request is not valid.",
                    List.of(new FieldError("phone", "required", "The phone number is required.")));
        }
        if (body.phone().length() > MAX_PHONE_CHARS) {
            throw ProblemException.invalid(ErrorCode.VALIDATION_FAILED, "The request is not valid.",
                    List.of(new FieldError("phone", "invalid_e164",
                            "The phone number must be in E.164 form, e.g. +447700900123.")));
        }
        return body.phone();
    }

    private static PasswordChange passwordChange(ApiRequest request) {
        PasswordChangeRequest body = request.body(PasswordChangeRequest.class);
        List<FieldError> errors = new ArrayList<>();
        passwordField("current_password", body.currentPassword(), errors);
        passwordField("new_password", body.newPassword(), errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(ErrorCode.VALIDATION_FAILED, "The request is not valid.", errors);
        }
        return new PasswordChange(body.currentPassword(), body.newPassword());
    }


    private static void ticketField(String name, String value, List<FieldError> errors) {
        if (value == null || value.isEmpty()) {
            errors.add(new FieldError(name, "required", "The token is required."));
        } else if (value.length() > 128) {
            errors.add(new FieldError(name, "too_long", "The token has at most 128 characters."));
        }
    }
    private static void passwordField(String name, String value, List<FieldError> errors) {
        if (value == null || value.isEmpty()) {
            errors.add(new FieldError(name, "required", "The " + name + " is required."));
        } else if (value.length() > MAX_PASSWORD_CHARS) {
            errors.add(new FieldError(name, "too_long", "The " + name + " has at most " + MAX_PASSWORD_CHARS
                    + " characters."));
        }
    }

    private static Map<String, Object> whoami(ApiRequest.Principal me) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("sub", me.userId());
        out.put("tenant", me.tenantId());
        out.put("org", me.organizationId());
        out.put("roles", me.roles());
        out.put("amr", me.amr());
        out.put("auth_time", me.authTime() == null ? null : Long.parseLong(me.authTime()));
        out.put("auth_method", me.authMethod());
        return out;
    }

    private static Map<String, Object> view(SessionRecord session, ApiRequest.Principal me) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", session.sessionId());
        out.put("current", session.sessionId().equals(me.sessionId()));
        out.put("amr", session.amr());
        out.put("audience", session.audience());
        out.put("created_at", session.createdAt().toString());
        out.put("last_used_at", session.lastUsedAt().toString());
        out.put("expires_at", session.expiresAt().toString());
        out.put("source_ip", session.sourceIp());
        out.put("user_agent", session.userAgent());
        return out;
    }
}
