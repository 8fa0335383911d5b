package io.tollgate.crypto;

/**
 * A ciphertext or wrapped data key failed authentication: it was altered, truncated, has an
 * unknown format version, or is being decrypted under another {@link EncryptionContext} than
 * the one it was encrypted with. Retrying cannot help; callers should treat it as tampering
 * (an internal error plus a HIGH audit event), never return partial data.
 *
 * <p>The message says which check failed, never key material or data.
 */
public final class CiphertextIntegrityException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CiphertextIntegrityException(String message) {
        super(message);
    }

    public CiphertextIntegrityException(String message, Throwable cause) {
        super(message, cause);
    }
}
