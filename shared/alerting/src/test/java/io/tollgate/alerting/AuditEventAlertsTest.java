package io.tollgate.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.AuditEventType;
import io.tollgate.audit.AuditSeverity;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditEventAlertsTest {

    private static AuditEvent event(String type, AuditSeverity severity) {
        return new AuditEvent(Instant.parse("2026-11-23T10:07:00Z"), "e-1", type, severity, "u-7", "acme", null,
                "203.0.113.9", "ua", "user", "update", "denied", Map.of("requested_roles", List.of("super_admin")),
                List.of());
    }

    @Test
    void fromWhenCriticalFindingThenAlertOfItsTypeForTheWholeTenant() {
        Alert alert = AuditEventAlerts.from(event("payments.fraud_block", AuditSeverity.CRITICAL)).orElseThrow();
        assertEquals("audit:payments.fraud_block", alert.kind());
        assertEquals("tenant", alert.subject());
        assertEquals(AuditSeverity.CRITICAL, alert.severity());
        assertEquals("event:e-1", alert.reference());
        assertEquals("acme", alert.tenantId());
        assertEquals("u-7", alert.evidence().get("user_id"));
        assertEquals("203.0.113.9", alert.evidence().get("ip_address"));
        assertFalse(alert.evidence().containsKey("requested_roles"), "additional_data never reaches an alert");
    }

    @Test
    void fromWhenPrivilegeEscalationThenLeftToTheRuleDecisionNotMailedTwice() {
        assertTrue(AuditEventAlerts.from(event("privilege_escalation", AuditSeverity.CRITICAL)).isEmpty());
    }

    @Test
    void fromWhenHighEventSubmittedByAnotherServiceThenAlerted() {
        assertTrue(AuditEventAlerts.from(event("data_export", AuditSeverity.HIGH)).isPresent());
    }

    @Test
    void fromWhenMediumOrLowThenNoAlert() {
        assertTrue(AuditEventAlerts.from(event("user_creation", AuditSeverity.MEDIUM)).isEmpty());
        assertTrue(AuditEventAlerts.from(event("data_query", AuditSeverity.LOW)).isEmpty());
    }

    @Test
    void fromWhenFailureThatRulesCountThenNoAlertOfItsOwn() {
        assertTrue(AuditEventAlerts.from(event(AuditEventType.LOGIN_FAILURE.wireName(), AuditSeverity.CRITICAL)).isEmpty());
        assertTrue(AuditEventAlerts.from(event(AuditEventType.MFA_FAILED.wireName(), AuditSeverity.CRITICAL)).isEmpty());
    }

    @Test
    void fromWhenRoutineSessionEventOrTheDecisionsOwnAlertThenNoAlert() {
        assertTrue(AuditEventAlerts.from(event(AuditEventType.LOGIN_SUCCESS.wireName(), AuditSeverity.HIGH)).isEmpty());
        assertTrue(AuditEventAlerts.from(event(AuditEventType.LOGOUT.wireName(), AuditSeverity.HIGH)).isEmpty());
        assertTrue(AuditEventAlerts.from(event(AuditEventType.SECURITY_ALERT.wireName(), AuditSeverity.HIGH)).isEmpty());
    }
}
