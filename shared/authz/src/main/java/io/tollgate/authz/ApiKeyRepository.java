package io.tollgate.authz;

import io.tollgate.storage.Attributes;
import io.tollgate.storage.Keys;
import io.tollgate.storage.PartitionQueries;
import io.tollgate.storage.TableNames;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * API keys in DynamoDB: a look-up item by public prefix in the security table (what the
 * authorizer reads: digest, owner, tenant, roles, status, expiry) and the owner's copy under the
 * tenant in the identity table (what {@code GET /v1/me/api-keys} lists). Both are written and
 * revoked in one transaction; only the SHA-256 of a key is ever stored.
 *
 * <p>The per-user limit is a counter item of active keys changed in the same transactions
 * (ADR 0054): a create adds one on condition that the count is below the limit, a revoke takes one
 * away, so concurrent creates can never pass the limit. Users whose keys predate the counter get it
 * seeded from their active keys on their first create.
 */
public final class ApiKeyRepository {

    /** Last-use time is written at most this often per key. */
    public static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);

    private static final String ACTIVE_COUNT = "active_keys";

    private final DynamoDbClient dynamoDb;
    private final TableNames tables;
    private final Clock clock;

    public ApiKeyRepository(DynamoDbClient dynamoDb, TableNames tables, Clock clock) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.tables = Objects.requireNonNull(tables, "tables");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** What a key stored before expiries existed is taken to expire at: its creation plus the default lifetime. */
    static final Duration LEGACY_LIFETIME = Duration.ofDays(90);

    /** A stored key as the authorizer and the owner see it (never the secret). */
    public record ApiKeyRecord(String prefix, String sha256, String tenantId, String userId, String organizationId,
            List<String> roles, String name, String status, Instant createdAt, Optional<Instant> lastUsedAt,
            Instant expiresAt, Optional<String> username) {
        public ApiKeyRecord {
            roles = List.copyOf(roles);
            Objects.requireNonNull(expiresAt, "expiresAt");
            Objects.requireNonNull(username, "username");
        }

        /** Not revoked (it may have expired: see {@link #usableAt}). */
        public boolean active() {
            return "ACTIVE".equals(status);
        }

        /** Active and not expired at {@code now}: the authorizer accepts it. */
        public boolean usableAt(Instant now) {
            return active() && expiresAt.isAfter(now);
        }

        /** A copy naming its owner's user name (resolved for keys stored before it was recorded). */
        ApiKeyRecord withUsername(String name) {
            return new ApiKeyRecord(prefix, sha256, tenantId, userId, organizationId, roles, this.name, status,
                    createdAt, lastUsedAt, expiresAt, Optional.of(name));
        }

        public ApiKeys.StoredApiKey stored() {
            return new ApiKeys.StoredApiKey(prefix, sha256);
        }

        static ApiKeyRecord from(Map<String, AttributeValue> item) {
            Instant created = Attributes.instantMillis(item, "created_at").orElse(Instant.EPOCH);
            return new ApiKeyRecord(Attributes.requiredString(item, "prefix"),
                    Attributes.string(item, "sha256").orElse(""),
                    Attributes.requiredString(item, "tenant_id"), Attributes.requiredString(item, "user_id"),
                    Attributes.string(item, "org_id").orElse(null), Attributes.stringList(item, "roles"),
                    Attributes.string(item, "name").orElse(""), Attributes.requiredString(item, "status"),
                    created, Attributes.instantMillis(item, "last_used_at"),
                    Attributes.instantMillis(item, "expires_at").orElse(created.plus(LEGACY_LIFETIME)),
                    Attributes.string(item, "username"));
        }
    }

    /** What {@link #create} did. */
    public enum Created {
        /** Both items written and the owner's count raised. */
        CREATED,
        /** The prefix is taken: generate another key. */
        PREFIX_TAKEN,
        /** The owner already has {@code limit} active keys. */
        LIMIT_REACHED,
        /** Concurrent writes to the owner's counter kept cancelling the transaction: try again later. */
        CONFLICT
    }

    /** How often a create cancelled by a concurrent transaction on the same counter is retried. */
    private static final int CONFLICT_RETRIES = 5;

    /** The owner of a new key, and what it may do until when. */
    public record NewKey(String tenantId, String userId, String username, String organizationId, List<String> roles,
            String name, Instant expiresAt) {
        public NewKey {
            Objects.requireNonNull(tenantId, "tenantId");
            Objects.requireNonNull(userId, "userId");
            Objects.requireNonNull(username, "username");
            roles = List.copyOf(roles);
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(expiresAt, "expiresAt");
        }
    }

    /**
     * Stores a new key unless its owner already has {@code limit} active keys: the look-up item,
     * the owner's copy and the counter in one transaction, so concurrent creates never pass the limit.
     */
    public Created create(ApiKeys.StoredApiKey stored, NewKey key, int limit) {
        boolean seeded = false;
        for (int attempt = 0; attempt < CONFLICT_RETRIES; attempt++) {
            try {
                dynamoDb.transactWriteItems(r -> r.transactItems(createItems(stored, key, limit)));
                return Created.CREATED;
            } catch (TransactionCanceledException e) {
                if (failed(e, 0) || failed(e, 1)) {
                    return Created.PREFIX_TAKEN;
                }
                if (failed(e, 2)) {
                    if (seeded) {
                        return Created.LIMIT_REACHED;
                    }
                    // The count is at the limit, or missing (keys stored before it): seed it if missing, then once more.
                    seedCounter(key.tenantId(), key.userId());
                    seeded = true;
                }
                // Otherwise a concurrent transaction on the same counter (TransactionConflict): again.
            }
        }
        return Created.CONFLICT;
    }

    private List<TransactWriteItem> createItems(ApiKeys.StoredApiKey stored, NewKey key, int limit) {
        Instant now = clock.instant();
        String tenantId = key.tenantId();
        String userId = key.userId();
        String organizationId = key.organizationId();
        List<String> roles = key.roles();
        String name = key.name();
        Map<String, AttributeValue> common = new HashMap<>();
        common.put("prefix", Attributes.s(stored.prefix()));
        common.put("tenant_id", Attributes.s(tenantId));
        common.put("user_id", Attributes.s(userId));
        if (organizationId != null) {
            common.put("org_id", Attributes.s(organizationId));
        }
        common.put("roles", Attributes.strings(roles));
        common.put("name", Attributes.s(name));
        common.put("status", Attributes.s("ACTIVE"));
        common.put("created_at", Attributes.epochMillis(now));
        common.put("expires_at", Attributes.epochMillis(key.expiresAt()));
        common.put("username", Attributes.s(Keys.normaliseUsername(key.username())));
        Map<String, AttributeValue> lookup = new HashMap<>(common);
        lookup.putAll(Keys.apiKey(stored.prefix()));
        lookup.put("sha256", Attributes.s(stored.sha256()));
        Map<String, AttributeValue> owned = new HashMap<>(common);
        owned.putAll(Keys.ownedApiKey(tenantId, userId, stored.prefix()));
        TransactWriteItem count = TransactWriteItem.builder().update(Update.builder().tableName(tables.identity())
                .key(Keys.apiKeyCounter(tenantId, userId))
                .updateExpression("ADD #active :one SET updated_at = :now")
                .conditionExpression("#active < :limit")
                .expressionAttributeNames(Map.of("#active", ACTIVE_COUNT))
                .expressionAttributeValues(Map.of(":one", Attributes.n(1), ":limit", Attributes.n(limit),
                        ":now", Attributes.epochMillis(now))).build()).build();
        return List.of(putNew(tables.security(), lookup), putNew(tables.identity(), owned), count);
    }

    /**
     * Creates the owner's counter from its active keys if it has none (keys stored before the
     * counter); false when a counter already exists.
     */
    private boolean seedCounter(String tenantId, String userId) {
        long active = list(tenantId, userId).stream().filter(ApiKeyRecord::active).count();
        Map<String, AttributeValue> item = new HashMap<>(Keys.apiKeyCounter(tenantId, userId));
        item.put(ACTIVE_COUNT, Attributes.n(active));
        item.put("tenant_id", Attributes.s(tenantId));
        item.put("user_id", Attributes.s(userId));
        try {
            dynamoDb.putItem(r -> r.tableName(tables.identity()).item(item).conditionExpression("attribute_not_exists(#pk)")
                    .expressionAttributeNames(Map.of("#pk", Keys.PK)));
            return true;
        } catch (ConditionalCheckFailedException exists) {
            return false;
        }
    }

    /** The owner's count of active keys as stored (empty when it has no counter yet). */
    public Optional<Long> activeCount(String tenantId, String userId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(tables.identity())
                .key(Keys.apiKeyCounter(tenantId, userId)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Attributes.number(item, ACTIVE_COUNT);
    }

    /** Every key of a tenant (owners' copies, metadata only), active and revoked. */
    public List<ApiKeyRecord> listTenant(String tenantId) {
        return PartitionQueries.withPrefix(dynamoDb, tables.identity(), Keys.tenantPartition(tenantId),
                Keys.ownedApiKeysOfTenantPrefix()).stream().map(ApiKeyRecord::from).toList();
    }

    private static boolean failed(TransactionCanceledException e, int index) {
        return e.hasCancellationReasons() && index < e.cancellationReasons().size()
                && "ConditionalCheckFailed".equals(e.cancellationReasons().get(index).code());
    }

    /**
     * The look-up item of a prefix (consistent read), with its owner's user name (read from the
     * owner's id pointer for keys stored before the name was recorded on the key).
     */
    public Optional<ApiKeyRecord> find(String prefix) {
        Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(tables.security())
                .key(Keys.apiKey(prefix)).consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        ApiKeyRecord key = ApiKeyRecord.from(item);
        if (key.username().isPresent()) {
            return Optional.of(key);
        }
        Map<String, AttributeValue> pointer = dynamoDb.getItem(r -> r.tableName(tables.identity())
                .key(Keys.userId(key.tenantId(), key.userId())).consistentRead(true)).item();
        return Optional.of(pointer == null || !pointer.containsKey("username") ? key
                : key.withUsername(pointer.get("username").s()));
    }

    /** The caller's keys (metadata only), active and revoked. */
    public List<ApiKeyRecord> list(String tenantId, String userId) {
        return PartitionQueries.withPrefix(dynamoDb, tables.identity(), Keys.tenantPartition(tenantId),
                Keys.ownedApiKeyPrefix(userId)).stream().map(ApiKeyRecord::from).toList();
    }

    /**
     * Revokes one of the owner's active keys and lowers the owner's count; false when the owner has
     * no such active key. A count that does not exist yet (keys stored before it) is left alone.
     */
    public boolean revoke(String tenantId, String userId, String prefix) {
        try {
            dynamoDb.transactWriteItems(r -> r.transactItems(revokeItems(tenantId, userId, prefix, true)));
            return true;
        } catch (TransactionCanceledException e) {
            if (failed(e, 0) || !failed(e, 2)) {
                return false;
            }
        }
        try {
            dynamoDb.transactWriteItems(r -> r.transactItems(revokeItems(tenantId, userId, prefix, false)));
            return true;
        } catch (TransactionCanceledException e) {
            return false;
        }
    }

    /** Revokes every active key of the owner; returns the prefixes revoked. */
    public List<String> revokeAll(String tenantId, String userId) {
        List<String> revoked = new ArrayList<>();
        for (ApiKeyRecord key : list(tenantId, userId)) {
            if (key.active() && revoke(tenantId, userId, key.prefix())) {
                revoked.add(key.prefix());
            }
        }
        return List.copyOf(revoked);
    }

    /** Deletes every key of the owner, active or revoked, and its count (account deletion); returns how many keys. */
    public int purgeAll(String tenantId, String userId) {
        int purged = 0;
        for (ApiKeyRecord key : list(tenantId, userId)) {
            if (purge(tenantId, userId, key.prefix())) {
                purged++;
            }
        }
        dynamoDb.deleteItem(r -> r.tableName(tables.identity()).key(Keys.apiKeyCounter(tenantId, userId)));
        return purged;
    }

    private List<TransactWriteItem> revokeItems(String tenantId, String userId, String prefix, boolean counted) {
        Instant now = clock.instant();
        Map<String, String> names = Map.of("#status", "status", "#pk", Keys.PK);
        Map<String, AttributeValue> values = Map.of(":revoked", Attributes.s("REVOKED"), ":active", Attributes.s("ACTIVE"),
                ":now", Attributes.epochMillis(now), ":tenant", Attributes.s(tenantId), ":user", Attributes.s(userId));
        List<TransactWriteItem> items = new ArrayList<>(List.of(
                    TransactWriteItem.builder().update(Update.builder().tableName(tables.security()).key(Keys.apiKey(prefix))
                            .updateExpression("SET #status = :revoked, revoked_at = :now")
                            .conditionExpression("attribute_exists(#pk) AND #status = :active AND tenant_id = :tenant"
                                    + " AND user_id = :user")
                            .expressionAttributeNames(names).expressionAttributeValues(values).build()).build(),
                    TransactWriteItem.builder().update(Update.builder().tableName(tables.identity())
                            .key(Keys.ownedApiKey(tenantId, userId, prefix))
                            .updateExpression("SET #status = :revoked, revoked_at = :now")
                            .conditionExpression("attribute_exists(#pk)")
                            .expressionAttributeNames(names)
                            .expressionAttributeValues(Map.of(":revoked", Attributes.s("REVOKED"), ":now",
                                    Attributes.epochMillis(now))).build()).build()));
        if (counted) {
            items.add(TransactWriteItem.builder().update(Update.builder().tableName(tables.identity())
                    .key(Keys.apiKeyCounter(tenantId, userId))
                    .updateExpression("ADD #active :minus_one SET updated_at = :now")
                    .conditionExpression("attribute_exists(#active)")
                    .expressionAttributeNames(Map.of("#active", ACTIVE_COUNT))
                    .expressionAttributeValues(Map.of(":minus_one", Attributes.n(-1), ":now", Attributes.epochMillis(now)))
                    .build()).build());
        }
        return items;
    }

    /**
     * Deletes both items of one of the owner's keys, active or revoked (account deletion purges
     * at once, seed 000 retention); false when the look-up item is missing or belongs to someone else.
     */
    public boolean purge(String tenantId, String userId, String prefix) {
        try {
            dynamoDb.transactWriteItems(r -> r.transactItems(
                    TransactWriteItem.builder().delete(Delete.builder().tableName(tables.security()).key(Keys.apiKey(prefix))
                            .conditionExpression("attribute_exists(#pk) AND tenant_id = :tenant AND user_id = :user")
                            .expressionAttributeNames(Map.of("#pk", Keys.PK))
                            .expressionAttributeValues(Map.of(":tenant", Attributes.s(tenantId), ":user", Attributes.s(userId)))
                            .build()).build(),
                    TransactWriteItem.builder().delete(Delete.builder().tableName(tables.identity())
                            .key(Keys.ownedApiKey(tenantId, userId, prefix)).build()).build()));
            return true;
        } catch (TransactionCanceledException e) {
            return false;
        }
    }

    /** Records a use, unless one was recorded within {@link #LAST_USED_RESOLUTION}. */
    public void touch(String prefix, Instant now) {
        try {
            dynamoDb.updateItem(r -> r.tableName(tables.security()).key(Keys.apiKey(prefix))
                    .updateExpression("SET last_used_at = :now")
                    .conditionExpression("attribute_exists(#pk) AND (attribute_not_exists(last_used_at) OR last_used_at < :cutoff)")
                    .expressionAttributeNames(Map.of("#pk", Keys.PK))
                    .expressionAttributeValues(Map.of(":now", Attributes.epochMillis(now),
                            ":cutoff", Attributes.epochMillis(now.minus(LAST_USED_RESOLUTION)))));
        } catch (ConditionalCheckFailedException recentlyTouched) {
            // Another container recorded a use within the last minute: nothing to do.
        }
    }

    private static TransactWriteItem putNew(String table, Map<String, AttributeValue> item) {
        return TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
                .conditionExpression("attribute_not_exists(#pk)")
                .expressionAttributeNames(Map.of("#pk", Keys.PK)).build()).build();
    }
}
