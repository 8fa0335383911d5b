package io.tollgate.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.tollgate.json.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * Sends audit events to the audit ingest queue, an SQS FIFO queue (docs/contract.md §Audit, detection, retention):
 * {@code MessageGroupId} = tenant id, so each tenant's events reach the chain in order and one
 * tenant never waits for another; {@code MessageDeduplicationId} = event id, so a producer retry
 * within SQS's 5-minute window is dropped by SQS (the chain is idempotent by event id anyway).
 *
 * <p>The body is the event as JSON (the shared mapper: ISO-8601 timestamp, snake_case fields).
 * Each {@code SendMessageBatch} (requests of 10) is attempted up to {@value #ATTEMPTS} times with
 * jittered exponential back-off (on top of the SDK's own retries). When the queue still refuses
 * (ADR 0059): {@link #publishAll} throws {@link AuditDeliveryException}; {@link #publish} throws it
 * for an event that must be recorded ({@link AuditSeverity#mustBeRecorded()}: the request fails
 * with 503 rather than happen unrecorded) and otherwise writes the whole event as one ERROR line on
 * the {@value #UNDELIVERED_LOGGER} logger, from which it can be recovered. Thread-safe; the client
 * is shared.
 */
public final class SqsAuditPublisher implements AuditPublisher {

    /** SQS accepts at most 10 entries per {@code SendMessageBatch}. */
    static final int MAX_BATCH = 10;

    /** Attempts per {@code SendMessageBatch}. */
    static final int ATTEMPTS = 4;
    /** The first back-off; each next one doubles, each is drawn uniformly below its bound (full jitter). */
    static final Duration BASE_DELAY = Duration.ofMillis(50);
    /** The logger of events that could not be queued and need not fail their request: the durable fallback. */
    public static final String UNDELIVERED_LOGGER = "tollgate.audit.undelivered";

    private static final Logger LOG = LoggerFactory.getLogger(SqsAuditPublisher.class);
    private static final Logger UNDELIVERED = LoggerFactory.getLogger(UNDELIVERED_LOGGER);

    /** Waits between attempts; a seam for tests. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final SqsClient sqs;
    private final String queueUrl;
    private final Sleeper sleeper;
    private final RandomGenerator random;

    public SqsAuditPublisher(SqsClient sqs, String queueUrl, RandomGenerator random) {
        this(sqs, queueUrl, duration -> Thread.sleep(duration), random);
    }

    SqsAuditPublisher(SqsClient sqs, String queueUrl, Sleeper sleeper, RandomGenerator random) {
        this.sqs = Objects.requireNonNull(sqs, "sqs");
        this.queueUrl = Objects.requireNonNull(queueUrl, "queueUrl");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.random = Objects.requireNonNull(random, "random");
        if (!queueUrl.endsWith(".fifo")) {
            throw new IllegalArgumentException("The audit queue must be a FIFO queue (URL ending in .fifo)");
        }
    }

    @Override
    public void publish(AuditEvent event) {
        try {
            publishAll(List.of(event));
        } catch (AuditDeliveryException e) {
            if (event.severity().mustBeRecorded()) {
                LOG.error("audit event not delivered, request refused eventId={} type={} reason={}", event.eventId(),
                        event.eventType(), e.getMessage());
                throw e;
            }
            LOG.error("audit event not delivered, kept in the fallback log eventId={} type={} reason={}",
                    event.eventId(), event.eventType(), e.getMessage());
            UNDELIVERED.error("{}", body(event));
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
            sendWithRetries(entries);
        }
    }

    /**
     * Sends {@code entries}, re-sending the failed ones after a back-off, up to {@value #ATTEMPTS}
     * attempts. A retried entry keeps its deduplication id, so SQS drops a copy that did arrive.
     */
    private void sendWithRetries(List<SendMessageBatchRequestEntry> entries) {
        List<SendMessageBatchRequestEntry> pending = entries;
        for (int attempt = 1; ; attempt++) {
            AuditDeliveryException failure;
            try {
                List<SendMessageBatchRequestEntry> batch = pending;
                SendMessageBatchResponse response = sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(batch));
                if (!response.hasFailed() || response.failed().isEmpty()) {
                    return;
                }
                Set<String> failedIds = new HashSet<>();
                response.failed().forEach(entry -> failedIds.add(entry.id()));
                BatchResultErrorEntry first = response.failed().getFirst();
                failure = new AuditDeliveryException("SQS refused " + response.failed().size() + " of "
                        + batch.size() + " audit events (" + first.code() + ")", null);
                pending = batch.stream().filter(entry -> failedIds.contains(entry.id())).toList();
            } catch (SdkException e) {
                failure = new AuditDeliveryException("SQS SendMessageBatch failed (" + e.getClass().getSimpleName()
                        + ")", e);
            }
            if (attempt >= ATTEMPTS) {
                throw failure;
            }
            try {
                long bound = BASE_DELAY.toMillis() << (attempt - 1);
                sleeper.sleep(Duration.ofMillis(random.nextLong(bound + 1)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure;
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
