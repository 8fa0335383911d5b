package io.tollgate.authz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.testing.TestClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    /** In-memory stand-in for the DynamoDB counter: atomic per (principal, window), counts round trips. */
    static final class FakeCounter implements SharedWindowCounter {
        final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public long addAndGet(String principal, long windowStartEpochMinute, long delta) {
            calls.incrementAndGet();
            return counts.computeIfAbsent(principal + "@" + windowStartEpochMinute, k -> new AtomicLong()).addAndGet(delta);
        }
    }

    private final TestClock clock = TestClock.at("2025-06-01T12:00:00Z");
    private final FakeCounter counter = new FakeCounter();
    private final RateLimiter limiter = new RateLimiter(counter, clock, RateLimiter.Settings.defaults());

    @Test
    void acquireWhen1001stRequestInAMinuteThenDeniedWithRetryAfter() {
        for (int i = 0; i < 1000; i++) {
            assertTrue(limiter.acquire("acme", "acme/u-1").allowed(), "request " + (i + 1));
        }
        clock.advance(Duration.ofSeconds(45));
        RateLimiter.RateDecision decision = limiter.acquire("acme", "acme/u-1");
        assertFalse(decision.allowed());
        assertEquals(15, decision.retryAfterSeconds());
    }

    @Test
    void acquireWhenNextWindowThenAllowedAgain() {
        for (int i = 0; i < 1000; i++) {
            limiter.acquire("acme", "acme/u-1");
        }
        assertFalse(limiter.acquire("acme", "acme/u-1").allowed());
        clock.advance(Duration.ofSeconds(60));
        assertTrue(limiter.acquire("acme", "acme/u-1").allowed());
    }

    @Test
    void acquireWhenWarmThenOneRoundTripPerLease() {
        for (int i = 0; i < 1000; i++) {
            limiter.acquire("acme", "acme/u-1");
        }
        assertEquals(20, counter.calls.get());
        for (int i = 0; i < 100; i++) {
            limiter.acquire("acme", "acme/u-1");
        }
        assertEquals(20, counter.calls.get(), "a lease that reaches the limit marks the bucket exhausted: denials need no round trip");
    }

    @Test
    void acquireWhenPrincipalsDifferThenIndependent() {
        for (int i = 0; i < 1000; i++) {
            limiter.acquire("acme", "acme/u-1");
        }
        assertFalse(limiter.acquire("acme", "acme/u-1").allowed());
        assertTrue(limiter.acquire("acme", "acme/u-2").allowed());
    }

    @Test
    void acquireWhenTenantHasOwnLimitThenUsed() {
        RateLimiter perTenant = new RateLimiter(counter, clock, RateLimiter.Settings.defaults(),
                tenant -> tenant.equals("small") ? 10 : 1000);
        for (int i = 0; i < 10; i++) {
            assertTrue(perTenant.acquire("small", "small/u-1").allowed());
        }
        assertFalse(perTenant.acquire("small", "small/u-1").allowed());
        assertTrue(perTenant.acquire("acme", "acme/u-1").allowed());
    }

    @Test
    void acquireWhenManyContainersShareCounterThenNeverAboveLimit() {
        List<RateLimiter> containers = List.of(
                new RateLimiter(counter, clock, RateLimiter.Settings.defaults()),
                new RateLimiter(counter, clock, RateLimiter.Settings.defaults()),
                new RateLimiter(counter, clock, RateLimiter.Settings.defaults()),
                new RateLimiter(counter, clock, RateLimiter.Settings.defaults()));
        int admitted = 0;
        for (int i = 0; i < 3000; i++) {
            if (containers.get(i % containers.size()).acquire("acme", "acme/u-1").allowed()) {
                admitted++;
            }
        }
        assertTrue(admitted <= 1000, "admitted " + admitted);
        // Under-admission bound: N containers × (lease − 1) tokens may sit unused.
        assertTrue(admitted >= 1000 - containers.size() * 49, "admitted " + admitted);
    }

    @Test
    void acquireWhenBucketEvictedThenStillNeverAboveLimit() {
        RateLimiter tiny = new RateLimiter(counter, clock, new RateLimiter.Settings(1000, 50, 1));
        int admitted = 0;
        for (int i = 0; i < 3000; i++) {
            if (tiny.acquire("acme", i % 2 == 0 ? "acme/u-1" : "acme/u-2").allowed()) {
                admitted++;
            }
        }
        assertTrue(admitted <= 2000, "admitted " + admitted);
    }
}
