package io.tollgate.lockout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.settings.SecuritySettings;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LockoutPolicyTest {

    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
    private final LockoutPolicy policy = new LockoutPolicy(SecuritySettings.defaults().lockout());

    private static FailureState state(long count, Instant since, Instant lockedUntil) {
        return new FailureState(count, Optional.ofNullable(since), Optional.ofNullable(lockedUntil));
    }

    @Test
    void mustLockWhenFifthFailureThenTrueAndWhenFourthThenFalse() {
        assertFalse(policy.mustLock(4, FailureState.NONE, T0));
        assertTrue(policy.mustLock(5, FailureState.NONE, T0));
    }

    @Test
    void mustLockWhenAlreadyLockedThenFalse() {
        assertFalse(policy.mustLock(6, state(5, T0, T0.plusSeconds(1800)), T0.plusSeconds(60)));
    }

    @Test
    void isLockedWhenThirtyMinutesPassedThenUnlocked() {
        FailureState locked = state(5, T0, policy.lockEnd(T0));
        assertTrue(policy.isLocked(locked, T0.plus(Duration.ofMinutes(30)).minusMillis(1)));
        assertFalse(policy.isLocked(locked, T0.plus(Duration.ofMinutes(30))));
    }

    @Test
    void windowOpenWhenWithinFifteenMinutesThenTrueElseFalse() {
        FailureState started = state(1, T0, null);
        assertTrue(policy.windowOpen(started, T0.plus(Duration.ofMinutes(15)).minusMillis(1)));
        assertFalse(policy.windowOpen(started, T0.plus(Duration.ofMinutes(15))));
        assertFalse(policy.windowOpen(FailureState.NONE, T0));
    }

    @Test
    void remainingLockWhenLockedThenTimeToEnd() {
        FailureState locked = state(5, T0, T0.plus(Duration.ofMinutes(30)));
        assertEquals(Duration.ofMinutes(20), policy.remainingLock(locked, T0.plus(Duration.ofMinutes(10))));
        assertEquals(Duration.ZERO, policy.remainingLock(FailureState.NONE, T0));
    }
}
