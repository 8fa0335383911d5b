package io.tollgate.crypto;

import static io.tollgate.crypto.TestContexts.ACME_EMAIL;
import static io.tollgate.crypto.TestContexts.ACME_TOTP;
import static io.tollgate.crypto.TestContexts.GLOBEX_TOTP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class LocalKeyRingTest {

    private final LocalKeyRing ring = LocalKeyRing.inMemory(new SecureRandom());

    @Test
    void decryptDataKeyWhenSameContextThenSamePlaintext() {
        DataKey key = ring.generateDataKey(ACME_TOTP);
        assertEquals(32, key.plaintext().length);
        assertEquals(61, key.wrapped().length);
        assertEquals(ring.keyId(), key.keyId());
        assertArrayEquals(key.plaintext(), ring.decryptDataKey(key.wrapped(), ACME_TOTP));
    }

    @Test
    void generateDataKeyWhenCalledTwiceThenKeysDiffer() {
        assertFalse(java.util.Arrays.equals(ring.generateDataKey(ACME_TOTP).plaintext(),
                ring.generateDataKey(ACME_TOTP).plaintext()));
    }

    @Test
    void decryptDataKeyWhenContextDiffersThenIntegrityFailure() {
        byte[] wrapped = ring.generateDataKey(ACME_TOTP).wrapped();
        assertThrows(CiphertextIntegrityException.class, () -> ring.decryptDataKey(wrapped, GLOBEX_TOTP));
        assertThrows(CiphertextIntegrityException.class, () -> ring.decryptDataKey(wrapped, ACME_EMAIL));
    }

    @Test
    void decryptDataKeyWhenAnyByteAlteredThenIntegrityFailure() {
        byte[] wrapped = ring.generateDataKey(ACME_TOTP).wrapped();
        for (int i = 0; i < wrapped.length; i++) {
            byte[] altered = wrapped.clone();
            altered[i] ^= 0x01;
            assertThrows(CiphertextIntegrityException.class, () -> ring.decryptDataKey(altered, ACME_TOTP), "byte " + i);
        }
        assertThrows(CiphertextIntegrityException.class,
                () -> ring.decryptDataKey(java.util.Arrays.copyOf(wrapped, 60), ACME_TOTP));
    }

    @Test
    void decryptDataKeyWhenOtherRingThenIntegrityFailure() {
        byte[] wrapped = ring.generateDataKey(ACME_TOTP).wrapped();
        LocalKeyRing other = LocalKeyRing.inMemory(new SecureRandom());
        assertNotEquals(ring.keyId(), other.keyId());
        assertThrows(CiphertextIntegrityException.class, () -> other.decryptDataKey(wrapped, ACME_TOTP));
    }

    @Test
    void toStringWhenKeyRingOrDataKeyThenNoKeyMaterial() {
        LocalKeyRing seeded = LocalKeyRing.inMemory(TestContexts.seeded(42));
        byte[] master = new byte[32];
        TestContexts.seeded(42).nextBytes(master);
        assertEquals(seeded.keyId(), LocalKeyRing.inMemory(TestContexts.seeded(42)).keyId(), "fixture is deterministic");
        assertHidden(seeded.toString(), master);

        DataKey key = seeded.generateDataKey(ACME_TOTP);
        assertHidden(key.toString(), key.plaintext());
        assertTrue(key.toString().contains("redacted"));
    }

    static void assertHidden(String text, byte[] secret) {
        assertFalse(text.contains(HexFormat.of().formatHex(secret)), text);
        assertFalse(text.toLowerCase().contains(HexFormat.of().formatHex(secret, 0, 4)), text);
        assertFalse(text.contains(Base64.getEncoder().encodeToString(secret).substring(0, 8)), text);
        assertFalse(text.contains(Base64.getUrlEncoder().encodeToString(secret).substring(0, 8)), text);
    }
}
