package io.tollgate.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * The items of one partition whose sort key starts with a prefix (a user's sessions, passkeys,
 * API keys): one strongly consistent {@code Query}, every page, in sort-key order.
 */
public final class PartitionQueries {

    private PartitionQueries() {
    }

    /** Every item of partition {@code pk} in {@code table} whose sort key starts with {@code prefix}. */
    public static List<Map<String, AttributeValue>> withPrefix(DynamoDbClient dynamoDb, String table, String pk,
            String prefix) {
        return query(dynamoDb, query(table, pk, prefix));
    }

    /** The sort keys (only those are read) of {@link #withPrefix}'s items. */
    public static List<String> sortKeysWithPrefix(DynamoDbClient dynamoDb, String table, String pk, String prefix) {
        return query(dynamoDb, query(table, pk, prefix).projectionExpression("#sk")).stream()
                .map(item -> Attributes.requiredString(item, Keys.SK)).toList();
    }

    private static QueryRequest.Builder query(String table, String pk, String prefix) {
        return QueryRequest.builder().tableName(Objects.requireNonNull(table, "table")).consistentRead(true)
                .keyConditionExpression("#pk = :pk AND begins_with(#sk, :prefix)")
                .expressionAttributeNames(Map.of("#pk", Keys.PK, "#sk", Keys.SK))
                .expressionAttributeValues(Map.of(":pk", Attributes.s(Objects.requireNonNull(pk, "pk")),
                        ":prefix", Attributes.s(Objects.requireNonNull(prefix, "prefix"))));
    }

    private static List<Map<String, AttributeValue>> query(DynamoDbClient dynamoDb, QueryRequest.Builder query) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse page = dynamoDb.query(start == null ? query.build() : query.exclusiveStartKey(start).build());
            items.addAll(page.items());
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return items;
    }
}
