package io.tollgate.crypto;

import java.util.Arrays;
import java.util.Objects;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.IncorrectKeyException;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;
import software.amazon.awssdk.services.kms.model.KmsException;

/**
 * Data keys from AWS KMS (docs/contract.md §Encryption and storage): {@code GenerateDataKey} with {@code KeySpec=AES_256} and
 * {@code Decrypt}, both with the {@link EncryptionContext} as KMS encryption context and with the
 * configured key id, so a wrapped key from another KMS key is refused rather than silently
 * decrypted with it.
 *
 * <p>Failure mapping: {@code InvalidCiphertextException} and {@code IncorrectKeyException} (wrapped
 * key altered, wrong context, wrong key) become {@link CiphertextIntegrityException}; every other
 * SDK failure (network, throttling, 5xx, disabled key, access denied) becomes
 * {@link EncryptionUnavailableException}. Messages carry the operation and the AWS error code,
 * never key material. Retries are the {@link KmsClient}'s configuration.
 *
 * <p>IAM needs {@code kms:GenerateDataKey} and {@code kms:Decrypt} on this key only, ideally with
 * a {@code kms:EncryptionContext:tenant} condition.
 */
public final class KmsDataKeyProvider implements DataKeyProvider {

    private final KmsClient kms;
    private final String keyId;

    /**
     * @param kms   a client created once per container
     * @param keyId the KMS key id, ARN, or alias ARN
     */
    public KmsDataKeyProvider(KmsClient kms, String keyId) {
        this.kms = Objects.requireNonNull(kms, "kms");
        this.keyId = Objects.requireNonNull(keyId, "keyId");
        if (keyId.isBlank()) {
            throw new IllegalArgumentException("keyId must not be blank");
        }
    }

    @Override
    public DataKey generateDataKey(EncryptionContext context) {
        Objects.requireNonNull(context, "context");
        GenerateDataKeyResponse response;
        try {
            response = kms.generateDataKey(request -> request
                    .keyId(keyId)
                    .keySpec(DataKeySpec.AES_256)
                    .encryptionContext(context.asKmsContext()));
        } catch (SdkException e) {
            throw unavailable("GenerateDataKey", e);
        }
        byte[] plaintext = bytes(response.plaintext());
        byte[] wrapped = bytes(response.ciphertextBlob());
        try {
            if (plaintext.length != DataKey.KEY_BYTES || wrapped.length == 0) {
                throw new EncryptionUnavailableException("KMS GenerateDataKey returned an unexpected response", null);
            }
            return new DataKey(plaintext, wrapped, response.keyId() == null ? keyId : response.keyId());
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    @Override
    public byte[] decryptDataKey(byte[] wrapped, EncryptionContext context) {
        Objects.requireNonNull(wrapped, "wrapped");
        Objects.requireNonNull(context, "context");
        DecryptResponse response;
        try {
            response = kms.decrypt(request -> request
                    .keyId(keyId)
                    .ciphertextBlob(SdkBytes.fromByteArray(wrapped))
                    .encryptionContext(context.asKmsContext()));
        } catch (InvalidCiphertextException | IncorrectKeyException e) {
            throw new CiphertextIntegrityException("KMS Decrypt refused the wrapped data key ("
                    + errorCode(e) + "): altered, or another key or encryption context", e);
        } catch (SdkException e) {
            throw unavailable("Decrypt", e);
        }
        byte[] plaintext = bytes(response.plaintext());
        if (plaintext.length != DataKey.KEY_BYTES) {
            Arrays.fill(plaintext, (byte) 0);
            throw new CiphertextIntegrityException("KMS Decrypt returned a key of the wrong length");
        }
        return plaintext;
    }

    @Override
    public String toString() {
        return "KmsDataKeyProvider[keyId=" + keyId + "]";
    }

    private static EncryptionUnavailableException unavailable(String operation, SdkException e) {
        return new EncryptionUnavailableException("KMS " + operation + " failed (" + errorCode(e) + ")", e);
    }

    private static String errorCode(SdkException e) {
        if (e instanceof KmsException kms && kms.awsErrorDetails() != null) {
            return kms.awsErrorDetails().errorCode() + ", HTTP " + kms.statusCode();
        }
        return e.getClass().getSimpleName();
    }

    private static byte[] bytes(SdkBytes value) {
        return value == null ? new byte[0] : value.asByteArray();
    }
}
