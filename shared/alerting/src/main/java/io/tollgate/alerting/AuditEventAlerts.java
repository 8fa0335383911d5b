package io.tollgate.alerting;

import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.AuditEventType;
import io.tollgate.audit.AuditSeverity;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which HIGH and CRITICAL audit events (the stream records carrying {@code alert}, ADR 0036) are
 * alerts in their own right, and the alert each one is (ADR 0042).
 *
 * <p>Not alerted one by one: the routine events of every session (a login, a logout, a verified
 * second factor, a revoked session), the failures that detection rules count and alert on as a
 * pattern (failed logins, MFA and WebAuthn failures: one mistyped password is not an incident),
 * {@code security_alert} (the decision that emitted it has alerted already) and
 * {@code tenant_created} (the tenant has no administrators yet). Every other HIGH or CRITICAL
 * event, including those other services submit, is an alert of kind {@code audit:<event type>}
 * whose subject is the whole tenant, so a burst of one event type mails once per window.
 */
public final class AuditEventAlerts {

    /** Event types that carry {@code alert} but are not mailed one by one (see the class comment). */
    public static final Set<String> NOT_ALERTED = Set.of(
            AuditEventType.LOGIN_SUCCESS.wireName(), AuditEventType.LOGOUT.wireName(),
            AuditEventType.LOGOUT_ALL.wireName(), AuditEventType.MFA_VERIFIED.wireName(),
            AuditEventType.SESSION_REVOKED.wireName(), AuditEventType.LOGIN_FAILURE.wireName(),
            AuditEventType.MFA_FAILED.wireName(), AuditEventType.WEBAUTHN_FAILED.wireName(),
            AuditEventType.SECURITY_ALERT.wireName(), AuditEventType.TENANT_CREATED.wireName(),
            // Mailed as their rules' decisions (privilege-escalation, refresh-token-reuse), not a second time as events.
            AuditEventType.PRIVILEGE_ESCALATION.wireName(), AuditEventType.TOKEN_REUSE_DETECTED.wireName());

    /** The subject of audit-event alerts: the tenant as a whole. */
    static final String TENANT_SUBJECT = "tenant";

    private AuditEventAlerts() {
    }

    public static Optional<Alert> from(AuditEvent event) {
        if ((event.severity() != AuditSeverity.HIGH && event.severity() != AuditSeverity.CRITICAL)
                || NOT_ALERTED.contains(event.eventType())) {
            return Optional.empty();
        }
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("event_type", event.eventType());
        evidence.put("result", event.result());
        put(evidence, "user_id", event.userId());
        put(evidence, "ip_address", event.ipAddress());
        put(evidence, "resource", event.resource());
        put(evidence, "action", event.action());
        return Optional.of(new Alert(event.tenantId(), "audit:" + event.eventType(), TENANT_SUBJECT, event.severity(),
                event.eventType() + " (" + event.result() + ")", evidence, "none: recorded in the audit trail",
                "event:" + event.eventId(), event.timestamp()));
    }

    private static void put(Map<String, Object> evidence, String name, String value) {
        if (value != null && !value.isBlank()) {
            evidence.put(name, value);
        }
    }
}
