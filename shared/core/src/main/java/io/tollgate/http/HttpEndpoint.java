package io.tollgate.http;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.tollgate.audit.AuditDeliveryException;
import io.tollgate.observability.LambdaLogging;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The boundary every HTTP handler runs its work through: a {@link ProblemException} becomes its
 * problem document, an audit event that must be recorded but could not be queued becomes a 503
 * (ADR 0059), any other failure becomes a generic 500 whose cause goes to the log only (with the
 * request id to correlate), never to the caller.
 *
 * <p>It also enforces the authorizer's verdict before any work (ADR 0013): the authorizer passes
 * refusals (invalid credential, forbidden, rate limited) in its context so that they are answered
 * here as RFC 9457 problems with the right status (401, 403, 429 + {@code Retry-After}), which an
 * HTTP API authorizer cannot produce itself.
 *
 * <p>Every log line of the request is structured JSON carrying the Lambda context
 * ({@link LambdaLogging}) and the request's correlation ids (ADR 0018, ADR 0048).
 */
public final class HttpEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(HttpEndpoint.class);

    /** The MDC keys this boundary owns; the Lambda context keys belong to {@link LambdaLogging}. */
    static final List<String> CORRELATION_KEYS = List.of("request_id", "route", "tenant", "user", "session");

    private HttpEndpoint() {
    }

    /** Runs {@code work} for one invocation, with the Lambda context and correlation ids on its log lines. */
    public static APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event, Context context,
            Function<ApiRequest, APIGatewayV2HTTPResponse> work) {
        return LambdaLogging.around(context, () -> handle(event, work));
    }

    /** Runs {@code work} with the request's correlation ids on its log lines (no Lambda context: local callers). */
    public static APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event,
            Function<ApiRequest, APIGatewayV2HTTPResponse> work) {
        ApiRequest request = new ApiRequest(event);
        correlate(event, request);
        try {
            request.authorizerRefusal().ifPresent(refusal -> {
                throw refusal;
            });
            return work.apply(request);
        } catch (ProblemException problem) {
            LOG.info("request refused requestId={} code={}", request.requestId(), problem.errorCode().code());
            return ApiResponses.problem(problem, request.requestId());
        } catch (AuditDeliveryException unrecorded) {
            LOG.error("request failed: its audit event could not be queued requestId={} reason={}",
                    request.requestId(), unrecorded.getMessage());
            return ApiResponses.problem(new ProblemException(ErrorCode.SERVICE_UNAVAILABLE,
                    "The service is temporarily unavailable; retry later."), request.requestId());
        } catch (RuntimeException unexpected) {
            LOG.error("request failed requestId={} exception={}", request.requestId(),
                    unexpected.getClass().getName(), unexpected);
            return ApiResponses.internalError(request.requestId());
        } finally {
            CORRELATION_KEYS.forEach(MDC::remove);
        }
    }

    /**
     * Puts the correlation ids on every log line of this request (the JSON layout writes the MDC):
     * request id, route, and for an authorized caller the tenant, user and session ids. Ids only,
     * never a token, code or personal data.
     */
    private static void correlate(APIGatewayV2HTTPEvent event, ApiRequest request) {
        MDC.put("request_id", request.requestId());
        if (event.getRouteKey() != null) {
            MDC.put("route", event.getRouteKey());
        }
        request.principal().ifPresent(principal -> {
            MDC.put("tenant", principal.tenantId());
            MDC.put("user", principal.userId());
            if (principal.sessionId() != null && !principal.sessionId().isEmpty()) {
                MDC.put("session", principal.sessionId());
            }
        });
    }
}
