package io.tollgate.tokenrefresh;

import java.util.Map;
import io.tollgate.platform.SnapStartPriming.HttpPrimer;
import io.tollgate.platform.SnapStartPriming;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.tollgate.audit.AuditRecorder.Actor;
import io.tollgate.http.ApiRequest;
import io.tollgate.http.ApiResponses;
import io.tollgate.http.ErrorCode;
import io.tollgate.http.HttpEndpoint;
import io.tollgate.http.ProblemException;
import io.tollgate.http.ProblemException.FieldError;
import io.tollgate.http.RefreshCookies;
import io.tollgate.http.TokenResponses;
import io.tollgate.platform.TollgateServices;
import io.tollgate.session.SessionService;
import io.tollgate.session.SessionServices;
import io.tollgate.session.TokenDelivery;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code POST /v1/auth/token/refresh}, {@code POST /v1/auth/logout} and
 * {@code POST /v1/auth/logout/all} (docs/openapi.yaml): adapts the events to {@link SessionService}.
 * The refresh token comes from the JSON body, or in cookie mode from the
 * {@link RefreshCookies#REFRESH} cookie with the {@link RefreshCookies#CSRF_HEADER} header.
 */
public final class TokenRefreshHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    /** SnapStart priming (ADR 0049): held here because the CRaC context holds it weakly. */
    final SnapStartPriming priming;

    private final SessionService sessions;

    /** Used by AWS Lambda: wires real AWS clients once per container. */
    public TokenRefreshHandler() {
        this(TollgateServices.fromEnvironment());
    }

    /** Used by the local runtime. */
    public TokenRefreshHandler(TollgateServices services) {
        this(SessionServices.create(services));
    }

    /** Used by tests. */
    public TokenRefreshHandler(SessionService sessions) {
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.priming = SnapStartPriming.http(this, 60, List.of(
                HttpPrimer.body("POST /v1/auth/token/refresh", "{}"),
                HttpPrimer.unknownField("POST /v1/auth/token/refresh"),
                HttpPrimer.unknownField("POST /v1/auth/logout")));
    }

    /** The body of refresh and logout; unknown fields are refused. */
    record RefreshRequest(@JsonProperty("refresh_token") String refreshToken) {
        @Override
        public String toString() {
            return "RefreshRequest[]";
        }
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpEndpoint.handle(event, context, request -> switch (Optional.ofNullable(event.getRouteKey()).orElse("")) {
            case "POST /v1/auth/token/refresh" -> {
                SessionService.Refreshed refreshed = sessions.refresh(presented(request));
                yield TokenResponses.of(refreshed.tokens(), refreshed.delivery(), refreshed.remainingLifetime());
            }
            case "POST /v1/auth/logout" -> {
                SessionService.Presented presented = presented(request);
                sessions.logout(presented);
                APIGatewayV2HTTPResponse response = ApiResponses.empty(204);
                yield presented.via() == TokenDelivery.COOKIE ? RefreshCookies.clear(response) : response;
            }
            case "POST /v1/auth/logout/all" -> {
                ApiRequest.Principal principal = request.requirePrincipal();
                sessions.revokeAll(principal.tenantId(), principal.userId(), "logout_all", new Actor(principal.tenantId(),
                        principal.userId(), principal.organizationId(), request.sourceIp(), request.userAgent()));
                yield RefreshCookies.clear(ApiResponses.empty(204));
            }
            default -> throw new ProblemException(ErrorCode.NOT_FOUND, "No such route.");
        });
    }

    private static SessionService.Presented presented(ApiRequest request) {
        Optional<String> cookie = request.cookie(RefreshCookies.REFRESH).filter(v -> !v.isEmpty());
        if (cookie.isPresent()) {
            return new SessionService.Presented(cookie.get(), TokenDelivery.COOKIE,
                    request.header(RefreshCookies.CSRF_HEADER), request.sourceIp(), request.userAgent());
        }
        RefreshRequest body = request.body(RefreshRequest.class);
        if (body.refreshToken() == null || body.refreshToken().isEmpty()) {
            throw ProblemException.invalid(ErrorCode.VALIDATION_FAILED, "The request is not valid.",
                    List.of(new FieldError("refresh_token", "required", "The refresh token is required.")));
        }
        if (body.refreshToken().length() > 512) {
            throw ProblemException.invalid(ErrorCode.VALIDATION_FAILED, "The request is not valid.",
                    List.of(new FieldError("refresh_token", "too_long", "The refresh token is too long.")));
        }
        return new SessionService.Presented(body.refreshToken(), TokenDelivery.BODY, Optional.empty(),
                request.sourceIp(), request.userAgent());
    }
}
