package io.tollgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.tollgate.devkit.LocalLambdaContext;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class HttpEndpointTest {

    @Test
    void handleWhenAuthorizedThenLogLinesCarryCorrelationIdsAndNoCredentialAndMdcClearedAfter() {
        var context = APIGatewayV2HTTPEvent.RequestContext.builder().withRequestId("req-42")
                .withAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder().withLambda(Map.of(
                        "sub", "u-1", "tenant", "acme", "sid", "s-9", "roles", "user", "decision", "allow")).build())
                .build();
        APIGatewayV2HTTPEvent event = APIGatewayV2HTTPEvent.builder().withRouteKey("GET /v1/me")
                .withHeaders(Map.of("authorization", "Bearer secret-token")).withRequestContext(context).build();
        Map<String, String> seen = new HashMap<>();

        HttpEndpoint.handle(event, request -> {
            seen.putAll(MDC.getCopyOfContextMap());
            return ApiResponses.empty(204);
        });

        assertEquals(Map.of("request_id", "req-42", "route", "GET /v1/me", "tenant", "acme", "user", "u-1",
                "session", "s-9"), seen);
        assertNull(MDC.get("request_id"), "cleared after the request");
    }

    @Test
    void handleWhenAnonymousThenOnlyRequestAndRoute() {
        var context = APIGatewayV2HTTPEvent.RequestContext.builder().withRequestId("req-7").build();
        APIGatewayV2HTTPEvent event = APIGatewayV2HTTPEvent.builder().withRouteKey("POST /v1/auth/login")
                .withRequestContext(context).build();
        Map<String, String> seen = new HashMap<>();
        HttpEndpoint.handle(event, request -> {
            seen.putAll(MDC.getCopyOfContextMap());
            return ApiResponses.empty(204);
        });
        assertEquals(Map.of("request_id", "req-7", "route", "POST /v1/auth/login"), seen);
    }

    @Test
    void handleWithLambdaContextWhenRunningThenContextInMdcBesideCorrelationIdsAndAllClearedAfter() {
        var context = APIGatewayV2HTTPEvent.RequestContext.builder().withRequestId("req-8").build();
        APIGatewayV2HTTPEvent event = APIGatewayV2HTTPEvent.builder().withRouteKey("POST /v1/auth/login")
                .withRequestContext(context).build();
        Map<String, String> seen = new HashMap<>();
        HttpEndpoint.handle(event, new LocalLambdaContext("lambda-8", "tollgate-login", Duration.ofSeconds(3),
                Clock.systemUTC()), request -> {
                    seen.putAll(MDC.getCopyOfContextMap());
                    return ApiResponses.empty(204);
                });
        assertEquals("lambda-8", seen.get("function_request_id"));
        assertEquals("tollgate-login", seen.get("function_name"));
        assertEquals("req-8", seen.get("request_id"));
        assertEquals("POST /v1/auth/login", seen.get("route"));
        assertEquals(Map.of(), MDC.getCopyOfContextMap() == null ? Map.of() : MDC.getCopyOfContextMap(),
                "nothing of the invocation is left for the next one");
    }

    @Test
    void handleWhenAMustRecordAuditEventCannotBeQueuedThen503ProblemRevealingNothing() {
        var context = APIGatewayV2HTTPEvent.RequestContext.builder().withRequestId("req-9").build();
        APIGatewayV2HTTPEvent event = APIGatewayV2HTTPEvent.builder().withRouteKey("POST /v1/auth/login")
                .withRequestContext(context).build();

        var response = HttpEndpoint.handle(event, request -> {
            throw new io.tollgate.audit.AuditDeliveryException("SQS refused 1 of 1 audit events (KMS.Throttling)", null);
        });

        assertEquals(503, response.getStatusCode());
        org.junit.jupiter.api.Assertions.assertTrue(response.getHeaders().get("Content-Type")
                .startsWith(ApiResponses.PROBLEM_JSON));
        org.junit.jupiter.api.Assertions.assertFalse(response.getBody().contains("SQS"), response.getBody());
    }
}
