package io.tollgate.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * Envelope encryption of small values (TOTP secrets, e-mail addresses, phone numbers, audit
 * {@code additional_data}): AES-256-GCM under a data key from a {@link DataKeyProvider}, the
 * wrapped data key stored in the ciphertext itself. docs/contract.md §Encryption and storage; format decision in
 * docs/adr/0010-envelope-encryption-format.md.
 *
 * <p>Ciphertext format, version 1 (all lengths big-endian):
 * <pre>
 *   offset  size  field
 *   0       1     version = 0x01
 *   1       2     n = length of the wrapped data key (1..65535)
 *   3       n     wrapped data key (opaque: a KMS CiphertextBlob, or a LocalKeyRing blob)
 *   3+n     12    nonce (96 random bits from the injected SecureRandom)
 *   15+n    rest  AES-256-GCM ciphertext, then the 16-byte tag
 * </pre>
 * The GCM additional authenticated data is the header (bytes {@code 0 .. 15+n}: version, length,
 * wrapped key, nonce) followed by the {@linkplain EncryptionContext canonical encoding} of the
 * context, so altering any byte, or decrypting under another tenant or purpose, fails with
 * {@link CiphertextIntegrityException}. The wrapped key is also bound to the context by KMS.
 *
 * <p>Nonces are random; with the cache bound of {@link DataKeyCachePolicy#maxUses()} (far below
 * 2<sup>32</sup>) per data key the collision probability stays negligible (NIST SP 800-38D §8.3).
 * Immutable and thread-safe.
 */
public final class EnvelopeEncryptor {

    /** The only format version this class writes and reads. */
    public static final byte VERSION = 1;

    private static final int HEADER_FIXED = 1 + 2;
    private static final Base64.Encoder B64 = Base64.getEncoder();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final DataKeyProvider keys;
    private final SecureRandom random;

    /**
     * @param keys   where data keys come from; usually a {@link DataKeyCache} around KMS
     * @param random nonce source, created once per container
     */
    public EnvelopeEncryptor(DataKeyProvider keys, SecureRandom random) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** An encryptor over {@code provider} with a {@link DataKeyCache} of the default bounds. */
    public static EnvelopeEncryptor withDefaultCache(DataKeyProvider provider, Clock clock, SecureRandom random) {
        return new EnvelopeEncryptor(new DataKeyCache(provider, DataKeyCachePolicy.defaults(), clock), random);
    }

