package io.tollgate.audit.chain;

import io.tollgate.storage.Attributes;
import io.tollgate.storage.Keys;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Erasure of a data subject's request facts from the audit chain (ADR 0061): through the sparse
 * {@code BySubject} index, removes the clear working copies ({@code ip_address}, {@code user_agent})
 * of every chained event about the subject. The hashed values are the sealed copies, which the
 * destroyed subject key makes unreadable, so every hash and digest still verifies. Idempotent: an
 * item already erased has left the index.
 */
public final class SubjectFactsErasure {

    private final DynamoDbClient dynamoDb;
    private final String table;

    public SubjectFactsErasure(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.table = Objects.requireNonNull(table, "table");
    }

    /** Removes the clear request facts of {@code userId}'s events in {@code tenantId}'s chain; returns how many events. */
    public int erase(String tenantId, String userId) {
        String partition = AuditKeys.subjectPartition(tenantId, userId);
        int erased = 0;
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder query = QueryRequest.builder().tableName(table).indexName(AuditKeys.SUBJECT_INDEX)
                    .keyConditionExpression("#s = :s").expressionAttributeNames(Map.of("#s", AuditKeys.SUBJECT_PK))
                    .expressionAttributeValues(Map.of(":s", Attributes.s(partition)));
            if (start != null) {
                query.exclusiveStartKey(start);
            }
            QueryResponse page = dynamoDb.query(query.build());
            for (Map<String, AttributeValue> key : page.items()) {
                try {
                    dynamoDb.updateItem(r -> r.tableName(table).key(Map.of(Keys.PK, key.get(Keys.PK), Keys.SK,
                                    key.get(Keys.SK)))
                            .updateExpression("REMOVE ip_address, user_agent, #s")
                            .conditionExpression("#s = :s")
                            .expressionAttributeNames(Map.of("#s", AuditKeys.SUBJECT_PK))
                            .expressionAttributeValues(Map.of(":s", Attributes.s(partition))));
                    erased++;
                } catch (ConditionalCheckFailedException alreadyErased) {
                    // erased by a concurrent run (the index is eventually consistent)
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return erased;
    }
}
