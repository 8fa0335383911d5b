package io.tollgate.auditquery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.platform.AuditServices;
import io.tollgate.audit.testing.AuditTestbed;
import io.tollgate.audit.testing.TestAuditEvents;
import io.tollgate.audit.verification.SqsVerificationJobQueue;
import io.tollgate.audit.verification.VerificationJobQueue;
import io.tollgate.json.Json;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/audit/verifications}, the worker and {@code GET /v1/audit/verifications/{id}} through their
 * sample events (tenant acme), on DynamoDB Local with a recording queue.
 */
class AuditVerificationHandlerIT {

    private final AuditTestbed bed = new AuditTestbed();
    private final List<VerificationJobQueue.Message> queued = new CopyOnWriteArrayList<>();
    private final AuditServices audit = bed.audit.withVerificationQueue(queued::add);
    private final AuditQueryHandler handler = new AuditQueryHandler(audit);
    private final AuditVerificationWorker worker = new AuditVerificationWorker(audit);

    @BeforeEach
    void chainSomeAcmeEvents() {
        AuditEvent event = TestAuditEvents.event("acme", bed.testbed.clock.instant());
        bed.audit.ingestion().ingest(List.of(AuditTestbed.message(event)));
    }

    private static JsonNode json(APIGatewayV2HTTPResponse response) throws Exception {
        return Json.mapper().readTree(response.getBody());
    }

    private APIGatewayV2HTTPResponse get(String id, Map<String, Object> authorizerExtra) {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent("../../events/audit-verification-get.json");
        event.setPathParameters(Map.of("id", id));
        Map<String, Object> context = new java.util.HashMap<>(event.getRequestContext().getAuthorizer().getLambda());
        context.putAll(authorizerExtra);
        event.getRequestContext().getAuthorizer().setLambda(context);
        return handler.handleRequest(event, null);
    }

    @Test
    void verificationWhenStartedAndRunByTheWorkerThenCompletedValidAndBothReadsRecorded() throws Exception {
        APIGatewayV2HTTPResponse accepted = handler.handleRequest(
                EventLoader.loadApiGatewayHttpEvent("../../events/audit-verification-start.json"), null);
        assertEquals(202, accepted.getStatusCode(), accepted.getBody());
        String id = json(accepted).get("id").asText();
        assertEquals("/v1/audit/verifications/" + id, accepted.getHeaders().get("Location"));
        assertEquals("pending", json(accepted).get("status").asText());
        assertEquals(List.of(new VerificationJobQueue.Message("acme", id)), queued);

        SQSEvent delivery = EventLoader.loadSQSEvent("../../events/audit-verification-sqs.json");
        delivery.getRecords().getFirst().setBody(SqsVerificationJobQueue.body(queued.getFirst()));
        SQSBatchResponse answer = worker.handleRequest(delivery, null);
        assertEquals(List.of(), answer.getBatchItemFailures());

        APIGatewayV2HTTPResponse fetched = get(id, Map.of());
        assertEquals(200, fetched.getStatusCode(), fetched.getBody());
        JsonNode job = json(fetched);
        assertEquals("completed", job.get("status").asText());
        assertTrue(job.get("report").get("valid").asBoolean(), job.toString());
        assertEquals("2026-01-01T00:00:00Z", job.get("from").asText());

        List<AuditEvent> reads = bed.testbed.audit.ofType("data_query");
        assertEquals(List.of("create", "read"), reads.stream().map(AuditEvent::action).toList());
        assertTrue(reads.stream().allMatch(read -> read.resource().equals("audit_verification")));
        assertTrue(!Json.mapper().writeValueAsString(reads).contains("valid"), "the verdict is never recorded");
    }

    @Test
    void verificationWhenAnotherTenantsJobOrUnknownIdThenNotFoundAndNothingRecorded() {
        String globex = audit.verificationJobs().create("globex", Optional.empty(), Optional.empty()).id();
        assertEquals(404, get(globex, Map.of()).getStatusCode());
        assertEquals(404, get("0123456789abcdef0123456789abcdef", Map.of()).getStatusCode());
        assertEquals(404, get("not-an-id", Map.of()).getStatusCode());
        assertEquals(List.of(), bed.testbed.audit.ofType("data_query"));
    }

    @Test
    void verificationWhenAuthorizerLeftScopeConstraintsThenForbidden() {
        String id = audit.verificationJobs().create("acme", Optional.empty(), Optional.empty()).id();
        assertEquals(403, get(id, Map.of("scope_constraints", "own")).getStatusCode());
    }

    @Test
    void workerWhenMessageIsNotAJobMessageThenDroppedWithoutRetry() {
        SQSEvent delivery = EventLoader.loadSQSEvent("../../events/audit-verification-sqs.json");
        delivery.getRecords().getFirst().setBody("{\"job_id\":42}");
        assertEquals(List.of(), worker.handleRequest(delivery, null).getBatchItemFailures());
        assertEquals(List.of(), queued);
    }
}
