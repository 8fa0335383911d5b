package io.tollgate.sms;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Phone numbers as Tollgate handles them (ITU-T E.164: {@code +}, a country code that does not
 * start with 0, at most 15 digits in all), and the only forms that may leave the encrypted item:
 * the last two digits ({@link #masked}) and a keyed hash ({@link #keyedHash}) that counts sends
 * per number without the number in clear (ADR 0032). Immutable and thread-safe.
 */
public final class PhoneNumbers {

    /** E.164: '+', then 8 to 15 digits, the first not 0. */
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{7,14}");
    private static final String HASH_LABEL = "tollgate-phone-number-v1:";
    private static final String KEY_LABEL = "tollgate-phone-number-key-v1";

    private final byte[] key;

    /** @param key at least 128 bits of server-side secret (derived from the MFA pepper, ADR 0009) */
    public PhoneNumbers(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length < 16) {
            throw new IllegalArgumentException("The phone-number key must have at least 128 bits");
        }
        this.key = key.clone();
    }

    /**
     * The phone-number key derived from the MFA pepper: {@code HMAC-SHA-256(pepper, label)}, so the
     * pepper itself never keys two different things.
     */
    public static PhoneNumbers fromPepper(byte[] pepper) {
        return new PhoneNumbers(hmac(pepper, KEY_LABEL.getBytes(StandardCharsets.US_ASCII)));
    }

    /** Whether {@code value} is an E.164 number exactly (no spaces, no punctuation). */
    public static boolean isE164(String value) {
        return value != null && E164.matcher(value).matches();
    }

    /** The last two digits, for audit events and user interfaces ("number ending 42"). */
    public static String lastTwoDigits(String e164) {
        return e164.substring(e164.length() - 2);
    }

    /** {@code "+…42"}: what a log line or {@code toString} may show of a number. */
    public static String masked(String e164) {
        return e164 == null || e164.length() < 4 ? "<redacted>" : "+…" + lastTwoDigits(e164);
    }

    /**
     * {@code base64url(HMAC-SHA-256(key, label | number))}: stable per number, not reversible
     * without the key (a plain hash of a phone number falls to enumeration of ~10^10 values).
     */
    public String keyedHash(String e164) {
        if (!isE164(e164)) {
            throw new IllegalArgumentException("Not an E.164 number");
        }
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(hmac(key, (HASH_LABEL + e164).getBytes(StandardCharsets.US_ASCII)));
    }

    /** {@code base64url(HMAC-SHA-256(key, label | parts joined by '|'))}, for code hashes bound to their owner. */
    public String keyedHash(String label, String... parts) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(hmac(key,
                (label + ":" + String.join("|", parts)).getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    @Override
    public String toString() {
        return "PhoneNumbers[key=<redacted>]";
    }
}
