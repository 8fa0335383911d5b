package io.tollgate.crypto;

import static io.tollgate.crypto.TestContexts.ACME_EMAIL;
import static io.tollgate.crypto.TestContexts.ACME_TOTP;
import static io.tollgate.crypto.TestContexts.GLOBEX_TOTP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.crypto.testing.KmsProtocolFake;
import io.tollgate.crypto.testing.ManualClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.KmsClient;

/** {@link KmsDataKeyProvider} through the real SDK {@link KmsClient}, against {@link KmsProtocolFake} on loopback. */
class KmsDataKeyProviderIT {

    private static final byte[] SECRET = "ana.lovelace@example.com".getBytes(StandardCharsets.UTF_8);

    private KmsProtocolFake kms;
    private KmsClient client;
    private KmsDataKeyProvider provider;

    @BeforeEach
    void start() throws IOException {
        kms = KmsProtocolFake.start();
        client = kms.newClient();
        provider = new KmsDataKeyProvider(client, KmsProtocolFake.ALIAS);
    }

    @AfterEach
    void stop() {
        client.close();
        kms.close();
    }

    @Test
    void generateDataKeyWhenCalledThenAes256WithContextAndKeyIdSent() {
        DataKey key = provider.generateDataKey(ACME_TOTP);
        assertEquals(32, key.plaintext().length);
        assertEquals(KmsProtocolFake.KEY_ARN, key.keyId());
        JsonNode request = kms.requests().getFirst();
        assertEquals("GenerateDataKey", request.get("_operation").asText());
        assertEquals(KmsProtocolFake.ALIAS, request.get("KeyId").asText());
        assertEquals("AES_256", request.get("KeySpec").asText());
        assertEquals("acme", request.get("EncryptionContext").get("tenant").asText());
        assertEquals("totp-secret", request.get("EncryptionContext").get("purpose").asText());
        assertEquals(2, request.get("EncryptionContext").size());
    }

    @Test
    void decryptDataKeyWhenSameContextThenSameKeyAndKeyIdSent() {
        DataKey key = provider.generateDataKey(ACME_TOTP);
        assertArrayEquals(key.plaintext(), provider.decryptDataKey(key.wrapped(), ACME_TOTP));
        JsonNode request = kms.requests().getLast();
        assertEquals("Decrypt", request.get("_operation").asText());
        assertEquals(KmsProtocolFake.ALIAS, request.get("KeyId").asText());
        assertEquals(Base64.getEncoder().encodeToString(key.wrapped()), request.get("CiphertextBlob").asText());
    }

    @Test
    void decryptWhenEnvelopeRoundTripThenPlaintextAndKmsCalledOncePerOperation() {
        EnvelopeEncryptor encryptor = new EnvelopeEncryptor(provider, new SecureRandom());
        byte[] ciphertext = encryptor.encrypt(SECRET, ACME_EMAIL);
        assertArrayEquals(SECRET, encryptor.decrypt(ciphertext, ACME_EMAIL));
        assertEquals(1, kms.calls("GenerateDataKey"));
        assertEquals(1, kms.calls("Decrypt"));
    }

    @Test
    void decryptWhenContextDiffersThenKmsRefusesWithIntegrityFailure() {
        EnvelopeEncryptor encryptor = new EnvelopeEncryptor(provider, new SecureRandom());
        byte[] ciphertext = encryptor.encrypt(SECRET, ACME_TOTP);
        CiphertextIntegrityException e = assertThrows(CiphertextIntegrityException.class,
                () -> encryptor.decrypt(ciphertext, GLOBEX_TOTP));
        assertTrue(e.getMessage().contains("InvalidCiphertextException"), e.getMessage());
        assertEquals(1, kms.calls("Decrypt"), "refused by KMS, not by a local check");
    }

    @Test
    void decryptDataKeyWhenWrappedKeyTamperedThenIntegrityFailure() {
        byte[] wrapped = provider.generateDataKey(ACME_TOTP).wrapped();
        wrapped[wrapped.length - 1] ^= 1;
        assertThrows(CiphertextIntegrityException.class, () -> provider.decryptDataKey(wrapped, ACME_TOTP));
    }

