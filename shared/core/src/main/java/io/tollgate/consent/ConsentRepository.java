package io.tollgate.consent;

import io.tollgate.storage.Attributes;
import io.tollgate.storage.Keys;
import io.tollgate.storage.PartitionQueries;
import io.tollgate.storage.TableNames;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Consent items in the identity table (ADR 0068): {@code CONSENT#<purpose>} in the user's partition
 * ({@link Keys#consent}), next to the user's factors, so they are listed with one query and go
 * with the account's other items when it is deleted or erased.
 */
public final class ConsentRepository {

    private final DynamoDbClient dynamoDb;
    private final TableNames tables;

    public ConsentRepository(DynamoDbClient dynamoDb, TableNames tables) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.tables = Objects.requireNonNull(tables, "tables");
    }

    /** Every consent record of the user, by purpose id. */
    public Map<String, ConsentRecord> list(String tenantId, String userId) {
        Map<String, ConsentRecord> out = new HashMap<>();
        for (Map<String, AttributeValue> item : PartitionQueries.withPrefix(dynamoDb, tables.identity(),
                Keys.userSessionsPartition(tenantId, userId), Keys.CONSENT_PREFIX)) {
            ConsentRecord record = record(item);
            out.put(record.purpose(), record);
        }
        return out;
    }

    /**
     * Writes {@code next} on condition that the stored record is still {@code previous} (same
     * revision), or that there is none when {@code previous} is empty; false when another change
     * came first, and nothing is written.
     */
    public boolean write(String tenantId, String userId, Optional<ConsentRecord> previous, ConsentRecord next) {
        Map<String, AttributeValue> item = new HashMap<>(Keys.consent(tenantId, userId, next.purpose()));
        item.put("purpose", Attributes.s(next.purpose()));
        item.put("version", Attributes.n(next.version()));
        item.put("granted", Attributes.bool(next.granted()));
        item.put("changed_at", Attributes.epochMillis(next.changedAt()));
        item.put("revision", Attributes.n(next.revision()));
        try {
            dynamoDb.putItem(r -> {
                r.tableName(tables.identity()).item(item);
                if (previous.isEmpty()) {
                    r.conditionExpression("attribute_not_exists(#pk)").expressionAttributeNames(Map.of("#pk", Keys.PK));
                } else {
                    r.conditionExpression("revision = :revision")
                            .expressionAttributeValues(Map.of(":revision", Attributes.n(previous.get().revision())));
                }
            });
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private static ConsentRecord record(Map<String, AttributeValue> item) {
        return new ConsentRecord(Attributes.requiredString(item, "purpose"),
                Attributes.number(item, "version").orElse(0L).intValue(),
                Boolean.TRUE.equals(item.getOrDefault("granted", Attributes.bool(false)).bool()),
                Attributes.instantMillis(item, "changed_at").orElse(Instant.EPOCH),
                Attributes.number(item, "revision").orElse(0L));
    }
}
