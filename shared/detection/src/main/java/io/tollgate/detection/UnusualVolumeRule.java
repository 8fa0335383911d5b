package io.tollgate.detection;

import io.tollgate.audit.AuditEvent;
import io.tollgate.settings.AnomalySettings;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Unusual volume (seed 000 {@code unusual_prediction_volume}; ADR 0021): a principal's — and,
 * separately, the whole tenant's — events in the current hour exceed the rolling baseline by more
 * than {@code increasePercent} (default 500 %, i.e. more than six times the baseline), and number
 * at least {@code minimumEvents}, so a quiet user's 6 calls against a baseline of 1 never alert.
 *
 * <p>The baseline is the mean of the subject's hourly counters of the previous
 * {@code baselineHours} hours, which are kept in the security table (an hour with no event counts
 * 0). It is read only once the current hour has reached the floor.
 */
public record UnusualVolumeRule(int increasePercent, int minimumEvents, int baselineHours) implements DetectionRule {

    public static final String ID = "unusual-volume";
    public static final int VERSION = 1;
    /** Events of one subject per hour (shared with {@link DataExfiltrationRule}). */
    static final String PER_HOUR = "activity-hour";
    static final Duration HOUR = Duration.ofHours(1);
    /** Hourly counters stay for the longest baseline plus the current hour. */
    static final Duration KEEP = Duration.ofHours(25);

    public UnusualVolumeRule {
        new AnomalySettings.UnusualVolume(increasePercent, minimumEvents, baselineHours);
    }

    public static UnusualVolumeRule from(AnomalySettings settings) {
        AnomalySettings.UnusualVolume t = settings.unusualVolume();
        return new UnusualVolumeRule(t.increasePercent(), t.minimumEvents(), t.baselineHours());
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public int version() {
        return VERSION;
    }

    /** {@code current} events against a baseline of {@code baselineTotal} events over {@code baselineHours} hours. */
    public boolean triggered(long current, long baselineTotal) {
        // current > mean * (100 + p) / 100, in integers: current * 100 * hours > total * (100 + p)
        return current >= minimumEvents
                && BigDecimal.valueOf(current).multiply(BigDecimal.valueOf(100L * baselineHours))
                        .compareTo(BigDecimal.valueOf(baselineTotal).multiply(BigDecimal.valueOf(100L + increasePercent))) > 0;
    }

    @Override
    public List<Finding> evaluate(AuditEvent event, EventCounters counters) {
        if (!DetectionRule.activity(event)) {
            return List.of();
        }
        List<Finding> findings = new ArrayList<>();
        check("user:" + event.userId(), event, counters, findings);
        check("tenant:" + event.tenantId(), event, counters, findings);
        return findings;
    }

    private void check(String subject, AuditEvent event, EventCounters counters, List<Finding> findings) {
        Instant start = DetectionRule.windowStart(event.timestamp(), HOUR);
        long current = counters.increment(PER_HOUR, subject, start, KEEP);
        if (current < minimumEvents) {
            return;
        }
        List<Instant> previous = new ArrayList<>();
        for (int h = 1; h <= baselineHours; h++) {
            previous.add(start.minus(HOUR.multipliedBy(h)));
        }
        long total = counters.values(PER_HOUR, subject, previous).values().stream().mapToLong(Long::longValue).sum();
        if (!triggered(current, total)) {
            return;
        }
        Map<String, Object> thresholds = new LinkedHashMap<>();
        thresholds.put("increase_percent", increasePercent);
        thresholds.put("minimum_events", minimumEvents);
        thresholds.put("baseline_hours", baselineHours);
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("events_this_hour", current);
        inputs.put("baseline_events", total);
        inputs.put("baseline_per_hour", BigDecimal.valueOf(total).divide(BigDecimal.valueOf(baselineHours), 2,
                RoundingMode.HALF_UP).toPlainString());
        findings.add(new Finding(subject, start, start.plus(HOUR), thresholds, inputs, "MEDIUM", Finding.ALERT));
    }
}
