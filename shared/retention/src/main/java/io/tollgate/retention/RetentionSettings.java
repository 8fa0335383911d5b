package io.tollgate.retention;

import io.tollgate.storage.Attributes;
import io.tollgate.storage.Keys;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Per-tenant retention overrides and legal holds in the identity table, next to the tenant item:
 *
 * <pre>
 *   pk          sk                        item
 *   TENANT#t    RETENTION#OVERRIDES       days: {class id: N}, updated_at
 *   TENANT#t    LEGAL_HOLD#TENANT         reason, placed_at, placed_by
 *   TENANT#t    LEGAL_HOLD#USER#&lt;id&gt;      reason, placed_at, placed_by
 * </pre>
 *
 * The tenant id leads every key. Overrides are validated against the policy before they are
 * written ({@link TenantRetention#validateOverrides}).
 */
public final class RetentionSettings {

    static final String OVERRIDES_SK = "RETENTION#OVERRIDES";
    static final String HOLD_PREFIX = "LEGAL_HOLD#";
    static final String TENANT_HOLD_SK = HOLD_PREFIX + "TENANT";
    static final String USER_HOLD_PREFIX = HOLD_PREFIX + "USER#";

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final RetentionPolicy policy;
    private final Clock clock;

    public RetentionSettings(DynamoDbClient dynamoDb, String identityTable, RetentionPolicy policy, Clock clock) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.table = Objects.requireNonNull(identityTable, "identityTable");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The tenant's overrides and holds (strongly consistent: a hold placed now stops the next purge). */
    public TenantRetention read(String tenantId) {
        Map<String, Integer> overrides = new HashMap<>();
        boolean tenantHold = false;
        Set<String> users = new HashSet<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = dynamoDb.query(r -> {
                r.tableName(table).consistentRead(true)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :hold)")
                        .expressionAttributeValues(Map.of(":pk", Attributes.s(Keys.tenantPartition(tenantId)),
                                ":hold", Attributes.s(HOLD_PREFIX)));
                if (from != null) {
                    r.exclusiveStartKey(from);
                }
            });
            for (Map<String, AttributeValue> item : page.items()) {
                String sk = Attributes.requiredString(item, Keys.SK);
                if (sk.equals(TENANT_HOLD_SK)) {
                    tenantHold = true;
                } else if (sk.startsWith(USER_HOLD_PREFIX)) {
                    users.add(sk.substring(USER_HOLD_PREFIX.length()));
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(table).consistentRead(true)
                .key(key(tenantId, OVERRIDES_SK))).item();
        if (item != null && item.containsKey("days") && item.get("days").hasM()) {
            item.get("days").m().forEach((id, days) -> overrides.put(id, Integer.parseInt(days.n())));
        }
        return new TenantRetention(tenantId, overrides, tenantHold, users);
    }

    /** Replaces the tenant's overrides after validating them (400 naming each bad field, nothing written). */
    public Map<String, Integer> putOverrides(String tenantId, Map<String, ?> requested) {
        Map<String, Integer> valid = TenantRetention.validateOverrides(policy, requested);
        Map<String, AttributeValue> days = new HashMap<>();
        valid.forEach((id, n) -> days.put(id, Attributes.n(n)));
        Map<String, AttributeValue> item = new HashMap<>(key(tenantId, OVERRIDES_SK));
        item.put("days", AttributeValue.fromM(days));
        item.put("policy_version", Attributes.n(policy.version()));
        item.put("updated_at", Attributes.s(clock.instant().toString()));
        dynamoDb.putItem(r -> r.tableName(table).item(item));
        return valid;
    }

    /** Places a legal hold on the whole tenant (idempotent). */
    public void holdTenant(String tenantId, String reason, String placedBy) {
        putHold(tenantId, TENANT_HOLD_SK, reason, placedBy);
    }

    /** Places a legal hold on one user of the tenant (idempotent). */
    public void holdUser(String tenantId, String userId, String reason, String placedBy) {
        putHold(tenantId, USER_HOLD_PREFIX + userId, reason, placedBy);
    }

    public void releaseTenant(String tenantId) {
        dynamoDb.deleteItem(r -> r.tableName(table).key(key(tenantId, TENANT_HOLD_SK)));
    }

    public void releaseUser(String tenantId, String userId) {
        dynamoDb.deleteItem(r -> r.tableName(table).key(key(tenantId, USER_HOLD_PREFIX + userId)));
    }

    private void putHold(String tenantId, String sk, String reason, String placedBy) {
        Map<String, AttributeValue> item = new HashMap<>(key(tenantId, sk));
        item.put("reason", Attributes.s(Objects.requireNonNull(reason, "reason")));
        item.put("placed_by", Attributes.s(Objects.requireNonNull(placedBy, "placedBy")));
        item.put("placed_at", Attributes.s(clock.instant().toString()));
        try {
            dynamoDb.putItem(r -> r.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)"));
        } catch (ConditionalCheckFailedException alreadyHeld) {
            // the first hold (its reason and time) stays
        }
    }

    private static Map<String, AttributeValue> key(String tenantId, String sk) {
        return Map.of(Keys.PK, Attributes.s(Keys.tenantPartition(tenantId)), Keys.SK, Attributes.s(sk));
    }
}
