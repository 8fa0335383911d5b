package io.tollgate.stepup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The step-up rule (ADR 0053): recent {@code auth_time}, and a second factor in {@code amr} when the user has one. */
class StepUpPolicyTest {

    private static final Instant NOW = Instant.parse("2026-12-07T03:00:00Z");
    private static final Duration FIVE = Duration.ofMinutes(5);

    @Test
    void refusalWhenAuthTimeWithinWindowAndNoSecondFactorThenNone() {
        assertEquals(Optional.empty(), StepUpPolicy.refusal(Optional.of(NOW.minusSeconds(299)), List.of("pwd"), false,
                FIVE, NOW));
    }

    @Test
    void refusalWhenAuthTimeFiveMinutesOldThenStale() {
        assertEquals(Optional.of("stale"), StepUpPolicy.refusal(Optional.of(NOW.minus(FIVE)), List.of("pwd", "otp"),
                true, FIVE, NOW));
        assertEquals(Optional.of("no_auth_time"), StepUpPolicy.refusal(Optional.empty(), List.of("pwd"), false, FIVE,
                NOW));
    }

    @Test
    void refusalWhenUserHasSecondFactorButAmrOnlyPwdThenSecondFactorMissing() {
        assertEquals(Optional.of("second_factor_missing"), StepUpPolicy.refusal(Optional.of(NOW), List.of("pwd"), true,
                FIVE, NOW));
        for (String factor : List.of("otp", "backup", "sms", "email", "hwk", "swk", "mfa")) {
            assertEquals(Optional.empty(), StepUpPolicy.refusal(Optional.of(NOW), List.of("pwd", factor), true, FIVE,
                    NOW), factor);
        }
    }

    @Test
    void refusalWhenTenantWindowSixtyMinutesThenFiftyNineMinutesOldAccepted() {
        assertEquals(Optional.empty(), StepUpPolicy.refusal(Optional.of(NOW.minus(Duration.ofMinutes(59))),
                List.of("pwd"), false, Duration.ofMinutes(60), NOW));
    }
}
