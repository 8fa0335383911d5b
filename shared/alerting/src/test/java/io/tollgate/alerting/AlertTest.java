package io.tollgate.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.audit.AuditSeverity;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertTest {

    private static final Instant AT = Instant.parse("2026-11-23T10:07:00Z");

    @Test
    void forDecisionWhenFiguresGivenThenInputsThenThresholdsInNameOrder() {
        Alert alert = Alert.forDecision("acme", "brute-force-across-accounts", 1, "ip:203.0.113.9", "HIGH",
                Map.of("ip_address", "203.0.113.9", "distinct_accounts", 10),
                Map.of("window_seconds", 900, "distinct_accounts", 10), "block_ip", "dd_0f", AT);
        assertEquals(List.of("distinct_accounts", "ip_address", "threshold.distinct_accounts", "threshold.window_seconds",
                "rule_version"), List.copyOf(alert.evidence().keySet()));
        assertEquals(AuditSeverity.HIGH, alert.severity());
        assertEquals("decision:dd_0f", alert.reference());
        assertEquals("dd_0f", alert.referenceId());
        assertTrue(alert.fromDecision());
    }

    @Test
    void titleWhenItCarriesLineBreaksThenTheyCannotReachAMailHeader() {
        Alert alert = new Alert("acme", "audit:x", "tenant", AuditSeverity.HIGH, "x\r\nBcc: evil@example.test",
                Map.of(), "none", "event:e-1", AT);
        assertFalse(alert.title().contains("\n") || alert.title().contains("\r"), alert.title());
    }

    @Test
    void constructorWhenKindBlankThenRefusedNamingIt() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Alert("acme", " ", "tenant", AuditSeverity.HIGH,
                "t", Map.of(), "none", "event:e-1", AT)).getMessage().contains("kind"));
    }

    @Test
    void wireWhenSuppressedCountGivenThenCarriedWithTheAlert() {
        Map<String, Object> wire = new Alert("acme", "audit:data_export", "tenant", AuditSeverity.HIGH, "data_export",
                Map.of("user_id", "u-1"), "none", "event:e-9", AT).wire(12);
        assertEquals(12L, wire.get("suppressed_repeats"));
        assertEquals("2026-11-23T10:07:00Z", wire.get("occurred_at"));
        assertEquals("HIGH", wire.get("severity"));
    }
}
