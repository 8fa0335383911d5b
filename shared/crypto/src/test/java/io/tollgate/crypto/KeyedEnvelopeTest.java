package io.tollgate.crypto;

import static io.tollgate.crypto.TestContexts.ACME_EMAIL;
import static io.tollgate.crypto.TestContexts.ACME_TOTP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class KeyedEnvelopeTest {

    private static final byte[] DATA = "\"ana@example.com\"".getBytes(StandardCharsets.UTF_8);
    private final SecureRandom random = new SecureRandom();
    private final KeyedEnvelope envelope = new KeyedEnvelope(random);

    private byte[] key() {
        byte[] key = new byte[32];
        random.nextBytes(key);
        return key;
    }

    @Test
    void openWhenSameKeyAndContextThenRoundTripsAndNamesItsKey() {
        byte[] key = key();
        byte[] sealed = envelope.seal(key, "user-1", DATA, ACME_EMAIL);
        assertEquals(2, sealed[0]);
        assertEquals("user-1", KeyedEnvelope.keyName(sealed));
        assertEquals(2 + 6 + 12 + DATA.length + 16, sealed.length);
        assertArrayEquals(DATA, envelope.open(key, sealed, ACME_EMAIL));
    }

    @Test
    void openWhenOtherKeyOtherContextOrAlteredThenIntegrityFailure() {
        byte[] key = key();
        byte[] sealed = envelope.seal(key, "user-1", DATA, ACME_EMAIL);
        assertThrows(CiphertextIntegrityException.class, () -> envelope.open(key(), sealed, ACME_EMAIL));
        assertThrows(CiphertextIntegrityException.class, () -> envelope.open(key, sealed, ACME_TOTP));
        byte[] renamed = sealed.clone();
        renamed[2] = 'v';
        assertThrows(CiphertextIntegrityException.class, () -> envelope.open(key, renamed, ACME_EMAIL));
        byte[] truncated = java.util.Arrays.copyOf(sealed, 20);
        assertThrows(CiphertextIntegrityException.class, () -> envelope.open(key, truncated, ACME_EMAIL));
    }

    @Test
    void keyNameWhenVersionOneValueThenRefused() {
        EnvelopeEncryptor v1 = new EnvelopeEncryptor(new CountingProvider(), random);
        byte[] old = v1.encrypt(DATA, ACME_EMAIL);
        assertThrows(CiphertextIntegrityException.class, () -> KeyedEnvelope.keyName(old));
        byte[] sealed = envelope.seal(key(), "user-1", DATA, ACME_EMAIL);
        assertThrows(CiphertextIntegrityException.class, () -> v1.decrypt(sealed, ACME_EMAIL));
    }

    @Test
    void sealWhenKeyOrNameInvalidThenRefused() {
        assertThrows(IllegalArgumentException.class, () -> envelope.seal(new byte[16], "user-1", DATA, ACME_EMAIL));
        assertThrows(IllegalArgumentException.class, () -> envelope.seal(key(), "", DATA, ACME_EMAIL));
        assertThrows(IllegalArgumentException.class, () -> envelope.seal(key(), "a b", DATA, ACME_EMAIL));
    }
}
