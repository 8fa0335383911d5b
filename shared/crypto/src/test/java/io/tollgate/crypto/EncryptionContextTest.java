package io.tollgate.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EncryptionContextTest {

    @Test
    void constructWhenBlankOrTooLongOrSpacedThenRejected() {
        assertThrows(IllegalArgumentException.class, () -> new EncryptionContext("", "totp"));
        assertThrows(IllegalArgumentException.class, () -> new EncryptionContext("acme", ""));
        assertThrows(IllegalArgumentException.class, () -> new EncryptionContext("ac me", "totp"));
        assertThrows(IllegalArgumentException.class, () -> new EncryptionContext("acme", "tötp"));
        assertThrows(IllegalArgumentException.class, () -> new EncryptionContext("a".repeat(129), "totp"));
        assertThrows(NullPointerException.class, () -> new EncryptionContext(null, "totp"));
        assertEquals(128, new EncryptionContext("a".repeat(128), "p").tenant().length());
    }

    @Test
    void asKmsContextWhenBuiltThenTenantAndPurposeKeys() {
        assertEquals(Map.of("tenant", "acme", "purpose", "totp-secret"),
                new EncryptionContext("acme", "totp-secret").asKmsContext());
    }

    @Test
    void canonicalBytesWhenSplitDiffersThenEncodingsDiffer() {
        byte[] one = new EncryptionContext("ab", "c").canonicalBytes();
        byte[] other = new EncryptionContext("a", "bc").canonicalBytes();
        assertFalse(Arrays.equals(one, other));
        assertFalse(Arrays.equals(new EncryptionContext("x", "y").canonicalBytes(),
                new EncryptionContext("y", "x").canonicalBytes()));
    }

    @Test
    void canonicalBytesWhenEncodedThenLengthPrefixedPurposeThenTenant() {
        byte[] expected = {0, 7, 'p', 'u', 'r', 'p', 'o', 's', 'e', 0, 1, 'p',
                0, 6, 't', 'e', 'n', 'a', 'n', 't', 0, 1, 't'};
        assertArrayEquals(expected, new EncryptionContext("t", "p").canonicalBytes());
    }

    @Test
    void canonicalBytesWhenUserNamedThenTwoPartEncodingFollowedByUser() {
        byte[] twoPart = new EncryptionContext("t", "p").canonicalBytes();
        byte[] withUser = new EncryptionContext("t", "p", "u1").canonicalBytes();
        assertArrayEquals(twoPart, Arrays.copyOf(withUser, twoPart.length));
        assertArrayEquals(new byte[] {0, 4, 'u', 's', 'e', 'r', 0, 2, 'u', '1'},
                Arrays.copyOfRange(withUser, twoPart.length, withUser.length));
        assertArrayEquals(twoPart, new EncryptionContext("t", "p", null).canonicalBytes());
    }

    @Test
    void asKmsContextWhenUserNamedThenUserKeyToo() {
        assertEquals(Map.of("tenant", "acme", "purpose", "phone", "user", "u-1"),
                new EncryptionContext("acme", "phone", "u-1").asKmsContext());
        assertThrows(IllegalArgumentException.class, () -> new EncryptionContext("acme", "phone", "u 1"));
    }
}
