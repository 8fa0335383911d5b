package io.tollgate.crypto;

/**
 * Source of data keys for envelope encryption: a master key that never leaves its home (KMS, or
 * the local key file) wraps and unwraps 256-bit data keys, bound to an {@link EncryptionContext}.
 *
 * <p>Implementations: {@link KmsDataKeyProvider} in AWS, {@link LocalKeyRing} for the local
 * runtime and tests, and {@link DataKeyCache}, which decorates either with bounded reuse.
 * All are thread-safe.
 */
public interface DataKeyProvider {

    /**
     * A data key for encrypting data in {@code context}. A caching provider may return a key it
     * has already handed out, within its documented bounds.
     *
     * @throws EncryptionUnavailableException if the master key cannot be reached or used
     */
    DataKey generateDataKey(EncryptionContext context);

    /**
     * Unwraps a data key previously returned by {@link #generateDataKey} for the same context.
     *
     * @return the 32-byte plaintext key (the caller owns the array)
     * @throws CiphertextIntegrityException   if {@code wrapped} was altered, belongs to another
     *                                        master key, or was wrapped for another context
     * @throws EncryptionUnavailableException if the master key cannot be reached or used
     */
    byte[] decryptDataKey(byte[] wrapped, EncryptionContext context);
}
