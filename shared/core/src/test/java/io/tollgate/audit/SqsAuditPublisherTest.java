package io.tollgate.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.json.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

class SqsAuditPublisherTest {

    private static final String QUEUE = "https://sqs.eu-west-1.amazonaws.com/123456789012/tollgate-AuditQueue.fifo";

    /** Records the requests; answers every entry as sent, or every entry as failed. */
    private static final class RecordingSqs implements SqsClient {
        final List<SendMessageBatchRequest> requests = new CopyOnWriteArrayList<>();
        volatile boolean refuse;
        /** How many more requests fail as a whole (an outage) before the queue answers again. */
        volatile int outages;

        @Override
        public SendMessageBatchResponse sendMessageBatch(SendMessageBatchRequest request) {
            requests.add(request);
            if (outages > 0) {
                outages--;
                throw software.amazon.awssdk.services.sqs.model.SqsException.builder().message("throttled")
                        .statusCode(503).build();
            }
            if (refuse) {
                return SendMessageBatchResponse.builder().failed(request.entries().stream().map(e ->
                        BatchResultErrorEntry.builder().id(e.id()).code("KMS.ThrottlingException").senderFault(false)
                                .build()).toList()).build();
            }
            return SendMessageBatchResponse.builder().build();
        }

        @Override
        public String serviceName() {
            return "sqs";
        }

        @Override
        public void close() {
        }
    }

    private static AuditEvent event(String tenant, int i) {
        return event(tenant, i, AuditSeverity.HIGH);
    }

    private static AuditEvent event(String tenant, int i, AuditSeverity severity) {
        return new AuditEvent(Instant.parse("2026-11-22T10:15:30Z"), "evt-" + i, "login_success", severity,
                "u-1", tenant, null, "203.0.113.10", "curl/8", "session", "create", "success", Map.of(), List.of("sox"));
    }

    private final List<java.time.Duration> slept = new CopyOnWriteArrayList<>();

    private SqsAuditPublisher publisher(RecordingSqs sqs) {
        return new SqsAuditPublisher(sqs, QUEUE, slept::add, new java.util.Random(7));
    }

    @Test
    void publishAllWhenTwentyFiveEventsThenBatchesOfTenGroupedByTenantDeduplicatedByEventId() throws Exception {
        RecordingSqs sqs = new RecordingSqs();
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            events.add(event(i % 2 == 0 ? "acme" : "globex", i));
        }
        publisher(sqs).publishAll(events);
        assertEquals(List.of(10, 10, 5), sqs.requests.stream().map(r -> r.entries().size()).toList());
        var first = sqs.requests.getFirst().entries().get(1);
        assertEquals(QUEUE, sqs.requests.getFirst().queueUrl());
        assertEquals("globex", first.messageGroupId());
        assertEquals("evt-1", first.messageDeduplicationId());
        assertEquals("evt-1", Json.mapper().readTree(first.messageBody()).get("event_id").asText());
        assertEquals("2026-11-22T10:15:30Z", Json.mapper().readTree(first.messageBody()).get("timestamp").asText());
    }

    @Test
    void publishAllWhenQueueKeepsRefusingThenRetriedWithBackoffThenDeliveryException() {
        RecordingSqs sqs = new RecordingSqs();
        sqs.refuse = true;
        AuditDeliveryException refused = assertThrows(AuditDeliveryException.class,
                () -> publisher(sqs).publishAll(List.of(event("acme", 1))));
        assertTrue(refused.getMessage().contains("KMS.ThrottlingException"));
        assertEquals(SqsAuditPublisher.ATTEMPTS, sqs.requests.size());
        assertEquals(SqsAuditPublisher.ATTEMPTS - 1, slept.size());
        for (int i = 0; i < slept.size(); i++) {
            assertTrue(slept.get(i).toMillis() <= SqsAuditPublisher.BASE_DELAY.toMillis() << i, slept.toString());
        }
    }

    @Test
    void publishWhenQueueFailsTwiceThenRetriedAndDeliveredWithTheSameDeduplicationId() {
        RecordingSqs sqs = new RecordingSqs();
        sqs.outages = 2;
        publisher(sqs).publish(event("acme", 3));
        assertEquals(3, sqs.requests.size());
        assertEquals(List.of("evt-3", "evt-3", "evt-3"), sqs.requests.stream()
                .map(r -> r.entries().getFirst().messageDeduplicationId()).toList());
    }

    @Test
    void publishWhenQueueDownAndEventMustBeRecordedThenDeliveryExceptionSoTheRequestFails() {
        RecordingSqs sqs = new RecordingSqs();
        sqs.outages = Integer.MAX_VALUE;
        assertThrows(AuditDeliveryException.class, () -> publisher(sqs).publish(event("acme", 4, AuditSeverity.CRITICAL)));
        assertThrows(AuditDeliveryException.class, () -> publisher(sqs).publish(event("acme", 5, AuditSeverity.HIGH)));
    }

    @Test
    void publishWhenQueueDownAndEventLowThenFallbackLogAndNoException() {
        RecordingSqs sqs = new RecordingSqs();
        sqs.outages = Integer.MAX_VALUE;
        publisher(sqs).publish(event("acme", 6, AuditSeverity.LOW));
        publisher(sqs).publish(event("acme", 7, AuditSeverity.MEDIUM));
        assertEquals(2 * SqsAuditPublisher.ATTEMPTS, sqs.requests.size());
    }

    @Test
    void constructorWhenStandardQueueThenRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SqsAuditPublisher(new RecordingSqs(),
                "https://sqs.eu-west-1.amazonaws.com/123456789012/standard", new java.util.Random()));
    }
}
