package io.tollgate.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.crypto.CiphertextIntegrityException;
import io.tollgate.crypto.EnvelopeEncryptor;
import io.tollgate.crypto.LocalKeyRing;
import io.tollgate.storage.Attributes;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class EmailProtectionTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private final EnvelopeEncryptor encryptor = EnvelopeEncryptor.withDefaultCache(LocalKeyRing.inMemory(RANDOM),
            Clock.systemUTC(), RANDOM);
    private final EmailProtection protection = new EmailProtection(encryptor, key(1));

    private static byte[] key(int seed) {
        byte[] key = new byte[32];
        java.util.Arrays.fill(key, (byte) seed);
        return key;
    }

    @Test
    void attributesWhenStoredThenNoClearAddressAndDecryptsBack() {
        Map<String, AttributeValue> stored = protection.attributes("acme", "u-alice", "Alice@Example.com");
        assertEquals(2, stored.size());
        stored.values().forEach(v -> assertFalse(v.s().toLowerCase().contains("alice"), v.s()));
        assertEquals(Optional.of("Alice@Example.com"), protection.email("acme", userItem("u-alice", stored)));
        assertEquals(Optional.empty(), protection.email("acme", Map.of()));
    }

    @Test
    void blindIndexWhenCaseOrSpacingDiffersThenSameAndWhenAddressTenantOrKeyDiffersThenDifferent() {
        String index = protection.blindIndex("acme", "alice@example.com");
        assertEquals(index, protection.blindIndex("acme", "  ALICE@example.COM "));
        assertEquals(43, index.length(), "256 bits, base64url without padding");
        assertNotEquals(index, protection.blindIndex("acme", "alicia@example.com"));
        assertNotEquals(index, protection.blindIndex("globex", "alice@example.com"), "the tenant is inside the MAC");
        assertNotEquals(index, new EmailProtection(encryptor, key(2)).blindIndex("acme", "alice@example.com"),
                "without the key the index cannot be recomputed");
    }

    @Test
    void emailWhenCiphertextCopiedToAnotherTenantThenRefused() {
        Map<String, AttributeValue> stored = userItem("u-alice", protection.attributes("acme", "u-alice", "alice@example.com"));
        assertThrows(CiphertextIntegrityException.class, () -> protection.email("globex", stored));
        stored.put(EmailProtection.CIPHERTEXT, Attributes.s("AAAA" + stored.get(EmailProtection.CIPHERTEXT).s()));
        assertThrows(RuntimeException.class, () -> protection.email("acme", stored));
    }

    /** A user item: the stored attributes with the user id they belong to. */
    private static Map<String, AttributeValue> userItem(String userId, Map<String, AttributeValue> stored) {
        Map<String, AttributeValue> item = new HashMap<>(stored);
        item.put("user_id", Attributes.s(userId));
        return item;
    }

    @Test
    void emailWhenCiphertextCopiedToAnotherUserOfTheTenantThenRefused() {
        Map<String, AttributeValue> alices = protection.attributes("acme", "u-alice", "alice@example.com");
        assertThrows(CiphertextIntegrityException.class, () -> protection.email("acme", userItem("u-bob", alices)),
                "the user id is in the encryption context");
    }

    @Test
    void readWhenWrittenBeforeTheUserBoundContextThenDecryptsAndIsFlaggedForReEncryption() {
        String legacy = encryptor.encryptToBase64("alice@example.com",
                new io.tollgate.crypto.EncryptionContext("acme", EmailProtection.PURPOSE));
        Map<String, AttributeValue> item = userItem("u-alice", Map.of(EmailProtection.CIPHERTEXT, Attributes.s(legacy)));
        var read = EmailProtection.read(encryptor, "acme", item).orElseThrow();
        assertEquals("alice@example.com", read.value());
        assertTrue(read.legacy());
        assertFalse(EmailProtection.read(encryptor, "acme", userItem("u-alice",
                protection.attributes("acme", "u-alice", "alice@example.com"))).orElseThrow().legacy());
    }

    @Test
    void constructWhenKeyShorterThan128BitsThenRefused() {
        assertThrows(IllegalArgumentException.class, () -> new EmailProtection(encryptor, new byte[15]));
        assertTrue(protection.toString().contains("<key>"));
    }
}
