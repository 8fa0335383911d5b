package io.tollgate.audit.chain;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Objects;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.GetPublicKeyResponse;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;

/**
 * Digest signatures by a KMS asymmetric key ({@code KeySpec: ECC_NIST_P256},
 * {@code KeyUsage: SIGN_VERIFY}): {@code kms:Sign} with {@code ECDSA_SHA_256} over the raw digest
 * payload; verification with the key's public key, fetched once by {@code kms:GetPublicKey} and
 * checked locally (no KMS call per digest; anyone holding the public key can verify too).
 *
 * <p>Only the configured key is trusted: a digest naming another key id fails verification
 * rather than making this class fetch an attacker-chosen key. IAM needs {@code kms:Sign} (the
 * digest job) or {@code kms:GetPublicKey} (verification) on this key only.
 */
public final class KmsDigestSigner implements DigestSigner {

    private final KmsClient kms;
    private final String configuredKeyId;
    private volatile Loaded loaded;

    private record Loaded(String keyArn, PublicKey publicKey) {
    }

    /**
     * @param kms   a client created once per container
     * @param keyId the signing key's id, ARN or alias ARN
     */
    public KmsDigestSigner(KmsClient kms, String keyId) {
        this.kms = Objects.requireNonNull(kms, "kms");
        this.configuredKeyId = Objects.requireNonNull(keyId, "keyId");
        if (keyId.isBlank()) {
            throw new IllegalArgumentException("keyId must not be blank");
        }
    }

    /** The key's ARN, as KMS names it (fetched with its public key on first use). */
    @Override
    public String keyId() {
        return load().keyArn();
    }

    @Override
    public byte[] sign(byte[] message) {
        try {
            return kms.sign(r -> r.keyId(configuredKeyId).message(SdkBytes.fromByteArray(message))
                    .messageType(MessageType.RAW).signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256))
                    .signature().asByteArray();
        } catch (SdkException e) {
            throw new IllegalStateException("KMS Sign failed (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    @Override
    public boolean verify(byte[] message, byte[] signature, String keyId) {
        Loaded key = load();
        // Configured by its ARN (as template.yaml does), both names are the same string.
        if (!key.keyArn().equals(keyId) && !configuredKeyId.equals(keyId)) {
            return false;
        }
        return LocalDigestSigner.EcdsaVerification.verify(key.publicKey(), message, signature);
    }

    private Loaded load() {
        Loaded current = loaded;
        if (current == null) {
            GetPublicKeyResponse response;
            try {
                response = kms.getPublicKey(r -> r.keyId(configuredKeyId));
            } catch (SdkException e) {
                throw new IllegalStateException("KMS GetPublicKey failed (" + e.getClass().getSimpleName() + ")", e);
            }
            if (!response.signingAlgorithms().contains(SigningAlgorithmSpec.ECDSA_SHA_256)) {
                throw new IllegalStateException("The digest signing key does not support ECDSA_SHA_256");
            }
            try {
                PublicKey publicKey = KeyFactory.getInstance("EC")
                        .generatePublic(new X509EncodedKeySpec(response.publicKey().asByteArray()));
                current = new Loaded(response.keyId(), publicKey);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("KMS returned an unreadable public key", e);
            }
            loaded = current;
        }
        return current;
    }

    @Override
    public String toString() {
        return "KmsDigestSigner[keyId=" + configuredKeyId + "]";
    }
}
