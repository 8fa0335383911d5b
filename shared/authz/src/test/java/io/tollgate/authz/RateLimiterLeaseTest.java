package io.tollgate.authz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RateLimiterLeaseTest {

    private final RateLimiter limiter = new RateLimiter((p, w, d) -> d, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC),
            RateLimiter.Settings.defaults());

    @Test
    void leaseSizeWhenDefaultLimitThenFifty() {
        assertEquals(50, limiter.leaseSize(1000));
        assertEquals(50, limiter.leaseSize(10));
    }

    @Test
    void leaseSizeWhenHighLimitThenFivePercent() {
        assertEquals(50_000, limiter.leaseSize(1_000_000));
    }
}
