package io.tollgate.authz;

import io.tollgate.storage.Attributes;
import io.tollgate.storage.Keys;
import io.tollgate.storage.TableNames;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * The {@link SharedWindowCounter} of the rate limiter: one item per principal and minute in the
 * security table, incremented with an atomic {@code ADD} that returns the new total, and expired
 * by TTL two minutes after its window.
 */
public final class DynamoDbWindowCounter implements SharedWindowCounter {

    private final DynamoDbClient dynamoDb;
    private final TableNames tables;

    public DynamoDbWindowCounter(DynamoDbClient dynamoDb, TableNames tables) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.tables = Objects.requireNonNull(tables, "tables");
    }

    @Override
    public long addAndGet(String principal, long windowStartEpochMinute, long delta) {
        var response = dynamoDb.updateItem(r -> r.tableName(tables.security())
                .key(Keys.rateWindow(principal, windowStartEpochMinute))
                .updateExpression("ADD #count :delta SET #ttl = :ttl")
                .expressionAttributeNames(Map.of("#count", "count", "#ttl", Keys.TTL))
                .expressionAttributeValues(Map.of(":delta", Attributes.n(delta),
                        ":ttl", Attributes.n((windowStartEpochMinute + 3) * 60)))
                .returnValues(ReturnValue.UPDATED_NEW));
        return Long.parseLong(response.attributes().get("count").n());
    }
}
