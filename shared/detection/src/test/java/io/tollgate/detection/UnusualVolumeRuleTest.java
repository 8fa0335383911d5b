package io.tollgate.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnusualVolumeRuleTest {

    private static final Instant HOUR = Instant.parse("2026-11-23T10:00:00Z");
    /** +500 % over a 4-hour baseline, floor 20 events. */
    private final UnusualVolumeRule rule = new UnusualVolumeRule(500, 20, 4);

    @Test
    void atExactlySixTimesTheBaselineThenNotAndAboveThenTriggered() {
        // baseline 10 per hour over 4 hours = 40 events; +500 % = 60
        assertFalse(rule.triggered(60, 40), "+500 % exactly is not above it");
        assertTrue(rule.triggered(61, 40));
    }

    @Test
    void belowTheFloorThenNeverEvenWithoutBaseline() {
        assertFalse(rule.triggered(19, 0), "a quiet user's 19 calls against nothing");
        assertTrue(rule.triggered(20, 0));
        assertFalse(new UnusualVolumeRule(500, 100, 24).triggered(6, 1), "6 calls against a baseline of 1");
    }

    private static List<Finding> calls(RuleEvents.Run run, String user, Instant hour, int n) {
        List<Finding> last = List.of();
        for (int i = 0; i < n; i++) {
            List<Finding> found = run.on(RuleEvents.call(user, hour.plusSeconds(i), "user"));
            if (!found.isEmpty()) {
                last = found;
            }
        }
        return last;
    }

    @Test
    void baselineFromThePreviousHoursThenTheSixtyFirstEventDecidesForThePrincipal() {
        RuleEvents.Run run = new RuleEvents.Run(rule);
        for (int h = 1; h <= 4; h++) {
            assertTrue(calls(run, "u-1", HOUR.minus(Duration.ofHours(h)), 10).isEmpty());
        }
        assertTrue(calls(run, "u-1", HOUR, 60).isEmpty(), "60 = +500 %, not above");
        List<Finding> found = run.on(RuleEvents.call("u-1", HOUR.plusSeconds(3599), "user"));
        Finding user = found.stream().filter(f -> f.subject().equals("user:u-1")).findFirst().orElseThrow();
        assertEquals(61L, user.inputs().get("events_this_hour"));
        assertEquals(40L, user.inputs().get("baseline_events"));
        assertEquals("10.00", user.inputs().get("baseline_per_hour"));
        assertEquals(HOUR, user.windowStart());
    }

    @Test
    void hoursOlderThanTheBaselineThenNotCounted() {
        RuleEvents.Run run = new RuleEvents.Run(rule);
        calls(run, "u-1", HOUR.minus(Duration.ofHours(5)), 100);
        List<Finding> found = calls(run, "u-1", HOUR, 20);
        assertEquals(0L, found.stream().filter(f -> f.subject().equals("user:u-1")).findFirst().orElseThrow()
                .inputs().get("baseline_events"), "five hours ago is outside a 4-hour baseline");
    }

    @Test
    void tenantVolumeSumsItsPrincipals() {
        RuleEvents.Run run = new RuleEvents.Run(rule);
        for (int i = 0; i < 19; i++) {
            assertTrue(run.on(RuleEvents.call("u-" + i, HOUR, "user")).isEmpty());
        }
        List<Finding> found = run.on(RuleEvents.call("u-19", HOUR, "user"));
        assertEquals(List.of("tenant:acme"), found.stream().map(Finding::subject).toList());
    }
}
