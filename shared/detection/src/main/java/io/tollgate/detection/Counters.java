package io.tollgate.detection;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The windowed counters the rules read and update, one per counter name, subject and fixed window
 * (ADR 0020, 0021). Live detection keeps them in the security table ({@link DetectionStore}); a
 * replay keeps them in memory ({@link MemoryCounters}) so it never touches the live ones.
 */
public interface Counters {

    /** Adds one to the counter and returns its value after. */
    long increment(String tenantId, String counter, String subject, Instant windowStart, Instant expireAt);

    /** Adds {@code member} to the counted set (a repeat counts once, growth stops at {@code cap}); returns the size after. */
    long addDistinct(String tenantId, String counter, String subject, Instant windowStart, String member, int cap,
            Instant expireAt);

    /** Adds {@code flags} to the window's flag set and returns every flag it holds after. */
    Set<String> addFlags(String tenantId, String counter, String subject, Instant windowStart, Set<String> flags,
            Instant expireAt);

    /** The values of the counter in the given windows (0 where nothing was counted). */
    Map<Instant, Long> values(String tenantId, String counter, String subject, List<Instant> windowStarts);
}
