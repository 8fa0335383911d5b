package io.tollgate.detection;

import io.tollgate.settings.AnomalySettings;
import io.tollgate.settings.SecuritySettings;
import io.tollgate.storage.Keys;
import io.tollgate.tenant.Tenant;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The {@code anomaly} thresholds of a tenant, read from its tenant item and kept for
 * {@link #MAX_AGE} (a settings change applies within a minute); a tenant without an item (the
 * platform's own events) gets the container's defaults.
 */
public final class TenantAnomalySettings implements Function<String, AnomalySettings> {

    static final Duration MAX_AGE = Duration.ofSeconds(60);
    private static final int MAX_ENTRIES = 10_000;

    private record Cached(AnomalySettings settings, Instant loadedAt) {
    }

    private final DynamoDbClient dynamoDb;
    private final String identityTable;
    private final SecuritySettings defaults;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public TenantAnomalySettings(DynamoDbClient dynamoDb, String identityTable, SecuritySettings defaults, Clock clock) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.identityTable = Objects.requireNonNull(identityTable, "identityTable");
        this.defaults = Objects.requireNonNull(defaults, "defaults");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public AnomalySettings apply(String tenantId) {
        Instant now = clock.instant();
        Cached cached = cache.get(tenantId);
        if (cached == null || !cached.loadedAt().plus(MAX_AGE).isAfter(now)) {
            if (cache.size() >= MAX_ENTRIES) {
                cache.clear();
            }
            cached = new Cached(load(tenantId), now);
            cache.put(tenantId, cached);
        }
        return cached.settings();
    }

    private AnomalySettings load(String tenantId) {
        if (!Tenant.ID.matcher(tenantId).matches()) {
            return defaults.anomaly();
        }
        Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(identityTable).key(Keys.tenant(tenantId))).item();
        return item == null || item.isEmpty() ? defaults.anomaly() : Tenant.fromItem(item).settings().anomaly();
    }
}
