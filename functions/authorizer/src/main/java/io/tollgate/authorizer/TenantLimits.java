package io.tollgate.authorizer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;

/** Each tenant's rate limit ({@code SecuritySettings.rateLimitPerMinute}), read at most every {@code maxAge}. */
final class TenantLimits {

    private final ToIntFunction<String> loader;
    private final Clock clock;
    private final Duration maxAge;
    private final Map<String, Limit> limits = new ConcurrentHashMap<>();

    private record Limit(int perMinute, Instant loadedAt) {
    }

    TenantLimits(ToIntFunction<String> loader, Clock clock, Duration maxAge) {
        this.loader = Objects.requireNonNull(loader, "loader");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
    }

    int limit(String tenant) {
        Instant now = clock.instant();
        Limit limit = limits.get(tenant);
        if (limit == null || !limit.loadedAt().plus(maxAge).isAfter(now)) {
            limit = new Limit(loader.applyAsInt(tenant), now);
            if (limits.size() > 10_000) {
                limits.clear();
            }
            limits.put(tenant, limit);
        }
        return limit.perMinute();
    }
}
