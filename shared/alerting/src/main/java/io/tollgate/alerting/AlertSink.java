package io.tollgate.alerting;

import io.tollgate.audit.AuditEvent;

/**
 * Where detection hands its alerts (ADR 0042): a decision's alert when it acts, and every chained
 * audit event the stream delivers (only HIGH and CRITICAL ones that are findings become alerts,
 * {@link AuditEventAlerts}). Implementations deduplicate, route and mail; a failure is thrown so
 * the stream record is retried.
 */
public interface AlertSink {

    void alert(Alert alert);

    /** The alert this chained audit event is, if any ({@link AuditEventAlerts#from}). */
    default void auditEvent(AuditEvent event) {
        AuditEventAlerts.from(event).ifPresent(this::alert);
    }

    /** Drops everything (tests and tools that alert nobody). */
    static AlertSink none() {
        return alert -> {
        };
    }
}
