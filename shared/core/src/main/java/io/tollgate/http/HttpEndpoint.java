package io.tollgate.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The boundary every HTTP handler runs its work through: a {@link ProblemException} becomes its
 * problem document, any other failure becomes a generic 500 whose cause goes to the log only
 * (with the request id to correlate), never to the caller.
 *
 * <p>It also enforces the authorizer's verdict before any work (ADR 0013): the authorizer passes
 * refusals (invalid credential, forbidden, rate limited) in its context so that they are answered
 * here as RFC 9457 problems with the right status (401, 403, 429 + {@code Retry-After}), which an
 * HTTP API authorizer cannot produce itself.
 */
public final class HttpEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(HttpEndpoint.class);

    private HttpEndpoint() {
    }

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
        } catch (RuntimeException unexpected) {
            LOG.error("request failed requestId={} exception={}", request.requestId(),
                    unexpected.getClass().getName(), unexpected);
            return ApiResponses.internalError(request.requestId());
        } finally {
            MDC.clear();
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
