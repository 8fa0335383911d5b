package io.tollgate.authz;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToIntFunction;

/**
 * Per-principal request limit (docs/contract.md §Security defaults: 1000 requests per minute by default, per tenant
 * configurable) over fixed one-minute windows, shared by all authorizer containers at a low cost:
 * each container keeps a local bucket of tokens per principal and <em>leases</em> them from the
 * {@link SharedWindowCounter} in batches of {@link Settings#leaseSize()} (50 by default), so only
 * about one request in 50 per principal and container pays a round trip.
 *
 * <p><b>Algorithm.</b> A request spends a local token if the bucket has one. Otherwise the
 * container adds a lease {@code L = min(leaseSize, limit − lastSeenTotal)} to the shared count
 * <em>before</em> admitting anything; the new total {@code T} tells how much of the lease fits under
 * the limit: {@code granted = clamp(limit − (T − L), 0, L)}. When nothing fits the principal is
 * exhausted for the rest of the window in this container (deny without round trip) and the answer
 * carries {@code Retry-After} = seconds to the next window.
 *
 * <p><b>Error bound.</b> Every admitted request was reserved in the shared counter before it was
 * admitted, and reservations beyond the limit grant nothing, so with N warm containers at most
 * {@code limit} requests per principal are admitted per window: <b>0 above the limit</b> (as long as
 * the counter's add is atomic, which DynamoDB's {@code ADD} is). The price is under-admission:
 * tokens leased by one container are invisible to the others, so a principal spread over N
 * containers can be refused after as few as {@code limit − N·(L − 1)} requests in a window (and a
 * bucket evicted from the bounded map loses its tokens). Windows are fixed, so over any sliding 60 s
 * interval that straddles two windows up to {@code 2·limit} requests can pass — the usual
 * fixed-window property. Container clocks are assumed to agree to well under a second (Lambda hosts
 * are NTP-synchronised); a container whose clock lags spends only tokens its old window granted.
 * Counter failures propagate: the authorizer adapter decides whether to fail open (docs/adr/0012-authorizer-rate-limit.md).
 *
 * <p>Thread-safe; per-principal work is serialised on that principal's bucket.
 */
public final class RateLimiter {

    private final SharedWindowCounter counter;
    private final Clock clock;
    private final Settings settings;
    private final ToIntFunction<String> limitPerMinuteByTenant;
    private final Map<String, Bucket> buckets;

    /**
     * @param defaultLimitPerMinute the limit of tenants without their own ({@code SecuritySettings.rateLimitPerMinute})
     * @param leaseSize             tokens leased per round trip (the under-admission bound grows with it)
     * @param maxPrincipals         buckets kept per container; least recently used ones are dropped
     */
    public record Settings(int defaultLimitPerMinute, int leaseSize, int maxPrincipals) {
        public Settings {
            if (defaultLimitPerMinute < 1 || leaseSize < 1 || leaseSize > 1000 || maxPrincipals < 1) {
                throw new IllegalArgumentException("Rate limiter settings out of range");
            }
        }

        /** 1000 requests/minute, leases of 50, 10 000 principals per container. */
        public static Settings defaults() {
            return new Settings(1000, 50, 10_000);
        }
    }

    /** Allow, or deny with the seconds to wait ({@code Retry-After}, RFC 9110 §10.2.3). */
    public record RateDecision(boolean allowed, long retryAfterSeconds) {
        static final RateDecision ALLOW = new RateDecision(true, 0);
    }

    private static final class Bucket {
        long window = Long.MIN_VALUE;
        long tokens;
        long lastSeenTotal;
        boolean exhausted;
    }

    /** Every tenant at {@link Settings#defaultLimitPerMinute()}. */
    public RateLimiter(SharedWindowCounter counter, Clock clock, Settings settings) {
        this(counter, clock, settings, tenant -> settings.defaultLimitPerMinute());
    }

    /**
     * @param limitPerMinuteByTenant the limit of a tenant (from its {@code SecuritySettings}); must be ≥ 1
     */
    public RateLimiter(SharedWindowCounter counter, Clock clock, Settings settings,
            ToIntFunction<String> limitPerMinuteByTenant) {
        this.counter = Objects.requireNonNull(counter, "counter");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.limitPerMinuteByTenant = Objects.requireNonNull(limitPerMinuteByTenant, "limitPerMinuteByTenant");
        int max = settings.maxPrincipals();
        this.buckets = new LinkedHashMap<>(Math.min(max, 1024), 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
                return size() > max;
            }
        };
    }

    /**
     * Takes one request of {@code principal} (a stable key such as {@code tenant/userId} or an
     * API key prefix) of {@code tenant}.
     */
    public RateDecision acquire(String tenant, String principal) {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(principal, "principal");
        long epochSecond = clock.instant().getEpochSecond();
        long window = Math.floorDiv(epochSecond, 60);
        Bucket bucket;
        synchronized (buckets) {
            bucket = buckets.computeIfAbsent(principal, p -> new Bucket());
        }
        synchronized (bucket) {
            if (bucket.window != window) {
                bucket.window = window;
                bucket.tokens = 0;
                bucket.lastSeenTotal = 0;
                bucket.exhausted = false;
            }
            if (bucket.tokens > 0) {
                bucket.tokens--;
                return RateDecision.ALLOW;
            }
            if (bucket.exhausted) {
                return deny(window, epochSecond);
            }
            long limit = limitPerMinuteByTenant.applyAsInt(tenant);
            if (limit < 1) {
                throw new IllegalStateException("Rate limit of tenant " + tenant + " must be at least 1");
            }
            long lease = Math.max(1, Math.min(leaseSize(limit), limit - bucket.lastSeenTotal));
            long total = counter.addAndGet(principal, window, lease);
            long granted = Math.max(0, Math.min(lease, limit - (total - lease)));
            bucket.lastSeenTotal = total;
            bucket.exhausted = total >= limit;
            if (granted == 0) {
                return deny(window, epochSecond);
            }
            bucket.tokens = granted - 1;
            return RateDecision.ALLOW;
        }
    }

    /**
     * Tokens leased per round trip: {@link Settings#leaseSize()}, or 5 % of the limit when that is
     * larger, so a high-limit principal does not pay a round trip every 50 requests while the
     * under-admission bound stays a fixed share of the limit.
     */
    long leaseSize(long limit) {
        return Math.max(settings.leaseSize(), limit / 20);
    }

    private static RateDecision deny(long window, long epochSecond) {
        return new RateDecision(false, Math.max(1, (window + 1) * 60 - epochSecond));
    }
}
