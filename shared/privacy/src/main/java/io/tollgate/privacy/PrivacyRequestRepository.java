package io.tollgate.privacy;

import io.tollgate.storage.Attributes;
import io.tollgate.storage.Keys;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Data-subject request items in the identity table, under the tenant's partition
 * ({@code sk = DSR#<id>}; the compliance report counts them there). A request is created once
 * ({@code attribute_not_exists}) and closed once (only while still {@code received}).
 */
public final class PrivacyRequestRepository {

    /** Sort-key prefix of request items (the compliance report reads the same prefix). */
    public static final String PREFIX = "DSR#";

    private final DynamoDbClient dynamoDb;
    private final String table;

    public PrivacyRequestRepository(DynamoDbClient dynamoDb, String identityTable) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.table = Objects.requireNonNull(identityTable, "identityTable");
    }

    static Map<String, AttributeValue> key(String tenantId, String requestId) {
        return Map.of(Keys.PK, Attributes.s(Keys.tenantPartition(tenantId)), Keys.SK, Attributes.s(PREFIX + requestId));
    }

    public void create(PrivacyRequest request) {
        Map<String, AttributeValue> item = new HashMap<>(key(request.tenantId(), request.id()));
        item.put("request_id", Attributes.s(request.id()));
        item.put("tenant_id", Attributes.s(request.tenantId()));
        item.put("subject_id", Attributes.s(request.subjectId()));
        item.put("type", Attributes.s(request.type().wireName()));
        item.put("status", Attributes.s(request.status().wireName()));
        item.put("requested_by", Attributes.s(request.requestedBy()));
        item.put("received_at", Attributes.epochMillis(request.receivedAt()));
        item.put("due_at", Attributes.epochMillis(request.dueAt()));
        dynamoDb.putItem(r -> r.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)"));
    }

    /** Closes a request that is still {@code received}; false if it was closed already. */
    public boolean close(PrivacyRequest request, PrivacyRequest.Status status, Instant at) {
        try {
            dynamoDb.updateItem(r -> r.tableName(table).key(key(request.tenantId(), request.id()))
                    .updateExpression("SET #status = :status, completed_at = :at")
                    .conditionExpression("#status = :received")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(Map.of(":status", Attributes.s(status.wireName()),
                            ":at", Attributes.epochMillis(at), ":received",
                            Attributes.s(PrivacyRequest.Status.RECEIVED.wireName()))));
            return true;
        } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException e) {
            return false;
        }
    }

    public Optional<PrivacyRequest> find(String tenantId, String requestId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(table).key(key(tenantId, requestId))
                .consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new PrivacyRequest(Attributes.requiredString(item, "request_id"),
                Attributes.requiredString(item, "tenant_id"), Attributes.requiredString(item, "subject_id"),
                PrivacyRequest.Type.of(Attributes.requiredString(item, "type")).orElseThrow(),
                PrivacyRequest.Status.valueOf(Attributes.requiredString(item, "status").toUpperCase(java.util.Locale.ROOT)),
                Attributes.requiredString(item, "requested_by"), Attributes.instantMillis(item, "received_at").orElseThrow(),
                Attributes.instantMillis(item, "due_at").orElseThrow(), Attributes.instantMillis(item, "completed_at")));
    }
}
