package io.tollgate.storage;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/** Items that must not exist yet: the transaction put conditioned on a free key. */
public final class NewItems {

    private NewItems() {
    }

    /** The transaction put of {@code item} into {@code table} on condition that its key is free. */
    public static TransactWriteItem put(String table, Map<String, AttributeValue> item) {
        return TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
                .conditionExpression("attribute_not_exists(#pk)")
                .expressionAttributeNames(Map.of("#pk", Keys.PK)).build()).build();
    }
}
