package io.tollgate.sms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PhoneNumbersTest {

    private static final byte[] PEPPER = "a-pepper-of-enough-bytes-0123456789".getBytes(StandardCharsets.US_ASCII);

    @Test
    void isE164WhenPlusCountryCodeAndUpTo15DigitsThenAccepted() {
        assertTrue(PhoneNumbers.isE164("+447700900123"));
        assertTrue(PhoneNumbers.isE164("+14155550100"));
        assertTrue(PhoneNumbers.isE164("+123456789012345"));
        for (String invalid : new String[] {"447700900123", "+0447700900123", "+44 7700 900123", "+44-7700900123",
                "+1234567890123456", "+1234567", "", "+", "tel:+447700900123", "+４４7700900123"}) {
            assertFalse(PhoneNumbers.isE164(invalid), invalid);
        }
        assertFalse(PhoneNumbers.isE164(null));
    }

    @Test
    void keyedHashWhenSameNumberThenStableAndNotTheNumber() {
        PhoneNumbers numbers = PhoneNumbers.fromPepper(PEPPER);
        String hash = numbers.keyedHash("+447700900123");
        assertEquals(hash, PhoneNumbers.fromPepper(PEPPER).keyedHash("+447700900123"));
        assertNotEquals(hash, numbers.keyedHash("+447700900124"));
        assertFalse(hash.contains("7700900123"));
        assertEquals(43, hash.length(), "256 bits, base64url without padding");
        byte[] otherPepper = "another-pepper-of-enough-bytes-0123".getBytes(StandardCharsets.US_ASCII);
        assertNotEquals(hash, PhoneNumbers.fromPepper(otherPepper).keyedHash("+447700900123"),
                "without the key the hash cannot be recomputed from a guessed number");
        assertThrows(IllegalArgumentException.class, () -> numbers.keyedHash("07700900123"));
    }

    @Test
    void maskedWhenShownThenLastTwoDigitsOnly() {
        assertEquals("+…23", PhoneNumbers.masked("+447700900123"));
        assertEquals("23", PhoneNumbers.lastTwoDigits("+447700900123"));
        assertEquals("PhoneNumbers[key=<redacted>]", PhoneNumbers.fromPepper(PEPPER).toString());
        assertThrows(IllegalArgumentException.class, () -> new PhoneNumbers(new byte[15]));
    }
}
