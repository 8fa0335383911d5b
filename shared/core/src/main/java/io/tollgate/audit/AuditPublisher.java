package io.tollgate.audit;

/**
 * Where every Tollgate function sends its audit events. The production implementation sends
 * to the audit ingest queue (SQS FIFO, group = tenant); until that lands, {@link LoggingAuditPublisher}
 * writes each event as one structured log line.
 *
 * <p>Implementations must be thread-safe and must not throw for a well-formed event: an audit
 * failure is logged and counted, it never turns a successful login into an error.
 */
public interface AuditPublisher {

    void publish(AuditEvent event);
}
