package io.tollgate.detection;

import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.AuditEventType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One detection rule (ADR 0020, 0021): an id, a version (raised whenever what it decides changes,
 * so a replay under a new version never claims an old decision), and an evaluation of one audit
 * event against counters in fixed windows. Findings are idempotent per rule, subject and window:
 * the detector turns each into at most one decision.
 */
public interface DetectionRule {

    String id();

    int version();

    /** The findings of this event (usually none). Updates the rule's counters. */
    List<Finding> evaluate(AuditEvent event, EventCounters counters);

    /** {@code floor(t / window) * window}: every instant of a fixed window maps to the same start. */
    static Instant windowStart(Instant at, Duration window) {
        long size = window.toSeconds();
        return Instant.ofEpochSecond(Math.floorDiv(at.getEpochSecond(), size) * size);
    }

    /** A principal's own activity: an event naming a user, other than detection's own alerts. */
    static boolean activity(AuditEvent event) {
        return present(event.userId()) && !AuditEventType.SECURITY_ALERT.wireName().equals(event.eventType());
    }

    static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
