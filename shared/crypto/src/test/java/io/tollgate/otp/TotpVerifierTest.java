package io.tollgate.otp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.crypto.testing.ManualClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TotpVerifierTest {

    private static final byte[] SEED_SHA1 = ascii("12345678901234567890");
    private static final byte[] SEED_SHA256 = ascii("12345678901234567890123456789012");
    private static final byte[] SEED_SHA512 = ascii("1234567890123456789012345678901234567890123456789012345678901234");

    private final ManualClock clock = ManualClock.at("2025-03-01T12:00:10Z");
    private final TotpVerifier verifier = new TotpVerifier(clock);

    /** RFC 6238 Appendix B: 8 digits, 30-second step, at the listed Unix times. */
    @ParameterizedTest
    @CsvSource({
            "59, HmacSHA1, 94287082",
            "1111111109, HmacSHA1, 07081804",
            "1111111111, HmacSHA1, 14050471",
            "1234567890, HmacSHA1, 89005924",
            "2000000000, HmacSHA1, 69279037",
            "20000000000, HmacSHA1, 65353130",
            "59, HmacSHA256, 46119246",
            "1111111109, HmacSHA256, 68084774",
            "1111111111, HmacSHA256, 67062674",
            "1234567890, HmacSHA256, 91819424",
            "2000000000, HmacSHA256, 90698825",
            "20000000000, HmacSHA256, 77737706",
            "59, HmacSHA512, 90693936",
            "1111111109, HmacSHA512, 25091201",
            "1111111111, HmacSHA512, 99943326",
            "1234567890, HmacSHA512, 93441116",
            "2000000000, HmacSHA512, 38618901",
            "20000000000, HmacSHA512, 47863826"})
    void verifyWhenRfc6238AppendixBVectorThenMatchesItsStep(long unixTime, String algorithm, String code) {
        byte[] seed = switch (algorithm) {
            case "HmacSHA1" -> SEED_SHA1;
            case "HmacSHA256" -> SEED_SHA256;
            default -> SEED_SHA512;
        };
        ManualClock at = new ManualClock(Instant.ofEpochSecond(unixTime));
        TotpVerifier eightDigits = new TotpVerifier(at, new TotpSettings(algorithm, 8, Duration.ofSeconds(30), 1));
        assertEquals(code, eightDigits.codeAt(seed, at.instant()));
        assertEquals(OptionalLong.of(unixTime / 30), eightDigits.verify(seed, code));
    }

    /** RFC 4226 Appendix D: HOTP(counter) equals TOTP with a 1-second step at time = counter. */
    @ParameterizedTest
    @CsvSource({"0, 755224", "1, 287082", "2, 359152", "3, 969429", "4, 338314",
            "5, 254676", "6, 287922", "7, 162583", "8, 399871", "9, 520489"})
    void codeAtWhenRfc4226AppendixDCounterThenHotpValue(long counter, String code) {
        TotpVerifier perSecond = new TotpVerifier(clock, new TotpSettings("HmacSHA1", 6, Duration.ofSeconds(1), 0));
        assertEquals(code, perSecond.codeAt(SEED_SHA1, Instant.ofEpochSecond(counter)));
        assertEquals(counter, perSecond.stepAt(Instant.ofEpochSecond(counter)));
    }

    @Test
    void verifyWhenCurrentCodeThenReturnsCurrentStep() {
        String code = verifier.codeAt(SEED_SHA1, clock.instant());
        assertEquals(6, code.length());
        assertEquals(OptionalLong.of(clock.instant().getEpochSecond() / 30), verifier.verify(SEED_SHA1, code));
    }

    @Test
    void verifyWhenOneStepEarlyOrLateThenAcceptedWithThatStepAndTwoStepsThenRejected() {
        long current = verifier.stepAt(clock.instant());
        for (int offset = -2; offset <= 2; offset++) {
            String code = verifier.codeAt(SEED_SHA1, clock.instant().plusSeconds(30L * offset));
            OptionalLong step = verifier.verify(SEED_SHA1, code);
            if (Math.abs(offset) <= 1) {
                assertEquals(OptionalLong.of(current + offset), step, "offset " + offset);
            } else {
                assertTrue(step.isEmpty(), "offset " + offset);
            }
        }
    }

    @Test
    void verifyWhenWindowZeroThenOnlyCurrentStep() {
        TotpVerifier strict = new TotpVerifier(clock, new TotpSettings("HmacSHA1", 6, Duration.ofSeconds(30), 0));
        assertTrue(strict.verify(SEED_SHA1, strict.codeAt(SEED_SHA1, clock.instant())).isPresent());
        assertTrue(strict.verify(SEED_SHA1, strict.codeAt(SEED_SHA1, clock.instant().minusSeconds(30))).isEmpty());
    }

    @Test
    void verifyWhenCodeShownWithSpaceThenAccepted() {
        String code = verifier.codeAt(SEED_SHA1, clock.instant());
        assertTrue(verifier.verify(SEED_SHA1, code.substring(0, 3) + " " + code.substring(3)).isPresent());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "12345", "1234567", "abcdef", "12345a", "１２３４５６"})
    void verifyWhenMalformedThenEmpty(String code) {
        assertTrue(verifier.verify(SEED_SHA1, code).isEmpty());
    }

    @Test
    void verifyWhenNullOrWrongCodeThenEmpty() {
        String code = verifier.codeAt(SEED_SHA1, clock.instant());
        String wrong = String.format("%06d", (Integer.parseInt(code) + 1) % 1_000_000);
        assertTrue(verifier.verify(SEED_SHA1, null).isEmpty());
        assertTrue(verifier.verify(SEED_SHA1, wrong).isEmpty());
        assertTrue(verifier.verify(SEED_SHA256, code).isEmpty(), "another user's secret");
    }

    @Test
    void settingsWhenOutOfBoundsThenRejected() {
        assertThrows(IllegalArgumentException.class, () -> new TotpSettings("HmacMD5", 6, Duration.ofSeconds(30), 1));
        assertThrows(IllegalArgumentException.class, () -> new TotpSettings("HmacSHA1", 5, Duration.ofSeconds(30), 1));
        assertThrows(IllegalArgumentException.class, () -> new TotpSettings("HmacSHA1", 9, Duration.ofSeconds(30), 1));
        assertThrows(IllegalArgumentException.class, () -> new TotpSettings("HmacSHA1", 6, Duration.ofMillis(1500), 1));
        assertThrows(IllegalArgumentException.class, () -> new TotpSettings("HmacSHA1", 6, Duration.ofSeconds(30), 3));
        assertEquals(new TotpSettings("HmacSHA1", 6, Duration.ofSeconds(30), 1), TotpSettings.defaults());
    }

    @Test
    void toStringWhenVerifierThenNoSecret() {
        assertFalse(verifier.toString().contains("12345678901234567890"));
        assertFalse(verifier.toString().contains(Base32.encode(SEED_SHA1)));
    }

    private static byte[] ascii(String value) {
        return value.getBytes(StandardCharsets.US_ASCII);
    }
}
