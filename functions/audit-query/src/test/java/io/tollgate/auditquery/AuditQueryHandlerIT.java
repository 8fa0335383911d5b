package io.tollgate.auditquery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.AuditSeverity;
import io.tollgate.audit.testing.AuditTestbed;
import io.tollgate.audit.testing.TestAuditEvents;
import io.tollgate.json.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code GET /v1/audit/events} and {@code GET /v1/audit/verify} through their sample events (tenant acme). */
class AuditQueryHandlerIT {

    private final AuditTestbed bed = new AuditTestbed();
    private final AuditQueryHandler handler = new AuditQueryHandler(bed.audit);

    @BeforeEach
    void chainSomeAcmeEvents() {
        AuditEvent base = TestAuditEvents.event("acme", bed.testbed.clock.instant());
        AuditEvent login = new AuditEvent(base.timestamp(), java.util.UUID.randomUUID().toString(), "login_success",
                AuditSeverity.HIGH, "u-1", "acme", null, null, null, null, null, "success", Map.of(), List.of());
        bed.audit.ingestion().ingest(List.of(AuditTestbed.message(base), AuditTestbed.message(login)));
    }

    private static JsonNode json(APIGatewayV2HTTPResponse response) throws Exception {
        return Json.mapper().readTree(response.getBody());
    }

    @Test
    void eventsWhenSampleQueryThenOnlyHighLoginEventsOfTheTokensTenant() throws Exception {
        APIGatewayV2HTTPResponse response = handler.handleRequest(
                EventLoader.loadApiGatewayHttpEvent("../../events/audit-events-query.json"), null);
        assertEquals(200, response.getStatusCode(), response.getBody());
        JsonNode events = json(response).get("events");
        assertTrue(events.size() >= 1);
        for (JsonNode event : events) {
            assertEquals("login_success", event.get("event_type").asText());
            assertEquals("HIGH", event.get("severity").asText());
            assertEquals("acme", event.get("tenant_id").asText());
        }
    }

    @Test
    void eventsWhenAuthorizerLeftScopeConstraintsThenForbidden() throws Exception {
        for (String sample : List.of("audit-events-query.json", "audit-verify.json")) {
            APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent("../../events/" + sample);
            Map<String, Object> context = new java.util.HashMap<>(event.getRequestContext().getAuthorizer().getLambda());
            context.put("scope_constraints", "own");
            event.getRequestContext().getAuthorizer().setLambda(context);
            APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);
            assertEquals(403, response.getStatusCode(), sample + ": " + response.getBody());
            assertEquals("forbidden", json(response).get("code").asText());
        }
    }

    @Test
    void verifyWhenSampleThenValidWithHead() throws Exception {
        APIGatewayV2HTTPResponse response = handler.handleRequest(
                EventLoader.loadApiGatewayHttpEvent("../../events/audit-verify.json"), null);
        assertEquals(200, response.getStatusCode(), response.getBody());
        JsonNode body = json(response);
        assertTrue(body.get("valid").asBoolean(), response.getBody());
        assertEquals(body.get("head_seq").asLong(), body.get("events").asLong());
        assertEquals(64, body.get("head").asText().length());
    }

    @Test
    void eventsWhenSeverityUnknownThenValidationProblem() throws Exception {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent("../../events/audit-events-query.json");
        event.setQueryStringParameters(Map.of("severity", "urgent"));
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);
        assertEquals(400, response.getStatusCode());
        assertTrue(response.getHeaders().get("Content-Type").startsWith("application/problem+json"));
        assertEquals("severity", json(response).get("errors").get(0).get("field").asText());
    }

    @Test
    void eventsWhenSearchedThenTheSearchIsAuditedAsDataQueryWithItsFiltersButNoResults() throws Exception {
        APIGatewayV2HTTPResponse response = handler.handleRequest(
                EventLoader.loadApiGatewayHttpEvent("../../events/audit-events-query.json"), null);
        assertEquals(200, response.getStatusCode(), response.getBody());

        List<AuditEvent> reads = bed.testbed.audit.ofType("data_query");
        assertEquals(1, reads.size());
        AuditEvent read = reads.getFirst();
        assertEquals(AuditSeverity.LOW, read.severity());
        assertEquals("acme", read.tenantId());
        assertEquals("audit_events", read.resource());
        assertEquals("search", read.action());
        assertEquals(Map.of("type", "login_success", "severity", "high", "limit", "20", "cursor", false),
                read.additionalData().get("parameters"));
        String recorded = Json.mapper().writeValueAsString(read);
        assertTrue(!recorded.contains("hash") && !recorded.contains("u-1"), "never the results: " + recorded);
    }

    @Test
    void verifyWhenRunThenAuditedAsDataQueryWithoutTheVerdict() throws Exception {
        APIGatewayV2HTTPResponse response = handler.handleRequest(
                EventLoader.loadApiGatewayHttpEvent("../../events/audit-verify.json"), null);
        assertEquals(200, response.getStatusCode(), response.getBody());
        AuditEvent read = bed.testbed.audit.ofType("data_query").getFirst();
        assertEquals("audit_chain", read.resource());
        assertEquals("verify", read.action());
        assertTrue(!Json.mapper().writeValueAsString(read).contains("valid"));
    }

    @Test
    void verifyWhenRangeLongerThanTheSynchronousBoundThenProblemNamingTheBoundAndNothingVerified() throws Exception {
        AuditQueryHandler bounded = new AuditQueryHandler(bed.audit, 1);
        APIGatewayV2HTTPResponse response = bounded.handleRequest(
                EventLoader.loadApiGatewayHttpEvent("../../events/audit-verify.json"), null);
        assertEquals(400, response.getStatusCode(), response.getBody());
        assertTrue(response.getHeaders().get("Content-Type").startsWith("application/problem+json"));
        JsonNode error = json(response).get("errors").get(0);
        assertEquals("range_too_large", error.get("code").asText());
        assertTrue(error.get("message").asText().contains("at most 1."), error.toString());
    }
}
