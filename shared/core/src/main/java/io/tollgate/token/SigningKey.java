package io.tollgate.token;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One key of the signing key set: its {@code kid}, its state in the rotation life cycle
 * (next → current → previous → retired, docs/contract.md §Tokens and keys) and the key material. The algorithm is
 * fixed by the key (RFC 8725 §3.1), never chosen by a token header.
 *
 * <p>{@code privateKey} is empty where only public keys are loaded (authorizer, jwks).
 */
public record SigningKey(String kid, String algorithm, Status status, Instant createdAt, Instant statusSince,
        PublicKey publicKey, Optional<PrivateKey> privateKey) {

    public enum Status {
        NEXT, CURRENT, PREVIOUS, RETIRED
    }

    public SigningKey {
        Objects.requireNonNull(kid, "kid");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(statusSince, "statusSince");
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(privateKey, "privateKey");
        if (!algorithm.equals("RS256")) {
            throw new IllegalArgumentException("Unsupported signing algorithm " + algorithm);
        }
    }

    /** A key whose status has not changed since it was created. */
    public SigningKey(String kid, String algorithm, Status status, Instant createdAt, PublicKey publicKey,
            Optional<PrivateKey> privateKey) {
        this(kid, algorithm, status, createdAt, createdAt, publicKey, privateKey);
    }

    /** This key moved to {@code newStatus} at {@code since}. */
    public SigningKey withStatus(Status newStatus, Instant since) {
        return new SigningKey(kid, algorithm, newStatus, createdAt, since, publicKey, privateKey);
    }

    /** This key without its private part, as the authorizer and jwks may see it. */
    public SigningKey publicOnly() {
        return new SigningKey(kid, algorithm, status, createdAt, statusSince, publicKey, Optional.empty());
    }

    @Override
    public String toString() {
        return "SigningKey[kid=" + kid + ", algorithm=" + algorithm + ", status=" + status + "]";
    }
}
