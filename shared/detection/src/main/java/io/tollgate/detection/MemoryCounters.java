package io.tollgate.detection;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Counters of one replay (ADR 0022): the same semantics as {@link DetectionStore}'s, kept in this
 * object only, so re-running the rules over stored events never changes a live counter.
 */
public final class MemoryCounters implements Counters {

    private final Map<String, Long> numbers = new HashMap<>();
    private final Map<String, Set<String>> sets = new HashMap<>();

    private static String key(String tenantId, String counter, String subject, Instant windowStart) {
        return tenantId + "\u0000" + counter + "\u0000" + subject + "\u0000" + windowStart.getEpochSecond();
    }

    @Override
    public long increment(String tenantId, String counter, String subject, Instant windowStart, Instant expireAt) {
        return numbers.merge(key(tenantId, counter, subject, windowStart), 1L, Long::sum);
    }

    @Override
    public long addDistinct(String tenantId, String counter, String subject, Instant windowStart, String member, int cap,
            Instant expireAt) {
        Set<String> set = sets.computeIfAbsent(key(tenantId, counter, subject, windowStart), k -> new TreeSet<>());
        if (set.size() < cap || set.contains(member)) {
            set.add(member);
        }
        return set.size();
    }

    @Override
    public Set<String> addFlags(String tenantId, String counter, String subject, Instant windowStart, Set<String> flags,
            Instant expireAt) {
        Set<String> set = sets.computeIfAbsent(key(tenantId, counter, subject, windowStart), k -> new TreeSet<>());
        set.addAll(flags);
        return Set.copyOf(set);
    }

    @Override
    public Map<Instant, Long> values(String tenantId, String counter, String subject, List<Instant> windowStarts) {
        Map<Instant, Long> values = new LinkedHashMap<>();
        for (Instant start : windowStarts) {
            values.put(start, numbers.getOrDefault(key(tenantId, counter, subject, start), 0L));
        }
        return values;
    }
}
