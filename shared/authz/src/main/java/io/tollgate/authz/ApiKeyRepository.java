package io.tollgate.authz;

import io.tollgate.storage.Attributes;
import io.tollgate.storage.Keys;
import io.tollgate.storage.PartitionQueries;
import io.tollgate.storage.TableNames;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
 * authorizer reads: digest, owner, tenant, roles, status) and the owner's copy under the tenant in
 * the identity table (what {@code GET /v1/me/api-keys} lists). Both are written and revoked in one
 * transaction; only the SHA-256 of a key is ever stored.
 */
public final class ApiKeyRepository {

    /** Last-use time is written at most this often per key. */
    public static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);

    private final DynamoDbClient dynamoDb;
    private final TableNames tables;
    private final Clock clock;

    public ApiKeyRepository(DynamoDbClient dynamoDb, TableNames tables, Clock clock) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.tables = Objects.requireNonNull(tables, "tables");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A stored key as the authorizer and the owner see it (never the secret). */
    public record ApiKeyRecord(String prefix, String sha256, String tenantId, String userId, String organizationId,
            List<String> roles, String name, String status, Instant createdAt, Optional<Instant> lastUsedAt) {
        public ApiKeyRecord {
            roles = List.copyOf(roles);
        }

        public boolean active() {
            return "ACTIVE".equals(status);
        }

        public ApiKeys.StoredApiKey stored() {
            return new ApiKeys.StoredApiKey(prefix, sha256);
        }

        static ApiKeyRecord from(Map<String, AttributeValue> item) {
            return new ApiKeyRecord(Attributes.requiredString(item, "prefix"),
                    Attributes.string(item, "sha256").orElse(""),
                    Attributes.requiredString(item, "tenant_id"), Attributes.requiredString(item, "user_id"),
                    Attributes.string(item, "org_id").orElse(null), Attributes.stringList(item, "roles"),
                    Attributes.string(item, "name").orElse(""), Attributes.requiredString(item, "status"),
                    Attributes.instantMillis(item, "created_at").orElse(Instant.EPOCH),
                    Attributes.instantMillis(item, "last_used_at"));
        }
    }

    /** Stores a new key; false if its prefix is taken (the caller generates another). */
    public boolean create(ApiKeys.StoredApiKey stored, String tenantId, String userId, String organizationId,
            List<String> roles, String name) {
        Instant now = clock.instant();
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
        Map<String, AttributeValue> lookup = new HashMap<>(common);
        lookup.putAll(Keys.apiKey(stored.prefix()));
        lookup.put("sha256", Attributes.s(stored.sha256()));
        Map<String, AttributeValue> owned = new HashMap<>(common);
        owned.putAll(Keys.ownedApiKey(tenantId, userId, stored.prefix()));
        try {
            dynamoDb.transactWriteItems(r -> r.transactItems(putNew(tables.security(), lookup), putNew(tables.identity(), owned)));
            return true;
        } catch (TransactionCanceledException e) {
            return false;
        }
    }

    /** The look-up item of a prefix (consistent read). */
    public Optional<ApiKeyRecord> find(String prefix) {
        Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(tables.security())
                .key(Keys.apiKey(prefix)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(ApiKeyRecord.from(item));
    }

    /** The caller's keys (metadata only), active and revoked. */
    public List<ApiKeyRecord> list(String tenantId, String userId) {
        return PartitionQueries.withPrefix(dynamoDb, tables.identity(), Keys.tenantPartition(tenantId),
                Keys.ownedApiKeyPrefix(userId)).stream().map(ApiKeyRecord::from).toList();
    }

    /** Revokes one of the owner's active keys; false when the owner has no such active key. */
    public boolean revoke(String tenantId, String userId, String prefix) {
        Instant now = clock.instant();
        Map<String, String> names = Map.of("#status", "status", "#pk", Keys.PK);
        Map<String, AttributeValue> values = Map.of(":revoked", Attributes.s("REVOKED"), ":active", Attributes.s("ACTIVE"),
                ":now", Attributes.epochMillis(now), ":tenant", Attributes.s(tenantId), ":user", Attributes.s(userId));
        try {
            dynamoDb.transactWriteItems(r -> r.transactItems(
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
            return true;
        } catch (TransactionCanceledException e) {
            return false;
        }
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
