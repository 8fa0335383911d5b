package io.tollgate.crypto;

import static io.tollgate.crypto.TestContexts.ACME_EMAIL;
import static io.tollgate.crypto.TestContexts.ACME_TOTP;
import static io.tollgate.crypto.TestContexts.GLOBEX_TOTP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.crypto.testing.ManualClock;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class EnvelopeEncryptorTest {

    private static final byte[] SECRET = "JBSWY3DPEHPK3PXP".getBytes(StandardCharsets.US_ASCII);

    private final CountingProvider provider = new CountingProvider();
    private final EnvelopeEncryptor encryptor = EnvelopeEncryptor.withDefaultCache(
            provider, ManualClock.at("2025-01-01T00:00:00Z"), new SecureRandom());

    @Test
    void decryptWhenSameContextThenPlaintextRoundTrips() {
        byte[] ciphertext = encryptor.encrypt(SECRET, ACME_TOTP);
        assertArrayEquals(SECRET, encryptor.decrypt(ciphertext, ACME_TOTP));
        assertArrayEquals(new byte[0], encryptor.decrypt(encryptor.encrypt(new byte[0], ACME_TOTP), ACME_TOTP));
    }

    @Test
    void encryptWhenCalledThenVersionOneLayoutWithWrappedKeyAndNonce() {
        byte[] ciphertext = encryptor.encrypt(SECRET, ACME_TOTP);
        int wrappedLength = ((ciphertext[1] & 0xFF) << 8) | (ciphertext[2] & 0xFF);
        assertEquals(1, ciphertext[0]);
        assertEquals(61, wrappedLength, "a LocalKeyRing blob");
        assertEquals(1 + 2 + wrappedLength + 12 + SECRET.length + 16, ciphertext.length);
        byte[] wrapped = Arrays.copyOfRange(ciphertext, 3, 3 + wrappedLength);
        assertEquals(32, provider.ring.decryptDataKey(wrapped, ACME_TOTP).length, "the wrapped key is where the format says");
    }

    @Test
    void encryptWhenSamePlaintextTwiceThenNoncesAndCiphertextsDiffer() {
        byte[] one = encryptor.encrypt(SECRET, ACME_TOTP);
        byte[] two = encryptor.encrypt(SECRET, ACME_TOTP);
        assertEquals(1, provider.generated.get(), "cached data key reused");
        assertFalse(Arrays.equals(Arrays.copyOfRange(one, 64, 76), Arrays.copyOfRange(two, 64, 76)));
        assertFalse(Arrays.equals(one, two));
    }

    @Test
    void decryptWhenAnyByteAlteredThenIntegrityFailure() {
        byte[] ciphertext = encryptor.encrypt(SECRET, ACME_TOTP);
        for (int i = 0; i < ciphertext.length; i++) {
            for (int bit : new int[] {0x01, 0x80}) {
                byte[] altered = ciphertext.clone();
                altered[i] ^= (byte) bit;
                assertThrows(CiphertextIntegrityException.class, () -> encryptor.decrypt(altered, ACME_TOTP),
                        "byte " + i + " bit " + bit);
            }
        }
    }

    @Test
    void decryptWhenTruncatedOrExtendedThenIntegrityFailure() {
        byte[] ciphertext = encryptor.encrypt(SECRET, ACME_TOTP);
        for (int length = 0; length < ciphertext.length; length++) {
            byte[] truncated = Arrays.copyOf(ciphertext, length);
            assertThrows(CiphertextIntegrityException.class, () -> encryptor.decrypt(truncated, ACME_TOTP), "length " + length);
        }
        byte[] extended = Arrays.copyOf(ciphertext, ciphertext.length + 1);
        assertThrows(CiphertextIntegrityException.class, () -> encryptor.decrypt(extended, ACME_TOTP));
    }

    @Test
    void decryptUserBoundWhenWrittenForTheUserThenReadAndNotLegacy() {
        EncryptionContext alice = new EncryptionContext("acme", "totp", "u-alice");
        EnvelopeEncryptor.UserBound<byte[]> read = encryptor.decryptUserBound(encryptor.encrypt(SECRET, alice), alice);
        assertArrayEquals(SECRET, read.value());
        assertFalse(read.legacy());
    }

    @Test
    void decryptUserBoundWhenWrittenBeforeTheUserPartThenReadAndFlaggedLegacy() {
        String legacy = encryptor.encryptToBase64("alice@acme.test", new EncryptionContext("acme", "user-email"));
        EnvelopeEncryptor.UserBound<String> read = encryptor.decryptUserBoundFromBase64(legacy,
                new EncryptionContext("acme", "user-email", "u-alice"));
        assertEquals("alice@acme.test", read.value());
        assertTrue(read.legacy(), "to be written again under the user's context");
    }

    @Test
    void decryptUserBoundWhenWrittenForAnotherUserOrTenantThenIntegrityFailure() {
        String bobs = encryptor.encryptToBase64("bob@acme.test", new EncryptionContext("acme", "user-email", "u-bob"));
        assertThrows(CiphertextIntegrityException.class, () -> encryptor.decryptUserBoundFromBase64(bobs,
                new EncryptionContext("acme", "user-email", "u-alice")), "a copy onto alice's item does not read");
        String otherTenant = encryptor.encryptToBase64("x@other.test", new EncryptionContext("other", "user-email"));
        assertThrows(CiphertextIntegrityException.class, () -> encryptor.decryptUserBoundFromBase64(otherTenant,
                new EncryptionContext("acme", "user-email", "u-alice")));
        assertThrows(IllegalArgumentException.class, () -> encryptor.decryptUserBound(new byte[1],
                new EncryptionContext("acme", "totp")));
    }

    @Test
    void decryptWhenContextDiffersThenIntegrityFailure() {
        byte[] ciphertext = encryptor.encrypt(SECRET, ACME_TOTP);
        assertThrows(CiphertextIntegrityException.class, () -> encryptor.decrypt(ciphertext, GLOBEX_TOTP));
        assertThrows(CiphertextIntegrityException.class, () -> encryptor.decrypt(ciphertext, ACME_EMAIL));
    }

    @Test
    void decryptWhenWrappedKeyFromOtherContextSplicedInThenIntegrityFailure() {
        // Same cache, both data keys known to it: the GCM AAD, not only KMS, must catch the swap.
        byte[] acme = encryptor.encrypt(SECRET, ACME_TOTP);
        byte[] globex = encryptor.encrypt(SECRET, GLOBEX_TOTP);
        byte[] spliced = acme.clone();
        System.arraycopy(globex, 3, spliced, 3, 61);
        assertThrows(CiphertextIntegrityException.class, () -> encryptor.decrypt(spliced, GLOBEX_TOTP));
        assertThrows(CiphertextIntegrityException.class, () -> encryptor.decrypt(spliced, ACME_TOTP));
    }

    @Test
    void decryptWhenUnknownVersionThenIntegrityFailureNamingIt() {
        byte[] ciphertext = encryptor.encrypt(SECRET, ACME_TOTP);
        ciphertext[0] = 2;
        CiphertextIntegrityException e = assertThrows(CiphertextIntegrityException.class,
                () -> encryptor.decrypt(ciphertext, ACME_TOTP));
        assertEquals("Unsupported ciphertext version 2", e.getMessage());
    }

    @Test
    void decryptWhenOtherKeyRingThenIntegrityFailure() {
        byte[] ciphertext = encryptor.encrypt(SECRET, ACME_TOTP);
        EnvelopeEncryptor other = new EnvelopeEncryptor(LocalKeyRing.inMemory(new SecureRandom()), new SecureRandom());
        assertThrows(CiphertextIntegrityException.class, () -> other.decrypt(ciphertext, ACME_TOTP));
    }

    @Test
    void encryptToBase64WhenTextThenRoundTripsAndDecodesAsStandardBase64() {
        String ciphertext = encryptor.encryptToBase64("ana.lovelace@example.com", ACME_EMAIL);
        assertEquals(1, Base64.getDecoder().decode(ciphertext)[0]);
        assertEquals("ana.lovelace@example.com", encryptor.decryptFromBase64(ciphertext, ACME_EMAIL));
        assertEquals("żółw ☃", encryptor.decryptFromBase64(encryptor.encryptToBase64("żółw ☃", ACME_EMAIL), ACME_EMAIL));
    }

    @Test
    void decryptFromBase64WhenNotBase64ThenIntegrityFailure() {
        assertThrows(CiphertextIntegrityException.class, () -> encryptor.decryptFromBase64("not base64!", ACME_EMAIL));
    }

    @Test
    void encryptWhenProviderUnavailableThenExceptionAndNoOutput() {
        provider.failure.set(new EncryptionUnavailableException("KMS GenerateDataKey failed (test)", null));
        assertThrows(EncryptionUnavailableException.class, () -> encryptor.encrypt(SECRET, ACME_TOTP));
        provider.failure.set(null);
        assertArrayEquals(SECRET, encryptor.decrypt(encryptor.encrypt(SECRET, ACME_TOTP), ACME_TOTP));
    }

    @Test
    void toStringWhenEncryptorThenNoKeyMaterial() {
        DataKey key = provider.generateDataKey(ACME_TOTP);
        String text = encryptor.toString() + new DataKeyCache(provider, DataKeyCachePolicy.defaults(),
                ManualClock.at("2025-01-01T00:00:00Z")).toString();
        LocalKeyRingTest.assertHidden(text, key.plaintext());
        assertTrue(text.contains("LocalKeyRing[keyId=local:"), text);
    }

    @Test
    void decryptWhenOtherUserOfSameTenantThenIntegrityFailure() {
        EncryptionContext alice = new EncryptionContext("acme", "phone", "alice-id");
        byte[] ciphertext = encryptor.encrypt(SECRET, alice);
        assertArrayEquals(SECRET, encryptor.decrypt(ciphertext, alice));
        assertThrows(CiphertextIntegrityException.class,
                () -> encryptor.decrypt(ciphertext, new EncryptionContext("acme", "phone", "bob-id")));
        assertThrows(CiphertextIntegrityException.class,
                () -> encryptor.decrypt(ciphertext, new EncryptionContext("acme", "phone")));
    }
}
