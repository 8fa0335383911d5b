package io.tollgate.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.settings.AnomalySettings;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DataExfiltrationRuleTest {

    /** 10:00 UTC is within the default working hours (07–19). */
    private static final Instant DAY = Instant.parse("2026-11-23T10:00:00Z");
    private static final Instant NIGHT = Instant.parse("2026-11-23T02:00:00Z");
    private final DataExfiltrationRule rule = DataExfiltrationRule.from(AnomalySettings.defaults());

    @Test
    void workingHoursBoundariesThenOffHoursOnlyOutside() {
        assertTrue(rule.offHours(Instant.parse("2026-11-23T06:59:59Z")));
        assertFalse(rule.offHours(Instant.parse("2026-11-23T07:00:00Z")));
        assertFalse(rule.offHours(Instant.parse("2026-11-23T18:59:59Z")));
        assertTrue(rule.offHours(Instant.parse("2026-11-23T19:00:00Z")));
    }

    @Test
    void indicatorsAtTheirEdges() {
        assertFalse(rule.indicators(100, false, 9, false).get("high_volume_requests"), "100 calls is not > 100");
        assertTrue(rule.indicators(101, false, 9, false).get("high_volume_requests"));
        assertFalse(rule.indicators(0, false, 9, false).get("diverse_data_access"));
        assertTrue(rule.indicators(0, false, 10, false).get("diverse_data_access"));
    }

    private static List<Finding> calls(RuleEvents.Run run, Instant start, int n, int resources, long spacingMillis) {
        List<Finding> last = List.of();
        for (int i = 0; i < n; i++) {
            List<Finding> found = run.on(RuleEvents.call("u-1", start.plusMillis(i * spacingMillis), "r" + (i % resources)));
            if (!found.isEmpty()) {
                last = found;
            }
        }
        return last;
    }

    @Test
    void twoIndicatorsThenScoreTwoNoAlert() {
        // 101 calls at night, one every 35 s (at most two a minute), one resource: volume + off-hours = 2
        RuleEvents.Run night = new RuleEvents.Run(rule);
        assertTrue(calls(night, NIGHT, 101, 1, 35_000).isEmpty());
        assertTrue(calls(night, NIGHT.plusSeconds(3595), 1, 1, 0).isEmpty(), "still two points at the end of the hour");
    }

    @Test
    void volumeRapidAndDiverseThenScoreThreeAlertsOnce() {
        RuleEvents.Run run = new RuleEvents.Run(rule);
        List<Finding> found = calls(run, DAY, 101, 10, 500);
        assertEquals(1, found.size());
        Finding finding = found.get(0);
        assertEquals(3L, finding.inputs().get("risk_score"));
        assertEquals(true, finding.inputs().get("rapid_succession"));
        assertEquals(true, finding.inputs().get("diverse_data_access"));
        assertEquals(true, finding.inputs().get("high_volume_requests"));
        assertEquals(false, finding.inputs().get("off_hours_activity"));
        assertEquals(101L, finding.inputs().get("calls_in_hour"));
        assertEquals(DAY, finding.windowStart());
    }

    @Test
    void rapidMinuteEarlierInTheHourThenStillCountsLater() {
        RuleEvents.Run run = new RuleEvents.Run(rule);
        // 30 calls in the first minute of the night hour: rapid + off-hours = 2
        assertTrue(calls(run, NIGHT, 30, 1, 1000).isEmpty());
        // later, slowly, nine more resources: diverse is the third point
        assertTrue(calls(run, NIGHT.plusSeconds(1800), 9, 9, 60_000).isEmpty(), "r0..r8: nine resources");
        List<Finding> found = run.on(RuleEvents.call("u-1", NIGHT.plusSeconds(3000), "another"));
        assertEquals(1, found.size(), "the tenth resource is the third point; rapid from minute one still scores");
        assertEquals(true, found.get(0).inputs().get("rapid_succession"));
        assertEquals(true, found.get(0).inputs().get("off_hours_activity"));
        assertEquals(false, found.get(0).inputs().get("high_volume_requests"));
    }
}
