package io.tollgate.detection;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The counters as seen while one event is evaluated: rules sharing a counter (rate and exfiltration
 * both count a principal's calls per minute) update it once per event, not once per rule.
 */
public final class EventCounters {

    private final Counters counters;
    private final String tenantId;
    private final Map<String, Object> seen = new HashMap<>();

    public EventCounters(Counters counters, String tenantId) {
        this.counters = Objects.requireNonNull(counters, "counters");
        this.tenantId = Objects.requireNonNull(tenantId, "tenantId");
    }

    /** Counters outlive their window by this much, then DynamoDB's TTL removes them. */
    static final Duration GRACE = Duration.ofHours(1);

    public long increment(String counter, String subject, Instant windowStart, Duration keep) {
        return (Long) seen.computeIfAbsent(key("n", counter, subject, windowStart), k ->
                counters.increment(tenantId, counter, subject, windowStart, windowStart.plus(keep).plus(GRACE)));
    }

    public long addDistinct(String counter, String subject, Instant windowStart, String member, int cap, Duration keep) {
        return (Long) seen.computeIfAbsent(key("d", counter, subject, windowStart) + "\u0000" + member, k ->
                counters.addDistinct(tenantId, counter, subject, windowStart, member, cap,
                        windowStart.plus(keep).plus(GRACE)));
    }

    @SuppressWarnings("unchecked")
    public Set<String> addFlags(String counter, String subject, Instant windowStart, Set<String> flags, Duration keep) {
        return (Set<String>) seen.computeIfAbsent(key("f", counter, subject, windowStart), k ->
                counters.addFlags(tenantId, counter, subject, windowStart, flags, windowStart.plus(keep).plus(GRACE)));
    }

    public Map<Instant, Long> values(String counter, String subject, List<Instant> windowStarts) {
        return counters.values(tenantId, counter, subject, windowStarts);
    }

    private static String key(String kind, String counter, String subject, Instant windowStart) {
        return kind + "\u0000" + counter + "\u0000" + subject + "\u0000" + windowStart.getEpochSecond();
    }
}
