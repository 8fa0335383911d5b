package io.tollgate.anomaly;

import io.tollgate.audit.AuditEvent;
import io.tollgate.settings.AnomalySettings;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code threshold} events of one type for one account within one fixed window alert (ADR 0021).
 * The base of {@link MfaFailureBurstRule} and {@link RefreshTokenReuseRule}, which differ only in
 * the event they count and their defaults.
 */
public abstract class EventBurstRule implements DetectionRule {

    private final String eventType;
    private final AnomalySettings.Burst thresholds;

    protected EventBurstRule(String eventType, AnomalySettings.Burst thresholds) {
        this.eventType = Objects.requireNonNull(eventType, "eventType");
        this.thresholds = Objects.requireNonNull(thresholds, "thresholds");
    }

    public AnomalySettings.Burst thresholds() {
        return thresholds;
    }

    public boolean triggered(long count) {
        return count >= thresholds.threshold();
    }

    @Override
    public List<Finding> evaluate(AuditEvent event, EventCounters counters) {
        if (!eventType.equals(event.eventType()) || !DetectionRule.present(event.userId())) {
            return List.of();
        }
        Duration window = thresholds.window();
        Instant start = DetectionRule.windowStart(event.timestamp(), window);
        String subject = "user:" + event.userId();
        long count = counters.increment(id(), subject, start, window);
        if (!triggered(count)) {
            return List.of();
        }
        Map<String, Object> limits = new LinkedHashMap<>();
        limits.put("events", thresholds.threshold());
        limits.put("window_seconds", window.toSeconds());
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("event_type", eventType);
        inputs.put("events_in_window", count);
        if (DetectionRule.present(event.ipAddress())) {
            inputs.put("ip_address", event.ipAddress());
        }
        return List.of(new Finding(subject, start, start.plus(window), limits, inputs, "HIGH", Finding.ALERT));
    }
}
