package io.tollgate.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.settings.AnomalySettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CredentialStuffingRuleTest {

    private static final Instant T0 = Instant.parse("2026-11-23T06:00:00Z");
    private final CredentialStuffingRule rule = CredentialStuffingRule.from(AnomalySettings.defaults());

    private static List<Finding> fail(RuleEvents.Run run, String user, Instant at) {
        return run.on(RuleEvents.event("auth_failure", user, "203.0.113.5", at, "auth", "login", "failure", Map.of()));
    }

    @Test
    void nineteenAccountsSlowlyThenNothingAndTheTwentiethThenAddressBlocked() {
        RuleEvents.Run run = new RuleEvents.Run(rule);
        for (int i = 0; i < 19; i++) {
            assertTrue(fail(run, "u-" + i, T0.plus(Duration.ofMinutes(15L * i))).isEmpty(), "one account every 15 min");
        }
        List<Finding> found = fail(run, "u-19", T0.plus(Duration.ofMinutes(15L * 19 - 1)));
        assertEquals(1, found.size());
        assertEquals("block_ip", found.get(0).action());
        assertEquals("ip:203.0.113.5", found.get(0).subject());
        assertEquals(20L, found.get(0).inputs().get("distinct_accounts"));
        assertEquals(20L, found.get(0).inputs().get("failures"));
    }

    @Test
    void twentyAccountsWithManyAttemptsEachThenGuessingNotStuffing() {
        assertTrue(rule.triggered(20, 60), "3 attempts per account is still stuffing");
        assertFalse(rule.triggered(20, 61), "above 3 per account is guessing (login lockout)");
        assertFalse(rule.triggered(19, 19));
    }

    @Test
    void accountsSplitAcrossTwoWindowsThenCountedSeparately() {
        RuleEvents.Run run = new RuleEvents.Run(rule);
        Instant windowEnd = T0.plus(Duration.ofHours(6));
        for (int i = 0; i < 10; i++) {
            assertTrue(fail(run, "u-" + i, windowEnd.minusSeconds(1)).isEmpty());
        }
        for (int i = 10; i < 20; i++) {
            assertTrue(fail(run, "u-" + i, windowEnd).isEmpty(), "the next window starts at 0");
        }
    }
}