    /**
     * Encrypts {@code plaintext} for {@code context}.
     *
     * @throws EncryptionUnavailableException if no data key could be obtained; nothing was produced
     */
    public byte[] encrypt(byte[] plaintext, EncryptionContext context) {
        Objects.requireNonNull(plaintext, "plaintext");
        Objects.requireNonNull(context, "context");
        DataKey dataKey = keys.generateDataKey(context);
        byte[] wrapped = dataKey.wrapped();
        byte[] nonce = new byte[AesGcm.NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] header = ByteBuffer.allocate(HEADER_FIXED + wrapped.length + nonce.length)
                .put(VERSION).putShort((short) wrapped.length).put(wrapped).put(nonce).array();
        byte[] key = dataKey.plaintext();
        try {
            byte[] sealed = AesGcm.seal(key, nonce, aad(header, context), plaintext);
            return ByteBuffer.allocate(header.length + sealed.length).put(header).put(sealed).array();
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /**
     * Decrypts a ciphertext produced by {@link #encrypt} for the same {@code context}.
     *
     * @throws CiphertextIntegrityException   if it is malformed, altered, or for another context
     * @throws EncryptionUnavailableException if the data key could not be unwrapped right now
     */
    public byte[] decrypt(byte[] ciphertext, EncryptionContext context) {
        Objects.requireNonNull(ciphertext, "ciphertext");
        Objects.requireNonNull(context, "context");
        if (ciphertext.length < HEADER_FIXED) {
            throw new CiphertextIntegrityException("Ciphertext is truncated");
        }
        if (ciphertext[0] != VERSION) {
            throw new CiphertextIntegrityException("Unsupported ciphertext version " + (ciphertext[0] & 0xFF));
        }
        int wrappedLength = ((ciphertext[1] & 0xFF) << 8) | (ciphertext[2] & 0xFF);
        int headerLength = HEADER_FIXED + wrappedLength + AesGcm.NONCE_BYTES;
        if (wrappedLength == 0 || ciphertext.length < headerLength + AesGcm.TAG_BYTES) {
            throw new CiphertextIntegrityException("Ciphertext is truncated or its wrapped key length is invalid");
        }
        byte[] header = Arrays.copyOfRange(ciphertext, 0, headerLength);
        byte[] wrapped = Arrays.copyOfRange(ciphertext, HEADER_FIXED, HEADER_FIXED + wrappedLength);
        byte[] nonce = Arrays.copyOfRange(ciphertext, HEADER_FIXED + wrappedLength, headerLength);
        byte[] sealed = Arrays.copyOfRange(ciphertext, headerLength, ciphertext.length);
        byte[] key = keys.decryptDataKey(wrapped, context);
        try {
            return AesGcm.open(key, nonce, aad(header, context), sealed, "Ciphertext");
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /**
     * A value read with {@link #decryptUserBound}: the plaintext, and whether it was written before
     * its context named the user ({@code legacy}), in which case the caller writes it again under
     * the user's context with its next write of the item.
     */
    public record UserBound<T>(T value, boolean legacy) {
        @Override
        public String toString() {
            return "UserBound[<redacted>, legacy=" + legacy + "]";
        }
    }

    /**
     * Decrypts a value bound to {@code context}'s user or, failing that, one written before the
     * context named the user (the same tenant and purpose, no user part; ADR 0058). A value
     * written for another user fails both and is refused.
     *
     * @throws CiphertextIntegrityException   if it decrypts under neither context
     * @throws EncryptionUnavailableException if a data key could not be unwrapped right now
     */
    public UserBound<byte[]> decryptUserBound(byte[] ciphertext, EncryptionContext context) {
        return userBound(context, c -> decrypt(ciphertext, c));
    }

    /** {@link #decryptUserBound} of a {@link #encryptToBase64} value. */
    public UserBound<String> decryptUserBoundFromBase64(String ciphertext, EncryptionContext context) {
        return userBound(context, c -> decryptFromBase64(ciphertext, c));
    }

    private static <T> UserBound<T> userBound(EncryptionContext context,
            java.util.function.Function<EncryptionContext, T> decryption) {
        if (context.user() == null) {
            throw new IllegalArgumentException("A user-bound value needs a context that names the user");
        }
        try {
            return new UserBound<>(decryption.apply(context), false);
        } catch (CiphertextIntegrityException notBoundToTheUser) {
            return new UserBound<>(decryption.apply(new EncryptionContext(context.tenant(), context.purpose())), true);
        }
    }

    /** Encrypts the UTF-8 bytes of {@code plaintext}; returns standard Base64 (RFC 4648 §4, padded). */
    public String encryptToBase64(String plaintext, EncryptionContext context) {
        Objects.requireNonNull(plaintext, "plaintext");
        return B64.encodeToString(encrypt(plaintext.getBytes(StandardCharsets.UTF_8), context));
    }

    /**
     * The inverse of {@link #encryptToBase64}.
     *
     * @throws CiphertextIntegrityException if the input is not Base64, or fails {@link #decrypt}
     */
    public String decryptFromBase64(String ciphertext, EncryptionContext context) {
        Objects.requireNonNull(ciphertext, "ciphertext");
        byte[] raw;
        try {
            raw = B64D.decode(ciphertext);
        } catch (IllegalArgumentException e) {
            throw new CiphertextIntegrityException("Ciphertext is not valid Base64", e);
        }
        byte[] plaintext = decrypt(raw, context);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(plaintext)).toString();
        } catch (CharacterCodingException e) {
            throw new CiphertextIntegrityException("Decrypted value is not UTF-8 text", e);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    @Override
    public String toString() {
        return "EnvelopeEncryptor[keys=" + keys + "]";
    }

    private static byte[] aad(byte[] header, EncryptionContext context) {
        byte[] canonical = context.canonicalBytes();
        return ByteBuffer.allocate(header.length + canonical.length).put(header).put(canonical).array();
    }
}
