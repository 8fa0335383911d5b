package io.tollgate.user;

import io.tollgate.crypto.EncryptionContext;
import io.tollgate.crypto.EnvelopeEncryptor;
import io.tollgate.storage.Attributes;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.text.Normalizer;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * How a user's e-mail address is stored (docs/contract.md §Encryption and storage, ADR 0046): envelope-encrypted
 * ({@link EnvelopeEncryptor}, context {@code {tenant, user, purpose: user-email}}, ADR 0058: a
 * ciphertext copied onto another user's item does not decrypt; addresses written before the user
 * part still read and are written again with the next write of their item) in {@code email_enc},
 * and found by an HMAC blind index: {@code HMAC-SHA256(indexKey, "tollgate-email-index-v1" | tenant |
 * normalised address)} in {@code email_index} and in the look-up pointer item.
 *
 * <p>The index key is secret (Secrets Manager in AWS): without it, a copy of the table does not
 * allow a dictionary search over likely addresses. The tenant is inside the MAC, so the same address
 * in two tenants has unrelated index values. Normalisation (NFKC, trimmed, lower-case) makes
 * {@code Alice@Example.com} and {@code alice@example.com} the same look-up.
 */
public final class EmailProtection {

    /** Encryption context purpose of an e-mail address. */
    public static final String PURPOSE = "user-email";
    /** The attribute holding the ciphertext (standard Base64). */
    public static final String CIPHERTEXT = "email_enc";
    /** The attribute holding the blind index. */
    public static final String INDEX = "email_index";

    private static final byte[] LABEL = "tollgate-email-index-v1".getBytes(StandardCharsets.US_ASCII);
    private static final int MIN_KEY_BYTES = 16;

    private final EnvelopeEncryptor encryptor;
    private final SecretKeySpec indexKey;

    /**
     * @param indexKey the blind-index key material, at least 128 bits
     */
    public EmailProtection(EnvelopeEncryptor encryptor, byte[] indexKey) {
        this.encryptor = Objects.requireNonNull(encryptor, "encryptor");
        Objects.requireNonNull(indexKey, "indexKey");
        if (indexKey.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("The blind-index key needs at least 128 bits");
        }
        this.indexKey = new SecretKeySpec(indexKey.clone(), "HmacSHA256");
    }

    /** The stored attributes of {@code email} for user {@code userId} of {@code tenantId}: ciphertext and blind index. */
    public Map<String, AttributeValue> attributes(String tenantId, String userId, String email) {
        return Map.of(CIPHERTEXT, Attributes.s(ciphertext(encryptor, tenantId, userId, email)),
                INDEX, Attributes.s(blindIndex(tenantId, email)));
    }

    /** The ciphertext of {@code email} bound to its tenant and user (also to re-encrypt an older one). */
    public static String ciphertext(EnvelopeEncryptor encryptor, String tenantId, String userId, String email) {
        return encryptor.encryptToBase64(email, context(tenantId, userId));
    }

    /** The address of a stored user item, decrypted; empty when it has none. */
    public Optional<String> email(String tenantId, Map<String, AttributeValue> item) {
        return email(encryptor, tenantId, item);
    }

    /** The envelope encryption the addresses are sealed with (reading needs only this). */
    public EnvelopeEncryptor encryptor() {
        return encryptor;
    }

    /**
     * The address of a stored user item through {@code reader}; empty when the item has none. An
     * item that has one and a caller without a reader is a wiring error, not a missing address.
     */
    public static Optional<String> email(Optional<EnvelopeEncryptor> reader, String tenantId,
            Map<String, AttributeValue> item) {
        return read(reader, tenantId, item).map(EnvelopeEncryptor.UserBound::value);
    }

    /** Reading needs only the envelope encryption, not the index key: for functions that never look up. */
    public static Optional<String> email(EnvelopeEncryptor encryptor, String tenantId, Map<String, AttributeValue> item) {
        return read(encryptor, tenantId, item).map(EnvelopeEncryptor.UserBound::value);
    }

    /**
     * The address of a user item and whether its ciphertext predates the user-bound context (then
     * the next write of the item stores it again, ADR 0058); empty when the item has none.
     */
    public static Optional<EnvelopeEncryptor.UserBound<String>> read(EnvelopeEncryptor encryptor, String tenantId,
            Map<String, AttributeValue> item) {
        return Attributes.string(item, CIPHERTEXT).map(ciphertext -> encryptor.decryptUserBoundFromBase64(ciphertext,
                context(tenantId, Attributes.requiredString(item, "user_id"))));
    }

    /** {@link #read(EnvelopeEncryptor, String, Map)} through an optional reader (see {@link #email(Optional, String, Map)}). */
    public static Optional<EnvelopeEncryptor.UserBound<String>> read(Optional<EnvelopeEncryptor> reader, String tenantId,
            Map<String, AttributeValue> item) {
        if (!item.containsKey(CIPHERTEXT)) {
            return Optional.empty();
        }
        return read(reader.orElseThrow(() -> new IllegalStateException("This reader cannot decrypt e-mail addresses")),
                tenantId, item);
    }

    /** The blind index of {@code email} in {@code tenantId}: 256 bits, Base64url without padding. */
    public String blindIndex(String tenantId, String email) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(indexKey);
            mac.update(LABEL);
            mac.update((byte) 0);
            mac.update(tenantId.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            mac.update(normalise(email).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal());
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("Blind-index key rejected", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    static String normalise(String email) {
        return Normalizer.normalize(email, Normalizer.Form.NFKC).strip().toLowerCase(Locale.ROOT);
    }

    private static EncryptionContext context(String tenantId, String userId) {
        return new EncryptionContext(tenantId, PURPOSE, userId);
    }

    @Override
    public String toString() {
        return "EmailProtection[<key>]";
    }
}
