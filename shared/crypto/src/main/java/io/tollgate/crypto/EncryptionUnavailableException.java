package io.tollgate.crypto;

/**
 * The master key could not be used right now: KMS unreachable, throttled, key disabled or
 * access denied. Nothing was encrypted or decrypted; retrying later may succeed. Callers map it
 * to {@code 503 service_unavailable}.
 *
 * <p>The message names the operation and the AWS error code only, never key material or data.
 */
public final class EncryptionUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public EncryptionUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
