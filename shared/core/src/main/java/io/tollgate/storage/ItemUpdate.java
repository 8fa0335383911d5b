package io.tollgate.storage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * One conditional update of one item, composed by several parties before it is written: e.g.
 * the login's failure-counter reset and the session slot change on the same user item must be a
 * single {@code Update} because a DynamoDB transaction may touch an item only once.
 */
public final class ItemUpdate {

    private final String table;
    private final Map<String, AttributeValue> key;
    private final List<String> sets = new ArrayList<>();
    private final List<String> removes = new ArrayList<>();
    private final List<String> conditions = new ArrayList<>();
    private final Map<String, String> names = new HashMap<>();
    private final Map<String, AttributeValue> values = new HashMap<>();

    private ItemUpdate(String table, Map<String, AttributeValue> key) {
        this.table = Objects.requireNonNull(table, "table");
        this.key = Map.copyOf(key);
    }

    public static ItemUpdate of(String table, Map<String, AttributeValue> key) {
        return new ItemUpdate(table, key);
    }

    /** Adds a {@code SET} action, e.g. {@code "#count = :zero"}. */
    public ItemUpdate set(String action) {
        sets.add(action);
        return this;
    }

    /** Adds a {@code REMOVE} action. */
    public ItemUpdate remove(String attribute) {
        removes.add(attribute);
        return this;
    }

    /** Adds a condition; all conditions must hold ({@code AND}). */
    public ItemUpdate condition(String condition) {
        conditions.add("(" + condition + ")");
        return this;
    }

    public ItemUpdate name(String placeholder, String attribute) {
        String previous = names.put(placeholder, attribute);
        if (previous != null && !previous.equals(attribute)) {
            throw new IllegalArgumentException("Name placeholder " + placeholder + " used for two attributes");
        }
        return this;
    }

    public ItemUpdate value(String placeholder, AttributeValue value) {
        AttributeValue previous = values.put(placeholder, value);
        if (previous != null && !previous.equals(value)) {
            throw new IllegalArgumentException("Value placeholder " + placeholder + " bound twice");
        }
        return this;
    }

    public Map<String, AttributeValue> key() {
        return key;
    }

    public String table() {
        return table;
    }

    /** The update as one part of a transaction. */
    public TransactWriteItem toTransactItem() {
        Update.Builder update = Update.builder().tableName(table).key(key).updateExpression(expression());
        if (!conditions.isEmpty()) {
            update.conditionExpression(String.join(" AND ", conditions));
        }
        if (!names.isEmpty()) {
            update.expressionAttributeNames(names);
        }
        if (!values.isEmpty()) {
            update.expressionAttributeValues(values);
        }
        return TransactWriteItem.builder().update(update.build()).build();
    }

    private String expression() {
        StringBuilder expression = new StringBuilder();
        if (!sets.isEmpty()) {
            expression.append("SET ").append(String.join(", ", sets));
        }
        if (!removes.isEmpty()) {
            expression.append(expression.isEmpty() ? "" : " ").append("REMOVE ").append(String.join(", ", removes));
        }
        if (expression.isEmpty()) {
            throw new IllegalStateException("An item update needs at least one action");
        }
        return expression.toString();
    }
}