    @Test
    void decryptWhenCiphertextBodyTamperedThenIntegrityFailure() {
        EnvelopeEncryptor encryptor = new EnvelopeEncryptor(provider, new SecureRandom());
        byte[] ciphertext = encryptor.encrypt(SECRET, ACME_TOTP);
        ciphertext[ciphertext.length - 20] ^= 1;
        assertThrows(CiphertextIntegrityException.class, () -> encryptor.decrypt(ciphertext, ACME_TOTP));
    }

    @Test
    void decryptDataKeyWhenProviderConfiguredWithOtherKeyThenIntegrityFailure() {
        byte[] wrapped = provider.generateDataKey(ACME_TOTP).wrapped();
        KmsDataKeyProvider other = new KmsDataKeyProvider(client, "arn:aws:kms:eu-west-1:111122223333:key/other");
        CiphertextIntegrityException e = assertThrows(CiphertextIntegrityException.class,
                () -> other.decryptDataKey(wrapped, ACME_TOTP));
        assertTrue(e.getMessage().contains("IncorrectKeyException"), e.getMessage());
    }

    @Test
    void encryptWhenKmsAnswers500ThenUnavailableAndNothingProducedOrCached() {
        EnvelopeEncryptor encryptor = EnvelopeEncryptor.withDefaultCache(provider,
                ManualClock.at("2025-01-01T00:00:00Z"), new SecureRandom());
        kms.setAvailable(false);
        byte[][] produced = new byte[1][];
        EncryptionUnavailableException e = assertThrows(EncryptionUnavailableException.class,
                () -> produced[0] = encryptor.encrypt(SECRET, ACME_TOTP));
        assertEquals(null, produced[0]);
        assertEquals("KMS GenerateDataKey failed (KMSInternalException, HTTP 500)", e.getMessage());
        kms.setAvailable(true);
        byte[] ciphertext = encryptor.encrypt(SECRET, ACME_TOTP);
        assertEquals(2, kms.calls("GenerateDataKey"), "the failed call left no key in the cache");
        assertArrayEquals(SECRET, encryptor.decrypt(ciphertext, ACME_TOTP));
    }

    @Test
    void decryptWhenKmsUnavailableThenUnavailableNotIntegrityFailure() {
        EnvelopeEncryptor encryptor = new EnvelopeEncryptor(provider, new SecureRandom());
        byte[] ciphertext = encryptor.encrypt(SECRET, ACME_TOTP);
        kms.setAvailable(false);
        assertThrows(EncryptionUnavailableException.class, () -> encryptor.decrypt(ciphertext, ACME_TOTP));
    }

    @Test
    void generateDataKeyWhenKmsStoppedThenUnavailableWithCause() {
        kms.close();
        EncryptionUnavailableException e = assertThrows(EncryptionUnavailableException.class,
                () -> provider.generateDataKey(ACME_TOTP));
        assertTrue(e.getMessage().startsWith("KMS GenerateDataKey failed ("), e.getMessage());
        assertTrue(e.getCause() != null, "the SDK failure is kept as the cause");
    }

    @Test
    void generateDataKeyWhenUnknownKeyThenUnavailable() {
        KmsDataKeyProvider missing = new KmsDataKeyProvider(client, "alias/missing");
        EncryptionUnavailableException e = assertThrows(EncryptionUnavailableException.class,
                () -> missing.generateDataKey(ACME_TOTP));
        assertEquals("KMS GenerateDataKey failed (NotFoundException, HTTP 400)", e.getMessage());
    }

    @Test
    void exceptionsAndToStringWhenKeysInvolvedThenNoKeyMaterial() {
        DataKey key = provider.generateDataKey(ACME_TOTP);
        kms.setAvailable(false);
        String text = provider + " " + key + " "
                + assertThrows(EncryptionUnavailableException.class, () -> provider.generateDataKey(ACME_TOTP)).getMessage();
        LocalKeyRingTest.assertHidden(text, key.plaintext());
        assertFalse(text.contains(Base64.getEncoder().encodeToString(key.wrapped())), text);
    }
}
