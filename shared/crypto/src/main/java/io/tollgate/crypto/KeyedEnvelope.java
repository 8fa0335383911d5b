package io.tollgate.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * Envelope format version 2 (ADR 0010, ADR 0027): AES-256-GCM under a key that is <em>not</em>
 * carried in the value but held elsewhere and named in the header — a per-data-subject key
 * ("subject key"), so destroying that one key makes every value sealed under it unreadable
 * (crypto-shredding) without touching the values themselves.
 *
 * <pre>
 *   offset  size  field
 *   0       1     version = 0x02
 *   1       1     n = length of the key name (1..255, ASCII)
 *   2       n     key name (which key sealed the value, e.g. the subject's id)
 *   2+n     12    nonce (random)
 *   14+n    rest  ciphertext, then the 16-byte tag
 * </pre>
 * The additional authenticated data is the header (version, name, nonce) followed by the canonical
 * encoding of the {@link EncryptionContext}, exactly as in version 1: a value moved to another
 * subject, tenant or purpose fails with {@link CiphertextIntegrityException}. Version 1 values
 * ({@link EnvelopeEncryptor}) are unaffected; each reader rejects the other's version byte.
 * Immutable and thread-safe.
 */
public final class KeyedEnvelope {

    /** The version byte of this format. */
    public static final byte VERSION = 2;
    /** Longest key name, in bytes. */
    public static final int MAX_NAME = 255;

    private final SecureRandom random;

    public KeyedEnvelope(SecureRandom random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    /** Seals {@code plaintext} under the 32-byte {@code key} named {@code keyName}. */
    public byte[] seal(byte[] key, String keyName, byte[] plaintext, EncryptionContext context) {
        Objects.requireNonNull(plaintext, "plaintext");
        requireKey(key);
        byte[] name = name(keyName);
        byte[] nonce = new byte[AesGcm.NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] header = ByteBuffer.allocate(2 + name.length + nonce.length).put(VERSION).put((byte) name.length)
                .put(name).put(nonce).array();
        byte[] sealed = AesGcm.seal(key, nonce, aad(header, context), plaintext);
        return ByteBuffer.allocate(header.length + sealed.length).put(header).put(sealed).array();
    }

    /**
     * The name of the key that sealed {@code value}.
     *
     * @throws CiphertextIntegrityException if it is not a version 2 value
     */
    public static String keyName(byte[] value) {
        Objects.requireNonNull(value, "value");
        if (value.length < 2 || value[0] != VERSION) {
            throw new CiphertextIntegrityException("Not a version 2 envelope");
        }
        int n = value[1] & 0xFF;
        if (n == 0 || value.length < 2 + n + AesGcm.NONCE_BYTES + AesGcm.TAG_BYTES) {
            throw new CiphertextIntegrityException("Envelope is truncated or its key name length is invalid");
        }
        return new String(value, 2, n, StandardCharsets.US_ASCII);
    }

    /**
     * Opens a value sealed by {@link #seal} with the same key and context.
     *
     * @throws CiphertextIntegrityException if it is malformed, altered, or for another key or context
     */
    public byte[] open(byte[] key, byte[] value, EncryptionContext context) {
        requireKey(key);
        String name = keyName(value);
        int headerLength = 2 + name.length() + AesGcm.NONCE_BYTES;
        byte[] header = Arrays.copyOfRange(value, 0, headerLength);
        byte[] nonce = Arrays.copyOfRange(value, headerLength - AesGcm.NONCE_BYTES, headerLength);
        byte[] sealed = Arrays.copyOfRange(value, headerLength, value.length);
        return AesGcm.open(key, nonce, aad(header, context), sealed, "Envelope");
    }

    private static void requireKey(byte[] key) {
        if (key == null || key.length != DataKey.KEY_BYTES) {
            throw new IllegalArgumentException("key must be " + DataKey.KEY_BYTES + " bytes");
        }
    }

    private static byte[] name(String keyName) {
        Objects.requireNonNull(keyName, "keyName");
        byte[] name = keyName.getBytes(StandardCharsets.US_ASCII);
        if (name.length == 0 || name.length > MAX_NAME || !keyName.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
            throw new IllegalArgumentException("key name must be 1 to " + MAX_NAME + " printable ASCII characters");
        }
        return name;
    }

    private static byte[] aad(byte[] header, EncryptionContext context) {
        Objects.requireNonNull(context, "context");
        byte[] canonical = context.canonicalBytes();
        return ByteBuffer.allocate(header.length + canonical.length).put(header).put(canonical).array();
    }
}
