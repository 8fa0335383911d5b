package io.tollgate.storage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/**
 * Short-lived items keyed by a token hash (MFA challenges, password-change tickets): written with
 * {@code created_at}, {@code expires_at} and the table's TTL, on condition that the key is free, in
 * one transaction with the state change that justifies them.
 */
public final class ExpiringItems {

    private ExpiringItems() {
    }

    /**
     * Writes {@code item} (plus its instants) into {@code table} together with {@code alongWith}.
     *
     * @throws software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException when a
     *     condition failed (also the free-key condition of the new item)
     */
    public static void create(DynamoDbClient dynamoDb, String table, Map<String, AttributeValue> item, Instant now,
            Instant expires, List<TransactWriteItem> alongWith) {
        List<TransactWriteItem> writes = new ArrayList<>(alongWith);
        writes.add(NewItems.put(table, withInstants(item, now, expires)));
        dynamoDb.transactWriteItems(TransactWriteItemsRequest.builder().transactItems(writes).build());
    }

    /** {@code item} with {@code created_at}, {@code expires_at} and the TTL attribute. */
    public static Map<String, AttributeValue> withInstants(Map<String, AttributeValue> item, Instant now,
            Instant expires) {
        Map<String, AttributeValue> stored = new HashMap<>(item);
        stored.put("created_at", Attributes.epochMillis(now));
        stored.put("expires_at", Attributes.epochMillis(expires));
        stored.put(Keys.TTL, Attributes.epochSeconds(expires));
        return stored;
    }

}
