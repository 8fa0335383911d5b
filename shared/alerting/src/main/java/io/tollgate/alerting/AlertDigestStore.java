package io.tollgate.alerting;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.tollgate.json.Json;
import io.tollgate.storage.Attributes;
import io.tollgate.storage.Keys;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * MEDIUM alerts waiting for their tenant's daily digest (ADR 0042), in the security table: one
 * entry per admitted alert under the tenant's digest partition of the UTC day it was stored, and
 * one index item per day and tenant ({@code pending}, {@code sending}, {@code sent}) so the daily
 * run finds the tenants to mail with one query, never a scan. Everything expires after 30 days.
 */
public final class AlertDigestStore {

    static final Duration KEPT = Duration.ofDays(30);
    /** A {@code sending} claim older than this is taken over (the run that held it died). */
    static final Duration STALE_CLAIM = Duration.ofMinutes(15);
    static final String PENDING = "pending";
    static final String SENDING = "sending";
    static final String SENT = "sent";
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final DynamoDbClient dynamoDb;
    private final String table;

    public AlertDigestStore(DynamoDbClient dynamoDb, String securityTable) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.table = Objects.requireNonNull(securityTable, "securityTable");
    }

    public static LocalDate dayOf(Instant instant) {
        return LocalDate.ofInstant(instant, ZoneOffset.UTC);
    }

    /** Stores {@code alert} (with the repeats its window suppressed before it) for the digest of the day of {@code now}. */
    public void add(Alert alert, long suppressedBefore, Instant now) {
        LocalDate day = dayOf(now);
        Map<String, AttributeValue> entry = new HashMap<>(AlertKeys.digestEntry(alert.tenantId(), day,
                now.toString() + "#" + alert.reference()));
        try {
            entry.put("alert", Attributes.s(Json.mapper().writeValueAsString(alert.wire(suppressedBefore))));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("An alert is not JSON", e);
        }
        entry.put(Keys.TTL, Attributes.epochSeconds(now.plus(KEPT)));
        dynamoDb.putItem(r -> r.tableName(table).item(entry));
        dynamoDb.updateItem(r -> r.tableName(table).key(AlertKeys.digestIndex(day, alert.tenantId()))
                .updateExpression("SET #status = if_not_exists(#status, :pending), tenant_id = :tenant, #ttl = :ttl")
                .expressionAttributeNames(Map.of("#status", "status", "#ttl", Keys.TTL))
                .expressionAttributeValues(Map.of(":pending", Attributes.s(PENDING),
                        ":tenant", Attributes.s(alert.tenantId()), ":ttl", Attributes.epochSeconds(now.plus(KEPT)))));
    }

    /** Tenants whose digest of {@code day} is not sent yet. */
    public List<String> unsentTenants(LocalDate day) {
        List<String> tenants = new ArrayList<>();
        query(QueryRequest.builder().tableName(table).consistentRead(true)
                .keyConditionExpression("#pk = :pk")
                .filterExpression("#status <> :sent")
                .expressionAttributeNames(Map.of("#pk", Keys.PK, "#status", "status"))
                .expressionAttributeValues(Map.of(":pk", Attributes.s(AlertKeys.DIGEST_INDEX_PREFIX + day),
                        ":sent", Attributes.s(SENT))).build(),
                item -> tenants.add(Attributes.requiredString(item, "tenant_id")));
        return tenants;
    }

    /** The digest entries of a tenant and day (as {@link Alert#wire} maps), oldest first. */
    public List<Map<String, Object>> entries(String tenantId, LocalDate day) {
        List<Map<String, Object>> entries = new ArrayList<>();
        query(QueryRequest.builder().tableName(table).consistentRead(true)
                .keyConditionExpression("#pk = :pk")
                .expressionAttributeNames(Map.of("#pk", Keys.PK))
                .expressionAttributeValues(Map.of(":pk", Attributes.s(AlertKeys.digestPartition(tenantId, day)))).build(),
                item -> entries.add(read(Attributes.requiredString(item, "alert"))));
        return entries;
    }

    /** Takes the digest of a tenant and day for sending; false when it is sent or another run holds it. */
    public boolean claim(String tenantId, LocalDate day, Instant now) {
        try {
            dynamoDb.updateItem(r -> r.tableName(table).key(AlertKeys.digestIndex(day, tenantId))
                    .updateExpression("SET #status = :sending, claimed_at = :now")
                    .conditionExpression("#status = :pending OR (#status = :sending AND claimed_at < :stale)")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(Map.of(":sending", Attributes.s(SENDING), ":pending", Attributes.s(PENDING),
                            ":now", Attributes.epochMillis(now), ":stale", Attributes.epochMillis(now.minus(STALE_CLAIM)))));
            return true;
        } catch (ConditionalCheckFailedException taken) {
            return false;
        }
    }

    /** Gives a claimed digest back (its mail failed), so the next run sends it. */
    public void unclaim(String tenantId, LocalDate day) {
        dynamoDb.updateItem(r -> r.tableName(table).key(AlertKeys.digestIndex(day, tenantId))
                .updateExpression("SET #status = :pending")
                .conditionExpression("#status = :sending")
                .expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(Map.of(":pending", Attributes.s(PENDING), ":sending", Attributes.s(SENDING))));
    }

    public void markSent(String tenantId, LocalDate day, int alerts, int recipients, Instant now) {
        dynamoDb.updateItem(r -> r.tableName(table).key(AlertKeys.digestIndex(day, tenantId))
                .updateExpression("SET #status = :sent, sent_at = :now, alerts = :alerts, recipients = :recipients")
                .expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(Map.of(":sent", Attributes.s(SENT), ":now", Attributes.epochMillis(now),
                        ":alerts", Attributes.n(alerts), ":recipients", Attributes.n(recipients))));
    }

    private void query(QueryRequest request, java.util.function.Consumer<Map<String, AttributeValue>> each) {
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest page = start == null ? request : request.toBuilder().exclusiveStartKey(start).build();
            QueryResponse response = dynamoDb.query(page);
            response.items().forEach(each);
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey() : null;
        } while (start != null);
    }

    private static Map<String, Object> read(String json) {
        try {
            return Json.mapper().readValue(json, MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A stored digest entry is not JSON", e);
        }
    }
}
