package io.tollgate.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;

/**
 * Reads the signing key set from the Secrets Manager secret ({@code AWSCURRENT} version,
 * KMS-encrypted at rest) and caches it for {@code ttl} (default 5 minutes), so a warm Lambda
 * pays no Secrets Manager call per login. A failed refresh keeps serving the cached set until it
 * is twice the ttl old, then fails closed.
 */
public final class SecretsManagerSigningKeyStore implements SigningKeyStore {

    private final SecretsManagerClient client;
    private final String secretId;
    private final Clock clock;
    private final Duration ttl;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Cached cached;

    private record Cached(SigningKeySet keys, Instant loadedAt) {
    }

    public SecretsManagerSigningKeyStore(SecretsManagerClient client, String secretId, Clock clock, Duration ttl) {
        this.client = Objects.requireNonNull(client, "client");
        this.secretId = Objects.requireNonNull(secretId, "secretId");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
    }

    @Override
    public SigningKeySet signingKeys() {
        Cached current = cached;
        Instant now = clock.instant();
        if (current != null && current.loadedAt().plus(ttl).isAfter(now)) {
            return current.keys();
        }
        lock.lock();
        try {
            current = cached;
            if (current != null && current.loadedAt().plus(ttl).isAfter(now)) {
                return current.keys();
            }
            try {
                String secret = client.getSecretValue(GetSecretValueRequest.builder()
                        .secretId(secretId).versionStage("AWSCURRENT").build()).secretString();
                SigningKeySet keys = SigningKeySetCodec.decode(secret, true);
                cached = new Cached(keys, now);
                return keys;
            } catch (RuntimeException e) {
                if (current != null && current.loadedAt().plus(ttl.multipliedBy(2)).isAfter(now)) {
                    return current.keys();
                }
                throw e;
            }
        } finally {
            lock.unlock();
        }
    }
}
