package io.tollgate.token;

/**
 * Where the signing key set lives: Secrets Manager in production
 * ({@link SecretsManagerSigningKeyStore}), a file or memory in the local runtime
 * ({@link LocalSigningKeyStore}). Implementations cache and are thread-safe.
 */
public interface SigningKeyStore {

    /** The key set in force now, with private keys. */
    SigningKeySet signingKeys();
}
