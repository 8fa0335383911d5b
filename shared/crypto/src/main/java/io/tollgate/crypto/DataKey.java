package io.tollgate.crypto;

import java.util.Objects;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * A 256-bit AES data key as a {@link DataKeyProvider} returns it: the plaintext key, used only
 * in memory, and the same key wrapped (encrypted) by the master key, which is stored next to
 * the data it protects.
 *
 * <p>Immutable: accessors return copies. {@link #toString()} never shows the plaintext key.
 */
public final class DataKey {

    /** Length of every data key, in bytes (AES-256). */
    public static final int KEY_BYTES = 32;

    private final byte[] plaintext;
    private final byte[] wrapped;
    private final String keyId;

    /**
     * @param plaintext the 32-byte key, copied
     * @param wrapped   the key encrypted under the master key, copied; 1 to 65,535 bytes
     * @param keyId     which master key wrapped it (a KMS key ARN, or a local key fingerprint)
     */
    public DataKey(byte[] plaintext, byte[] wrapped, String keyId) {
        Objects.requireNonNull(plaintext, "plaintext");
        Objects.requireNonNull(wrapped, "wrapped");
        this.keyId = Objects.requireNonNull(keyId, "keyId");
        if (plaintext.length != KEY_BYTES) {
            throw new IllegalArgumentException("A data key must be " + KEY_BYTES + " bytes");
        }
        if (wrapped.length == 0 || wrapped.length > 0xFFFF) {
            throw new IllegalArgumentException("A wrapped data key must be 1 to 65535 bytes");
        }
        this.plaintext = plaintext.clone();
        this.wrapped = wrapped.clone();
    }

    /** A copy of the plaintext key. */
    public byte[] plaintext() {
        return plaintext.clone();
    }

    /** The plaintext key as a JCA AES key. */
    public SecretKey secretKey() {
        return new SecretKeySpec(plaintext, "AES");
    }

    /** A copy of the wrapped key. */
    public byte[] wrapped() {
        return wrapped.clone();
    }

    /** The master key that wrapped this key. */
    public String keyId() {
        return keyId;
    }

    @Override
    public String toString() {
        return "DataKey[keyId=" + keyId + ", wrapped=" + wrapped.length + " bytes, plaintext=<redacted>]";
    }
}
