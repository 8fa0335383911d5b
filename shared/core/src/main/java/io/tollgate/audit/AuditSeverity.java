package io.tollgate.audit;

/** Seed 000's four severity levels of an audit event. */
public enum AuditSeverity {
    CRITICAL, HIGH, MEDIUM, LOW
}
