package io.tollgate.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.settings.AnomalySettings;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventBurstRuleTest {

    private static final Instant WINDOW = Instant.parse("2026-11-23T10:00:00Z");

    private static List<Finding> mfaFailure(RuleEvents.Run run, String user, Instant at) {
        return run.on(RuleEvents.event("mfa_failed", user, "198.51.100.4", at, "auth", "mfa_verify", "failure", Map.of()));
    }

    @Test
    void fourMfaFailuresThenNothingAndTheFifthThenAlert() {
        RuleEvents.Run run = new RuleEvents.Run(EventBurstRule.mfaFailureBurst(AnomalySettings.defaults()));
        for (int i = 0; i < 4; i++) {
            assertTrue(mfaFailure(run, "u-1", WINDOW.plusSeconds(i)).isEmpty());
        }
        List<Finding> found = mfaFailure(run, "u-1", WINDOW.plusSeconds(899));
        assertEquals(1, found.size());
        assertEquals("user:u-1", found.get(0).subject());
        assertEquals(5L, found.get(0).inputs().get("events_in_window"));
        assertEquals("alert", found.get(0).action());
    }

    @Test
    void mfaFailuresSplitByTheWindowBoundaryThenNoBurst() {
        RuleEvents.Run run = new RuleEvents.Run(EventBurstRule.mfaFailureBurst(AnomalySettings.defaults()));
        for (int i = 0; i < 4; i++) {
            assertTrue(mfaFailure(run, "u-1", WINDOW.minusSeconds(1)).isEmpty());
        }
        assertTrue(mfaFailure(run, "u-1", WINDOW).isEmpty(), "10:00 opens a new window");
        assertTrue(mfaFailure(run, "u-2", WINDOW).isEmpty(), "another account counts apart");
    }

    @Test
    void firstRefreshTokenReuseThenAlertAndOtherEventsIgnored() {
        RuleEvents.Run run = new RuleEvents.Run(EventBurstRule.refreshTokenReuse(AnomalySettings.defaults()));
        assertTrue(run.on(RuleEvents.event("token_refreshed", "u-1", null, WINDOW, "session", "refresh", "success",
                Map.of())).isEmpty());
        List<Finding> found = run.on(RuleEvents.event("token_reuse_detected", "u-1", "203.0.113.8", WINDOW, "session",
                "refresh", "revoked", Map.of("session_id", "s-1")));
        assertEquals(1, found.size());
        assertEquals("refresh-token-reuse", run.rule.id());
        assertEquals(1, found.get(0).thresholds().get("events"));
    }

    @Test
    void reuseThresholdTwoThenTheFirstReuseIsBelow() {
        RuleEvents.Run run = new RuleEvents.Run(new EventBurstRule(EventBurstRule.REFRESH_TOKEN_REUSE, 1,
                "token_reuse_detected", new AnomalySettings.Burst(2, java.time.Duration.ofMinutes(15))));
        assertTrue(run.on(RuleEvents.event("token_reuse_detected", "u-1", null, WINDOW, "session", "refresh", "revoked",
                Map.of())).isEmpty());
        assertEquals(1, run.on(RuleEvents.event("token_reuse_detected", "u-1", null, WINDOW, "session", "refresh",
                "revoked", Map.of())).size());
    }
}
