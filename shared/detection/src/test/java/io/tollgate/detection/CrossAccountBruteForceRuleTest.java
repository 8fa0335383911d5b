package io.tollgate.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.AuditEventType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CrossAccountBruteForceRuleTest {

    private final CrossAccountBruteForceRule rule = CrossAccountBruteForceRule.defaults();

    private static AuditEvent event(String type, String userId, String ip) {
        return new AuditEvent(Instant.parse("2026-11-23T10:07:00Z"), "e-1", type, AuditEventType.LOGIN_FAILURE.severity(),
                userId, "acme", null, ip, "ua", "auth", "login", "failure", Map.of(), List.of());
    }

    @Test
    void thresholdMinusOneAccountsThenNotTriggeredAndThresholdThenTriggered() {
        assertFalse(rule.triggered(rule.distinctAccounts() - 1));
        assertTrue(rule.triggered(rule.distinctAccounts()));
        assertTrue(rule.triggered(rule.distinctAccounts() + 5));
    }

    @Test
    void appliesOnlyToFailedLoginsWithAnAccountAndAnAddress() {
        assertTrue(rule.applies(event("auth_failure", "u-1", "203.0.113.9")));
        assertFalse(rule.applies(event("login_success", "u-1", "203.0.113.9")), "successes are not failures");
        assertFalse(rule.applies(event("auth_failure", null, "203.0.113.9")), "unknown user names name no account");
        assertFalse(rule.applies(event("auth_failure", "u-1", null)), "no address, no subject");
        assertFalse(rule.applies(event("auth_failure", "u-1", " ")));
    }

    @Test
    void windowsAreFixedSoEveryInstantOfAWindowHasTheSameStart() {
        Instant start = Instant.parse("2026-11-23T10:00:00Z");
        assertEquals(start, rule.windowStart(start));
        assertEquals(start, rule.windowStart(Instant.parse("2026-11-23T10:14:59.999Z")));
        assertEquals(start.plus(Duration.ofMinutes(15)), rule.windowStart(Instant.parse("2026-11-23T10:15:00Z")));
    }

    @Test
    void decisionIdDependsOnRuleSubjectAndWindowOnly() {
        Instant start = Instant.parse("2026-11-23T10:00:00Z");
        String id = DetectionDecision.idFor(CrossAccountBruteForceRule.ID, 1, "acme", "ip:203.0.113.9", start);
        assertEquals(id, DetectionDecision.idFor(CrossAccountBruteForceRule.ID, 1, "acme", "ip:203.0.113.9", start));
        assertTrue(id.matches("dd_[0-9a-f]{32}"), id);
        assertNotEquals(id, DetectionDecision.idFor(CrossAccountBruteForceRule.ID, 1, "acme", "ip:203.0.113.9",
                start.plus(Duration.ofMinutes(15))));
        assertNotEquals(id, DetectionDecision.idFor(CrossAccountBruteForceRule.ID, 1, "other", "ip:203.0.113.9", start));
        assertNotEquals(id, DetectionDecision.idFor(CrossAccountBruteForceRule.ID, 2, "acme", "ip:203.0.113.9", start));
    }

    @Test
    void thresholdsOutsideTheirBoundsAreRefusedNamingTheField() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new CrossAccountBruteForceRule(1,
                Duration.ofMinutes(15), Duration.ofHours(1))).getMessage().contains("distinctAccounts"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new CrossAccountBruteForceRule(10,
                Duration.ofSeconds(30), Duration.ofHours(1))).getMessage().contains("window"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new CrossAccountBruteForceRule(10,
                Duration.ofMinutes(15), Duration.ofDays(8))).getMessage().contains("blockDuration"));
    }
}
