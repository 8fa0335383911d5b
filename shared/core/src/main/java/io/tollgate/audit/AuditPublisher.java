package io.tollgate.audit;

import java.util.List;

/**
 * Where every Tollgate function sends its audit events: in AWS the audit ingest queue
 * ({@link SqsAuditPublisher}, SQS FIFO, message group = tenant), chosen by
 * {@code TollgateServices.fromEnvironment()} when {@code AUDIT_QUEUE_URL} is set; otherwise
 * {@link LoggingAuditPublisher} writes each event as one structured log line.
 *
 * <p>Implementations must be thread-safe and {@link #publish} must not throw for a well-formed
 * event: an audit failure is logged and counted, it never turns a successful login into an error.
 */
public interface AuditPublisher {

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
