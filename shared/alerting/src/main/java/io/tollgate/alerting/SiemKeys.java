package io.tollgate.alerting;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * The HMAC keys of the SIEM webhooks (ADR 0042): one Secrets Manager secret per tenant, named
 * {@code <prefix><tenant id>} (the operator creates it and hands its value to the tenant's SIEM
 * team; it is never a setting and never logged). The secret string's UTF-8 bytes are the key and
 * must be at least 32 bytes. Keys are cached per container for {@code ttl}, so a rotation applies
 * within it; a tenant with no secret has no SIEM forward.
 */
public final class SiemKeys {

    static final int MIN_KEY_BYTES = 32;

    private final Supplier<SecretsManagerClient> secrets;
    private final String prefix;
    private final Clock clock;
    private final Duration ttl;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(Optional<byte[]> key, Instant until) {
    }

    /** @param secrets the container's client, asked for only when a tenant has a webhook */
    public SiemKeys(Supplier<SecretsManagerClient> secrets, String prefix, Clock clock, Duration ttl) {
        this.secrets = Objects.requireNonNull(secrets, "secrets");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
    }

    /** The secret id of a tenant's key. */
    public String secretId(String tenantId) {
        return prefix + tenantId;
    }

    /** The tenant's key; empty when its secret does not exist or is too short to be a key. */
    public Optional<byte[]> key(String tenantId) {
        Instant now = clock.instant();
        Cached cached = cache.get(tenantId);
        if (cached == null || !now.isBefore(cached.until())) {
            cached = new Cached(load(tenantId), now.plus(ttl));
            cache.put(tenantId, cached);
        }
        return cached.key().map(byte[]::clone);
    }

    private Optional<byte[]> load(String tenantId) {
        try {
            String value = secrets.get().getSecretValue(r -> r.secretId(secretId(tenantId))).secretString();
            byte[] key = value == null ? new byte[0] : value.getBytes(StandardCharsets.UTF_8);
            return key.length >= MIN_KEY_BYTES ? Optional.of(key) : Optional.empty();
        } catch (ResourceNotFoundException absent) {
            return Optional.empty();
        }
    }
}
