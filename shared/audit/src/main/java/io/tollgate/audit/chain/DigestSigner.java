package io.tollgate.audit.chain;

/**
 * Signs and verifies the periodic digests of the audit chains (docs/contract.md §Audit, detection, retention, ADR 0015): in AWS a KMS
 * asymmetric key ({@link KmsDigestSigner}, ECC_NIST_P256, the private key never leaves KMS), locally
 * an EC P-256 key pair ({@link LocalDigestSigner}). Signatures are ECDSA with SHA-256, DER-encoded
 * (the form KMS returns and {@code SHA256withECDSA} reads). Thread-safe.
 */
public interface DigestSigner {

    /** The signing algorithm name recorded in each digest (the KMS name). */
    String ALGORITHM = "ECDSA_SHA_256";

    /** The id of the key {@link #sign} uses, recorded in each digest. */
    String keyId();

    /** The signature of {@code message}. */
    byte[] sign(byte[] message);

    /**
     * Whether {@code signature} is a valid signature of {@code message} by the key {@code keyId}.
     * A key this signer does not trust is {@code false}, never fetched from elsewhere.
     */
    boolean verify(byte[] message, byte[] signature, String keyId);
}
