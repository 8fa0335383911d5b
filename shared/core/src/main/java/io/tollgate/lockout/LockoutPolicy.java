package io.tollgate.lockout;

import io.tollgate.settings.SecuritySettings.LockoutSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The arithmetic of "{@code threshold} failures within {@code window} lock for
 * {@code duration}" (seed 000: accounts 5 / 15 min → 30 min; IPs 20 / 15 min → 60 min).
 *
 * <p>The window is fixed from its first failure: a failure after the window has closed starts
 * a new one at count 1. A lock ends by itself at {@code lockedUntil}.
 */
public record LockoutPolicy(LockoutSettings settings) {

    public LockoutPolicy {
        Objects.requireNonNull(settings, "settings");
    }

    public boolean isLocked(FailureState state, Instant now) {
        return state.lockedUntil().map(now::isBefore).orElse(false);
    }

    /** Time left until the lock ends (zero when not locked). */
    public Duration remainingLock(FailureState state, Instant now) {
        return isLocked(state, now) ? Duration.between(now, state.lockedUntil().orElseThrow()) : Duration.ZERO;
    }

    /** True while the window that started at {@code state.windowStart()} is still open at {@code now}. */
    public boolean windowOpen(FailureState state, Instant now) {
        return state.windowStart().map(start -> start.isAfter(windowCutoff(now))).orElse(false);
    }

    /** Window starts at or before this instant are closed. */
    public Instant windowCutoff(Instant now) {
        return now.minus(settings.window());
    }

    /** Whether a failure that brought the count to {@code countAfter} must lock the subject. */
    public boolean mustLock(long countAfter, FailureState before, Instant now) {
        return countAfter >= settings.threshold() && !isLocked(before, now);
    }

    public Instant lockEnd(Instant now) {
        return now.plus(settings.duration());
    }
}
