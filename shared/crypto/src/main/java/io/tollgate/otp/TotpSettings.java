package io.tollgate.otp;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Parameters of TOTP (RFC 6238). {@link #defaults()} is what every authenticator app supports
 * and what Tollgate enrolls: HMAC-SHA-1, 6 digits, 30-second step, one step of tolerance either
 * side for clock drift (RFC 6238 §5.2).
 *
 * @param algorithm   JCA MAC name: {@code HmacSHA1}, {@code HmacSHA256} or {@code HmacSHA512}
 * @param digits      code length, 6 to 8
 * @param timeStep    the step X; 1 second to 5 minutes
 * @param windowSteps steps accepted before and after the current one; 0 to 2
 */
public record TotpSettings(String algorithm, int digits, Duration timeStep, int windowSteps) {

    private static final Set<String> ALGORITHMS = Set.of("HmacSHA1", "HmacSHA256", "HmacSHA512");

    public TotpSettings {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(timeStep, "timeStep");
        if (!ALGORITHMS.contains(algorithm)) {
            throw new IllegalArgumentException("TOTP algorithm must be one of " + ALGORITHMS);
        }
        if (digits < 6 || digits > 8) {
            throw new IllegalArgumentException("TOTP digits must be 6 to 8");
        }
        if (timeStep.compareTo(Duration.ofSeconds(1)) < 0 || timeStep.compareTo(Duration.ofMinutes(5)) > 0
                || timeStep.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("TOTP time step must be whole seconds, 1 s to 5 min");
        }
        if (windowSteps < 0 || windowSteps > 2) {
            throw new IllegalArgumentException("TOTP window must be 0 to 2 steps");
        }
    }

    /** SHA-1, 6 digits, 30 s, ±1 step. */
    public static TotpSettings defaults() {
        return new TotpSettings("HmacSHA1", 6, Duration.ofSeconds(30), 1);
    }

    /** The {@code algorithm} parameter of an {@code otpauth://} URI: SHA1, SHA256 or SHA512. */
    String uriAlgorithm() {
        return algorithm.substring("Hmac".length());
    }
}
