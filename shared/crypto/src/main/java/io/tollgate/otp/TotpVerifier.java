package io.tollgate.otp;

import com.eatthepath.otp.TimeBasedOneTimePasswordGenerator;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.OptionalLong;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies time-based one-time passwords (RFC 6238, HOTP of RFC 4226 over the time-step
 * counter {@code T = floor(unixTime / X)}), computed with jOTP.
 *
 * <p>{@link #verify} accepts the current step and {@link TotpSettings#windowSteps()} steps either
 * side, and returns the matched step {@code T}. The caller makes a code single-use by recording
 * the last accepted step per user with a conditional write ({@code lastStep < :T}): a replayed
 * code, or an older code after a newer one, then fails (RFC 6238 §5.2). Every step of the window
 * is computed and compared in constant time ({@link MessageDigest#isEqual}), so the time taken
 * does not reveal which step, or how many digits, matched.
 *
 * <p>Thread-safe. SHA-1 is used here only because RFC 6238 and the authenticator apps require it;
 * HMAC-SHA-1 is not affected by SHA-1 collisions.
 */
public final class TotpVerifier {

    private final Clock clock;
    private final TotpSettings settings;
    private final TimeBasedOneTimePasswordGenerator generator;
    private final long stepSeconds;
    private final int modulus;

    public TotpVerifier(Clock clock, TotpSettings settings) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.generator = new TimeBasedOneTimePasswordGenerator(settings.timeStep(), settings.digits(), settings.algorithm());
        this.stepSeconds = settings.timeStep().toSeconds();
        this.modulus = (int) Math.pow(10, settings.digits());
    }

    /** A verifier with {@link TotpSettings#defaults()}. */
    public TotpVerifier(Clock clock) {
        this(clock, TotpSettings.defaults());
    }

    /**
     * Checks {@code code} (digits; spaces are ignored, as apps show {@code 123 456}) against the
     * secret at the injected clock's time.
     *
     * @return the time step the code belongs to, or empty if it matches none in the window or is
     *         not {@link TotpSettings#digits()} decimal digits
     */
    public OptionalLong verify(byte[] secret, String code) {
        Objects.requireNonNull(secret, "secret");
        if (code == null) {
            return OptionalLong.empty();
        }
        byte[] candidate = code.replace(" ", "").getBytes(StandardCharsets.US_ASCII);
        boolean wellFormed = candidate.length == settings.digits();
        for (byte b : candidate) {
            wellFormed &= b >= '0' && b <= '9';
        }
        long current = stepAt(clock.instant());
        long matched = -1;
        for (long step = current - settings.windowSteps(); step <= current + settings.windowSteps(); step++) {
            if (step < 0) {
                continue;
            }
            byte[] expected = format(generate(secret, step)).getBytes(StandardCharsets.US_ASCII);
            if (MessageDigest.isEqual(expected, candidate)) {
                matched = step; // keep looping: same work whichever step matches; the latest wins
            }
        }
        return wellFormed && matched >= 0 ? OptionalLong.of(matched) : OptionalLong.empty();
    }

    /** The code for {@code secret} at {@code instant}, zero-padded; what an authenticator app shows. */
    public String codeAt(byte[] secret, Instant instant) {
        Objects.requireNonNull(secret, "secret");
        return format(generate(secret, stepAt(instant)));
    }

    /** The time step {@code T} containing {@code instant}. */
    public long stepAt(Instant instant) {
        return Math.floorDiv(instant.getEpochSecond(), stepSeconds);
    }

    private int generate(byte[] secret, long step) {
        try {
            return generator.generateOneTimePassword(new SecretKeySpec(secret, settings.algorithm()),
                    Instant.ofEpochSecond(step * stepSeconds));
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("The TOTP secret is not a valid " + settings.algorithm() + " key", e);
        }
    }

    private String format(int code) {
        String digits = Integer.toString(code % modulus);
        return "0".repeat(settings.digits() - digits.length()) + digits;
    }

    @Override
    public String toString() {
        return "TotpVerifier[" + settings + "]";
    }
}
