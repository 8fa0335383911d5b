package io.tollgate.login;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.tollgate.http.ApiResponses;
import io.tollgate.http.TokenResponses;
import io.tollgate.http.ErrorCode;
import io.tollgate.http.HttpEndpoint;
import io.tollgate.http.ProblemException;
import io.tollgate.http.ProblemException.FieldError;
import io.tollgate.platform.SnapStartPriming;
import io.tollgate.platform.SnapStartPriming.HttpPrimer;
import io.tollgate.platform.TollgateServices;
import io.tollgate.tenant.Tenant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code POST /v1/auth/login} (docs/openapi.yaml): adapts the API Gateway event to
 * {@link LoginService#login} and maps the result. Holds no business rule.
 */
public final class LoginHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    /** Priming rounds (ADR 0049): each request is refused by validation before any AWS call. */
    private static final int PRIMING_ROUNDS = 100;

    private final LoginService service;
    /** SnapStart priming (ADR 0049): held here because the CRaC context holds it weakly. */
    final SnapStartPriming priming;

    /** Used by AWS Lambda: wires real AWS clients once per container (the snapshot is taken after it). */
    public LoginHandler() {
        this(TollgateServices.fromEnvironment());
    }

    /** Used by the local runtime. */
    public LoginHandler(TollgateServices services) {
        this(LoginServices.create(services));
    }

    /** Used by tests. */
    public LoginHandler(LoginService service) {
        this.service = Objects.requireNonNull(service, "service");
        // A tenant id cannot hold spaces; an unknown field is refused when the body is parsed.
        this.priming = SnapStartPriming.http(this, PRIMING_ROUNDS, List.of(
                HttpPrimer.body("POST /v1/auth/login",
                        "{\"tenant\":\"not a tenant\",\"username\":\"priming\",\"password\":\"priming\"}"),
                HttpPrimer.unknownField("POST /v1/auth/login")));
    }

    /** The request body; every field is a string, unknown fields are refused. */
    record LoginRequest(String tenant, String username, String password, String audience) {
        @Override
        public String toString() {
            return "LoginRequest[tenant=" + tenant + "]";
        }
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpEndpoint.handle(event, context, request -> {
            LoginRequest body = request.body(LoginRequest.class);
            validate(body);
            LoginResult result = service.login(new LoginCommand(body.tenant(), body.username(), body.password(),
                    request.sourceIp(), request.userAgent(), Optional.ofNullable(body.audience())));
            return switch (result) {
                case LoginResult.Authenticated authenticated -> TokenResponses.of(authenticated.tokens(),
                        authenticated.delivery(), authenticated.sessionLifetime());
                case LoginResult.MfaRequired mfa -> ApiResponses.json(200, Map.of("mfa_required", true,
                        "mfa_token", mfa.mfaToken(), "methods", mfa.methods()));
                case LoginResult.MfaEnrolmentRequired enrolment -> ApiResponses.json(200, Map.of(
                        "mfa_enrolment_required", true, "mfa_token", enrolment.mfaToken(),
                        "methods", enrolment.methods()));
                case LoginResult.PasswordChangeRequired expired -> ApiResponses.json(200, Map.of(
                        "password_change_required", true, "password_change_token", expired.passwordChangeToken(),
                        "expires_in", expired.lifetime().toSeconds()));
            };
        });
    }

    private static void validate(LoginRequest body) {
        List<FieldError> errors = new ArrayList<>();
        if (body.tenant() == null || body.tenant().isEmpty()) {
            errors.add(new FieldError("tenant", "required", "The tenant is required."));
        } else if (!Tenant.ID.matcher(body.tenant()).matches()) {
            errors.add(new FieldError("tenant", "invalid_format", "Use 1-63 lower-case letters, digits or dashes."));
        }
        if (body.username() == null || body.username().isBlank()) {
            errors.add(new FieldError("username", "required", "The user name is required."));
        } else if (body.username().length() > 254) {
            errors.add(new FieldError("username", "too_long", "The user name has at most 254 characters."));
        }
        if (body.password() == null || body.password().isEmpty()) {
            errors.add(new FieldError("password", "required", "The password is required."));
        } else if (body.password().length() > 1024) {
            errors.add(new FieldError("password", "too_long", "The password has at most 1024 characters."));
        }
        if (body.audience() != null && !TokenResponses.AUDIENCE.matcher(body.audience()).matches()) {
            errors.add(new FieldError("audience", "invalid_format", "Use 1-32 lower-case letters or dashes."));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(ErrorCode.VALIDATION_FAILED, "The request is not valid.", errors);
        }
    }
}
