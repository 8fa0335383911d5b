package io.tollgate.audit;

/** Seed 000's four severity levels of an audit event. */
public enum AuditSeverity {
    CRITICAL, HIGH, MEDIUM, LOW;

    /**
     * Whether an event of this severity must be in the trail before its request may succeed
     * (ADR 0059): CRITICAL and HIGH. When the audit queue cannot take such an event, the request
     * fails with 503; a MEDIUM or LOW event goes to the fallback log instead.
     */
    public boolean mustBeRecorded() {
        return this == CRITICAL || this == HIGH;
    }
}
