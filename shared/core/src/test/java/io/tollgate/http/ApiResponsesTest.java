package io.tollgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.json.Json;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ApiResponsesTest {

    @Test
    void problemWhenRateLimitedThenRfc9457BodyAndRetryAfter() throws Exception {
        var response = ApiResponses.problem(ProblemException.rateLimited("Slow down.", Duration.ofSeconds(90)), "req-1");
        assertEquals(429, response.getStatusCode());
        assertEquals("90", response.getHeaders().get("Retry-After"));
        assertTrue(response.getHeaders().get("Content-Type").startsWith("application/problem+json"));
        JsonNode body = Json.mapper().readTree(response.getBody());
        assertEquals("rate_limited", body.get("code").asText());
        assertEquals(429, body.get("status").asInt());
        assertEquals("https://tollgate.dev/problems/rate-limited", body.get("type").asText());
        assertEquals("Too many requests", body.get("title").asText());
    }

    @Test
    void jsonWhenAnyAnswerThenSecurityHeadersAndNoStore() {
        var response = ApiResponses.json(200, java.util.Map.of("ok", true));
        assertEquals("no-store", response.getHeaders().get("Cache-Control"));
        assertEquals("nosniff", response.getHeaders().get("X-Content-Type-Options"));
        assertTrue(response.getHeaders().get("Strict-Transport-Security").startsWith("max-age="));
    }

    @Test
    void handleWhenUnexpectedExceptionThenGeneric500WithoutInternals() throws Exception {
        var event = APIGatewayV2HTTPEvent.builder().withBody("{}").build();
        var response = HttpEndpoint.handle(event, request -> {
            throw new IllegalStateException("table tollgate-identity secret=hunter2");
        });
        assertEquals(500, response.getStatusCode());
        assertFalse(response.getBody().contains("hunter2"));
        assertFalse(response.getBody().contains("IllegalState"));
        assertEquals("internal_error", Json.mapper().readTree(response.getBody()).get("code").asText());
    }
}
