package io.tollgate.detection;

import io.tollgate.audit.AuditEvent;
import io.tollgate.settings.AnomalySettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Rate anomaly (seed 000 {@code api_rate_limit_exceeded}; ADR 0021): more than
 * {@code requestsPerMinute} events of one principal in one minute. Alerts: the authorizer's token
 * bucket already throttles the tenant; this names the principal behind a burst.
 */
public record RateAnomalyRule(int requestsPerMinute) implements DetectionRule {

    public static final String ID = "rate-anomaly";
    public static final int VERSION = 1;
    /** Calls of one principal per minute (shared with {@link DataExfiltrationRule}). */
    static final String PER_MINUTE = "activity-minute";
    static final Duration MINUTE = Duration.ofMinutes(1);

    public RateAnomalyRule {
        if (requestsPerMinute < 10 || requestsPerMinute > 1_000_000) {
            throw new IllegalArgumentException("requestsPerMinute must be 10..1000000");
        }
    }

    public static RateAnomalyRule from(AnomalySettings settings) {
        return new RateAnomalyRule(settings.requestsPerMinute());
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public int version() {
        return VERSION;
    }

    public boolean triggered(long requestsInMinute) {
        return requestsInMinute > requestsPerMinute;
    }

    @Override
    public List<Finding> evaluate(AuditEvent event, EventCounters counters) {
        if (!DetectionRule.activity(event)) {
            return List.of();
        }
        Instant start = DetectionRule.windowStart(event.timestamp(), MINUTE);
        String subject = "user:" + event.userId();
        long count = counters.increment(PER_MINUTE, subject, start, Duration.ofHours(1));
        if (!triggered(count)) {
            return List.of();
        }
        return List.of(new Finding(subject, start, start.plus(MINUTE), Map.of("requests_per_minute", requestsPerMinute),
                Map.of("requests_in_minute", count), "HIGH", Finding.ALERT));
    }
}
