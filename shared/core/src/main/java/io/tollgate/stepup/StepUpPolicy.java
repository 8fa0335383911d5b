package io.tollgate.stepup;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Whether an access token is recent and strong enough to change credentials (ADR 0053): its
 * {@code auth_time} lies within the tenant's step-up window, and when the user has a second
 * factor, its {@code amr} shows one. A refresh keeps the login's {@code auth_time}, so only a
 * login or {@code POST /v1/auth/step-up} makes a token recent again.
 */
public final class StepUpPolicy {

    /** The RFC 8176 {@code amr} values Tollgate issues for a second factor. */
    public static final Set<String> SECOND_FACTOR_AMR = Set.of("otp", "backup", "sms", "email", "hwk", "swk", "mfa");

    private StepUpPolicy() {
    }

    /**
     * Why a token with {@code authTime} and {@code amr} may not change credentials now
     * ({@code no_auth_time}, {@code stale}, {@code second_factor_missing}); empty when it may.
     */
    public static Optional<String> refusal(Optional<Instant> authTime, List<String> amr, boolean userHasSecondFactor,
            Duration maxAge, Instant now) {
        if (authTime.isEmpty()) {
            return Optional.of("no_auth_time");
        }
        if (!authTime.get().plus(maxAge).isAfter(now)) {
            return Optional.of("stale");
        }
        if (userHasSecondFactor && amr.stream().noneMatch(SECOND_FACTOR_AMR::contains)) {
            return Optional.of("second_factor_missing");
        }
        return Optional.empty();
    }
}
