package io.tollgate.audit;

import java.util.List;

/**
 * Where every Tollgate function sends its audit events: in AWS the audit ingest queue
 * ({@link SqsAuditPublisher}, SQS FIFO, message group = tenant), chosen by
 * {@code TollgateServices.fromEnvironment()} when {@code AUDIT_QUEUE_URL} is set; otherwise
 * {@link LoggingAuditPublisher} writes each event as one structured log line.
 *
 * <p>Implementations must be thread-safe. {@link #publish} throws only {@link AuditDeliveryException},
 * and only for an event that must be recorded ({@link AuditSeverity#mustBeRecorded()}) which could
 * not be handed over after retries (ADR 0059): the request then fails with 503 instead of having
 * happened unrecorded. Other undelivered events go to a fallback log.
 */
public interface AuditPublisher {

    /** Hands over one event; see the type's comment for when it throws {@link AuditDeliveryException}. */
    void publish(AuditEvent event);

    /**
     * Hands over several events at once (e.g. a batch an external service posted), in order, and
     * reports failure: unlike {@link #publish}, a caller that must answer for the events (the
     * {@code POST /v1/audit/events} route) learns that they were not delivered.
     *
     * @throws AuditDeliveryException if any event could not be handed over; none of the later
     *                                events are attempted
     */
    default void publishAll(List<AuditEvent> events) {
        events.forEach(this::publish);
    }
}
