package io.tollgate.account;

import io.tollgate.platform.SnapStartPriming.HttpPrimer;
import io.tollgate.platform.SnapStartPriming;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.tollgate.audit.AuditEventType;
import io.tollgate.audit.AuditRecorder;
import io.tollgate.audit.AuditRecorder.Actor;
import io.tollgate.authz.ApiKeyRepository;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The caller's own account under {@code /v1/me} (SPEC.md §3): who am I, my sessions, my API keys,
 * my password (change, and the public {@code POST /v1/auth/password/expired} that a login with an
 * expired password leads to; ADR 0025) and my second factors (TOTP enrolment and activation, backup
 * codes, TOTP removal; a phone number for SMS codes and its verification, ADR 0032). The
 * caller is always the principal the authorizer verified; no route here takes a user id from the
 * request, so nobody can reach another user's sessions.
 */
public final class AccountHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    /** SnapStart priming (ADR 0049): held here because the CRaC context holds it weakly. */
    final SnapStartPriming priming;

    private static final Pattern API_KEY_ID = Pattern.compile("[a-z0-9]{8}");
    private static final Pattern SESSION_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private static final int MAX_KEYS_PER_USER = 10;

    private final SessionService sessions;
    private final ApiKeyRepository apiKeys;
    private final ApiKeys generator;
    private final AuditRecorder audit;
    private final MfaEnrolmentService mfa;
    private final PasswordChangeService passwords;
    private final SmsEnrolmentService phones;
    private final ConsentService consents;

    /** The longest phone field accepted before E.164 validation (E.164 has at most 16 characters). */
    private static final int MAX_PHONE_CHARS = 32;

    /** The longest password field accepted (the policy's own maximum is at most 256 characters). */
    private static final int MAX_PASSWORD_CHARS = 1024;

    private static final String EXPIRED_PASSWORD_ROUTE = "POST /v1/auth/password/expired";
    private static final String SET_PASSWORD_ROUTE = "POST /v1/auth/password/set";

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
        this(SessionServices.create(services), MfaServices.enrolment(services), new ApiKeyRepository(services.dynamoDb(),
                services.config().tables(), services.clock()), new ApiKeys(services.random()), services.audit(),
                PasswordChangeService.create(services), MfaServices.smsEnrolment(services),
                ConsentService.create(services));
    }

    /** Used by tests. */
    public AccountHandler(SessionService sessions, MfaEnrolmentService mfa, ApiKeyRepository apiKeys, ApiKeys generator,
            AuditRecorder audit, PasswordChangeService passwords, SmsEnrolmentService phones, ConsentService consents) {
        this.consents = Objects.requireNonNull(consents, "consents");
        this.passwords = Objects.requireNonNull(passwords, "passwords");
        this.phones = Objects.requireNonNull(phones, "phones");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.mfa = Objects.requireNonNull(mfa, "mfa");
        this.apiKeys = Objects.requireNonNull(apiKeys, "apiKeys");
        this.generator = Objects.requireNonNull(generator, "generator");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.priming = SnapStartPriming.http(this, 30, List.of(
                HttpPrimer.body(EXPIRED_PASSWORD_ROUTE, "{}"),
                HttpPrimer.body(SET_PASSWORD_ROUTE, "{}"),
                HttpPrimer.unknownField("POST /v1/me/api-keys"),
                HttpPrimer.unknownField("POST /v1/me/mfa/totp/activate"),
                HttpPrimer.unknownField("POST /v1/me/password"),
                HttpPrimer.unknownField("POST /v1/me/phone"),
                HttpPrimer.unknownField("POST /v1/me/phone/verify")));
    }

    /** {@code POST /v1/me/api-keys}: a name, and optionally a subset of the caller's roles. */
    record NewApiKey(String name, List<String> roles) {
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
            return switch (Optional.ofNullable(event.getRouteKey()).orElse("")) {
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
                case "POST /v1/me/api-keys" -> createApiKey(request, me);
                case "GET /v1/me/api-keys" -> ApiResponses.json(200, Map.of("api_keys",
                        apiKeys.list(me.tenantId(), me.userId()).stream().map(AccountHandler::view).toList()));
                case "DELETE /v1/me/api-keys/{id}" -> {
                    String id = Optional.ofNullable(event.getPathParameters()).map(p -> p.get("id")).orElse("");
                    if (!API_KEY_ID.matcher(id).matches() || !apiKeys.revoke(me.tenantId(), me.userId(), id)) {
                        throw new ProblemException(ErrorCode.NOT_FOUND, "No such active API key.");
                    }
                    audit.record(AuditEventType.API_KEY_REVOKED, actor(request, me), "api_key", "revoke", "success",
                            Map.of("api_key", id));
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

    private APIGatewayV2HTTPResponse createApiKey(ApiRequest request, ApiRequest.Principal me) {
        NewApiKey body = request.body(NewApiKey.class);
        List<FieldError> errors = new ArrayList<>();
        if (body.name() == null || body.name().isBlank() || body.name().length() > 64) {
            errors.add(new FieldError("name", "required", "A name of 1-64 characters is required."));
        }
        List<String> roles = body.roles() == null || body.roles().isEmpty() ? me.roles() : List.copyOf(body.roles());
        if (!me.roles().containsAll(roles)) {
            errors.add(new FieldError("roles", "not_held", "An API key may carry only roles the caller holds."));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(ErrorCode.VALIDATION_FAILED, "The request is not valid.", errors);
        }
        if (apiKeys.list(me.tenantId(), me.userId()).stream().filter(ApiKeyRepository.ApiKeyRecord::active).count()
                >= MAX_KEYS_PER_USER) {
            throw new ProblemException(ErrorCode.CONFLICT, "At most " + MAX_KEYS_PER_USER + " active API keys per user.");
        }
        for (int attempt = 0; attempt < 3; attempt++) {
            ApiKeys.IssuedApiKey issued = generator.generate();
            if (apiKeys.create(issued.stored(), me.tenantId(), me.userId(), me.organizationId(), roles, body.name())) {
                audit.record(AuditEventType.API_KEY_CREATED, actor(request, me), "api_key", "create", "success",
                        Map.of("api_key", issued.stored().prefix(), "roles", roles));
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("id", issued.stored().prefix());
                out.put("api_key", issued.plaintext());
                out.put("name", body.name());
                out.put("roles", roles);
                return ApiResponses.json(201, out);
            }
        }
        throw new IllegalStateException("Could not find a free API key prefix");
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

    private static Map<String, Object> view(ApiKeyRepository.ApiKeyRecord key) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", key.prefix());
        out.put("name", key.name());
        out.put("roles", key.roles());
        out.put("status", key.status());
        out.put("created_at", key.createdAt().toString());
        out.put("last_used_at", key.lastUsedAt().map(Object::toString).orElse(null));
        return out;
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
