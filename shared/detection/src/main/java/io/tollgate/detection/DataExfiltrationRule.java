package io.tollgate.detection;

import io.tollgate.audit.AuditEvent;
import io.tollgate.settings.AnomalySettings;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Data exfiltration score (seed 000 {@code detect_data_exfiltration}; ADR 0021): within one hour of
 * one principal, one point each for high volume (more than {@code calls} calls), rapid succession
 * (a minute with {@code rapidPerMinute} calls or more), diverse data access ({@code distinctResources}
 * resource/action pairs — the event type where no resource is named — or more) and off-hours activity (a call before {@code workdayStartHour} or
 * from {@code workdayEndHour}, UTC). A score of {@code scoreThreshold} (default 3) alerts.
 *
 * <p>Rapid and off-hours are remembered for the rest of the hour (a flag set), so the score never
 * falls within an hour and the first event that reaches the threshold decides.
 */
public record DataExfiltrationRule(int calls, int rapidPerMinute, int distinctResources, int workdayStartHour,
        int workdayEndHour, int scoreThreshold) implements DetectionRule {

    public static final String ID = "data-exfiltration";
    public static final int VERSION = 1;
    static final String RESOURCES = "exfiltration-resources";
    static final String FLAGS = "exfiltration-flags";

    public DataExfiltrationRule {
        new AnomalySettings.Exfiltration(calls, rapidPerMinute, distinctResources, workdayStartHour, workdayEndHour,
                scoreThreshold);
    }

    public static DataExfiltrationRule from(AnomalySettings settings) {
        AnomalySettings.Exfiltration t = settings.exfiltration();
        return new DataExfiltrationRule(t.calls(), t.rapidPerMinute(), t.distinctResources(), t.workdayStartHour(),
                t.workdayEndHour(), t.scoreThreshold());
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public int version() {
        return VERSION;
    }

    /** Outside the working hours (UTC): before the start hour or from the end hour on. */
    public boolean offHours(Instant at) {
        int hour = at.atOffset(ZoneOffset.UTC).getHour();
        return hour < workdayStartHour || hour >= workdayEndHour;
    }

    /** The indicators given the figures of the hour; the score is their count. */
    public Map<String, Boolean> indicators(long callsInHour, boolean rapid, long resources, boolean offHours) {
        Map<String, Boolean> indicators = new LinkedHashMap<>();
        indicators.put("high_volume_requests", callsInHour > calls);
        indicators.put("rapid_succession", rapid);
        indicators.put("diverse_data_access", resources >= distinctResources);
        indicators.put("off_hours_activity", offHours);
        return indicators;
    }

    @Override
    public List<Finding> evaluate(AuditEvent event, EventCounters counters) {
        if (!DetectionRule.activity(event)) {
            return List.of();
        }
        String subject = "user:" + event.userId();
        Instant hour = DetectionRule.windowStart(event.timestamp(), UnusualVolumeRule.HOUR);
        long callsInHour = counters.increment(UnusualVolumeRule.PER_HOUR, subject, hour, UnusualVolumeRule.KEEP);
        long perMinute = counters.increment(RateAnomalyRule.PER_MINUTE, subject,
                DetectionRule.windowStart(event.timestamp(), RateAnomalyRule.MINUTE), Duration.ofHours(1));
        String accessed = DetectionRule.present(event.resource()) ? event.resource() + "/" + event.action()
                : event.eventType();
        long resources = counters.addDistinct(RESOURCES, subject, hour, accessed, distinctResources, UnusualVolumeRule.HOUR);
        Set<String> observed = new TreeSet<>();
        if (perMinute >= rapidPerMinute) {
            observed.add("rapid_succession");
        }
        if (offHours(event.timestamp())) {
            observed.add("off_hours_activity");
        }
        Set<String> flags = counters.addFlags(FLAGS, subject, hour, observed, UnusualVolumeRule.HOUR);
        Map<String, Boolean> indicators = indicators(callsInHour, flags.contains("rapid_succession"), resources,
                flags.contains("off_hours_activity"));
        long score = indicators.values().stream().filter(Boolean::booleanValue).count();
        if (score < scoreThreshold) {
            return List.of();
        }
        Map<String, Object> thresholds = new LinkedHashMap<>();
        thresholds.put("calls", calls);
        thresholds.put("rapid_per_minute", rapidPerMinute);
        thresholds.put("distinct_resources", distinctResources);
        thresholds.put("workday_hours_utc", workdayStartHour + "-" + workdayEndHour);
        thresholds.put("score", scoreThreshold);
        Map<String, Object> inputs = new LinkedHashMap<>(indicators);
        inputs.put("calls_in_hour", callsInHour);
        inputs.put("distinct_resources", resources);
        inputs.put("risk_score", score);
        return List.of(new Finding(subject, hour, hour.plus(UnusualVolumeRule.HOUR), thresholds, inputs, "HIGH",
                Finding.ALERT));
    }
}
