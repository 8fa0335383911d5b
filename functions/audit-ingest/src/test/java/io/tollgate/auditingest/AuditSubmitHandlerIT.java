package io.tollgate.auditingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.audit.AuditDeliveryException;
import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.ingest.AuditEventValidator;
import io.tollgate.audit.ingest.AuditSubmission;
import io.tollgate.audit.testing.AuditTestbed;
import io.tollgate.json.Json;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/audit/events} through its sample event. */
class AuditSubmitHandlerIT {

    private final AuditTestbed bed = new AuditTestbed();
    private final AuditSubmitHandler handler = new AuditSubmitHandler(bed.audit);

    /** The sample with its events' timestamps moved to now: submitted events may be at most 24 h old. */
    private APIGatewayV2HTTPEvent sample() {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent("../../events/audit-submit.json");
        event.setBody(event.getBody().replaceAll("2026-11-22T10:15:3[0-9]\\.000000Z", bed.testbed.clock.instant().toString()));
        return event;
    }

    private static JsonNode json(APIGatewayV2HTTPResponse response) throws Exception {
        return Json.mapper().readTree(response.getBody());
    }

    @Test
    void submitWhenSampleThenValidQueuedForTheKeysTenantAndInvalidRejectedByIndex() throws Exception {
        APIGatewayV2HTTPResponse response = handler.handleRequest(sample(), null);
        assertEquals(202, response.getStatusCode(), response.getBody());
        JsonNode body = json(response);
        assertEquals(1, body.get("accepted").asInt());
        assertEquals(1, body.get("rejected").get(0).get("index").asInt());
        assertEquals("unknown_event_type", body.get("rejected").get(0).get("code").asText());
        List<AuditEvent> queued = bed.testbed.audit.events();
        assertEquals(1, queued.size());
        assertEquals("pay-2026-0001", queued.getFirst().eventId());
        assertEquals("acme", queued.getFirst().tenantId());
        assertEquals("MEDIUM", queued.getFirst().severity().name());
        assertEquals("api_key:k7x2m9qa", queued.getFirst().source(), "the submitting key is the source");
    }

    @Test
    void submitWhenSampleAsRecordedLongAgoThenRefusedAsTooOld() throws Exception {
        APIGatewayV2HTTPResponse response = handler.handleRequest(
                EventLoader.loadApiGatewayHttpEvent("../../events/audit-submit.json"), null);
        assertEquals(202, response.getStatusCode(), response.getBody());
        assertEquals(0, json(response).get("accepted").asInt(), response.getBody());
        assertEquals("invalid_timestamp", json(response).get("rejected").get(0).get("code").asText());
    }

    @Test
    void submitWhenBearerTokenInsteadOfApiKeyThenForbidden() throws Exception {
        APIGatewayV2HTTPEvent event = sample();
        Map<String, Object> context = new HashMap<>(event.getRequestContext().getAuthorizer().getLambda());
        context.put("auth_method", "bearer");
        event.getRequestContext().getAuthorizer().setLambda(context);
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);
        assertEquals(403, response.getStatusCode());
        assertEquals("forbidden", json(response).get("code").asText());
    }

    @Test
    void submitWhenAuthorizerLeftScopeConstraintsThenForbiddenAndNothingQueued() throws Exception {
        APIGatewayV2HTTPEvent event = sample();
        Map<String, Object> context = new HashMap<>(event.getRequestContext().getAuthorizer().getLambda());
        context.put("scope_constraints", "own");
        event.getRequestContext().getAuthorizer().setLambda(context);
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);
        assertEquals(403, response.getStatusCode(), response.getBody());
        assertEquals("forbidden", json(response).get("code").asText());
        assertEquals(List.of(), bed.testbed.audit.events(), "a tenant-wide write cannot be narrowed to a scope: fail closed");
    }

    @Test
    void submitWhenMoreThanHundredEventsThenValidationFailed() throws Exception {
        APIGatewayV2HTTPEvent event = sample();
        StringBuilder events = new StringBuilder("{\"events\":[");
        for (int i = 0; i < 101; i++) {
            events.append(i == 0 ? "" : ",").append("{}");
        }
        event.setBody(events.append("]}").toString());
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);
        assertEquals(400, response.getStatusCode());
        assertEquals("validation_failed", json(response).get("code").asText());
    }

    @Test
    void submitWhenQueueRefusesThenServiceUnavailable() throws Exception {
        AuditSubmitHandler failing = new AuditSubmitHandler(new AuditSubmission(
                new AuditEventValidator(bed.testbed.clock), new io.tollgate.audit.AuditPublisher() {
                    @Override
                    public void publish(AuditEvent event) {
                    }

                    @Override
                    public void publishAll(List<AuditEvent> events) {
                        throw new AuditDeliveryException("SQS SendMessageBatch failed (test)", null);
                    }
                }));
        APIGatewayV2HTTPResponse response = failing.handleRequest(sample(), null);
        assertEquals(503, response.getStatusCode());
        assertEquals("service_unavailable", json(response).get("code").asText());
    }
}
