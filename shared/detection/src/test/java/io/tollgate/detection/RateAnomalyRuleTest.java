package io.tollgate.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.settings.AnomalySettings;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateAnomalyRuleTest {

    private static final Instant MINUTE = Instant.parse("2026-11-23T10:07:00Z");

    @Test
    void thousandCallsInAMinuteThenNothingAndTheThousandAndFirstThenAlert() {
        RuleEvents.Run run = new RuleEvents.Run(RateAnomalyRule.from(AnomalySettings.defaults()));
        for (int i = 0; i < 1000; i++) {
            assertTrue(run.on(RuleEvents.call("u-1", MINUTE.plusMillis(i * 50L), "user")).isEmpty());
        }
        List<Finding> found = run.on(RuleEvents.call("u-1", MINUTE.plusMillis(59_999), "user"));
        assertEquals(1, found.size());
        assertEquals(Map.of("requests_in_minute", 1001L), found.get(0).inputs());
        assertEquals(Map.of("requests_per_minute", 1000), found.get(0).thresholds());
        assertEquals("user:u-1", found.get(0).subject());
        assertEquals(MINUTE, found.get(0).windowStart());
    }

    @Test
    void callsAcrossTheMinuteBoundaryOrOfOtherPrincipalsThenCountedApart() {
        RuleEvents.Run run = new RuleEvents.Run(new RateAnomalyRule(10));
        for (int i = 0; i < 10; i++) {
            assertTrue(run.on(RuleEvents.call("u-1", MINUTE.minusMillis(1), "user")).isEmpty());
            assertTrue(run.on(RuleEvents.call("u-1", MINUTE, "user")).isEmpty());
            assertTrue(run.on(RuleEvents.call("u-2", MINUTE, "user")).isEmpty());
        }
        assertEquals(1, run.on(RuleEvents.call("u-1", MINUTE.plusSeconds(59), "user")).size());
    }

    @Test
    void eventsWithoutPrincipalOrDetectionsOwnAlertsThenNotCounted() {
        RuleEvents.Run run = new RuleEvents.Run(new RateAnomalyRule(10));
        for (int i = 0; i < 20; i++) {
            assertTrue(run.on(RuleEvents.call(null, MINUTE, "user")).isEmpty());
            assertTrue(run.on(RuleEvents.event("security_alert", "u-1", null, MINUTE, "user", "alert", "alerted",
                    Map.of())).isEmpty());
        }
    }

    @Test
    void thresholdOutOfBoundsThenRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RateAnomalyRule(9));
    }
}
