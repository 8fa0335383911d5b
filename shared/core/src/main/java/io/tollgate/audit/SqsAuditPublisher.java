package io.tollgate.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.tollgate.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * Sends audit events to the audit ingest queue, an SQS FIFO queue (SPEC.md §7, issue 8):
 * {@code MessageGroupId} = tenant id, so each tenant's events reach the chain in order and one
 * tenant never waits for another; {@code MessageDeduplicationId} = event id, so a producer retry
 * within SQS's 5-minute window is dropped by SQS (the chain is idempotent by event id anyway).
 *
 * <p>The body is the event as JSON (the shared mapper: ISO-8601 timestamp, snake_case fields).
 * {@link #publish} never throws (a failed send is logged with the event id and type only);
 * {@link #publishAll} sends in {@code SendMessageBatch} requests of 10 and throws
 * {@link AuditDeliveryException} when any entry fails. Thread-safe; the client is shared.
 */
public final class SqsAuditPublisher implements AuditPublisher {

    /** SQS accepts at most 10 entries per {@code SendMessageBatch}. */
    static final int MAX_BATCH = 10;

    private static final Logger LOG = LoggerFactory.getLogger(SqsAuditPublisher.class);

    private final SqsClient sqs;
    private final String queueUrl;

    public SqsAuditPublisher(SqsClient sqs, String queueUrl) {
        this.sqs = Objects.requireNonNull(sqs, "sqs");
        this.queueUrl = Objects.requireNonNull(queueUrl, "queueUrl");
        if (!queueUrl.endsWith(".fifo")) {
            throw new IllegalArgumentException("The audit queue must be a FIFO queue (URL ending in .fifo)");
        }
    }

    @Override
    public void publish(AuditEvent event) {
        try {
            publishAll(List.of(event));
        } catch (AuditDeliveryException e) {
            LOG.error("audit event not delivered eventId={} type={} reason={}", event.eventId(), event.eventType(),
                    e.getMessage(), e);
        }
    }

    @Override
    public void publishAll(List<AuditEvent> events) {
        for (int from = 0; from < events.size(); from += MAX_BATCH) {
            List<AuditEvent> chunk = events.subList(from, Math.min(events.size(), from + MAX_BATCH));
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>(chunk.size());
            for (int i = 0; i < chunk.size(); i++) {
                AuditEvent event = chunk.get(i);
                entries.add(SendMessageBatchRequestEntry.builder()
                        .id(Integer.toString(i))
                        .messageBody(body(event))
                        .messageGroupId(event.tenantId())
                        .messageDeduplicationId(event.eventId())
                        .build());
            }
            SendMessageBatchResponse response;
            try {
                response = sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries));
            } catch (SdkException e) {
                throw new AuditDeliveryException("SQS SendMessageBatch failed (" + e.getClass().getSimpleName() + ")", e);
            }
            if (response.hasFailed() && !response.failed().isEmpty()) {
                BatchResultErrorEntry first = response.failed().getFirst();
                throw new AuditDeliveryException("SQS refused " + response.failed().size() + " of " + entries.size()
                        + " audit events (" + first.code() + ")", null);
            }
        }
    }

    private static String body(AuditEvent event) {
        try {
            return Json.mapper().writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Audit event not serialisable: " + event.eventType(), e);
        }
    }
}
