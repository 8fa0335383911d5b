package io.tollgate.storage;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Transaction parts that change a user item, so a session or an MFA challenge is only created
 * together with the state change that justifies it.
 */
public final class UserWrites {

    private UserWrites() {
    }

    /**
     * After a correct password: reset the failure window (and store a stronger re-hash, if
     * any) on condition that the user is still active and not locked at {@code now} — a lock
     * set concurrently by another request cancels the transaction.
     */
    public static TransactWriteItem passwordAccepted(String table, String tenantId, String username, Instant now,
            Optional<String> rehash) {
        Map<String, String> names = new HashMap<>(Map.of("#pk", Keys.PK, "#count", "fail_count",
                "#since", "fail_since", "#locked", "locked_until", "#status", "status"));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":zero", Attributes.n(0),
                ":now", Attributes.epochMillis(now), ":active", Attributes.s("ACTIVE")));
        String update = "SET #count = :zero, last_login_at = :now";
        if (rehash.isPresent()) {
            update += ", password_hash = :hash";
            values.put(":hash", Attributes.s(rehash.get()));
        }
        update += " REMOVE #since";
        return TransactWriteItem.builder().update(Update.builder()
                .tableName(table).key(Keys.user(tenantId, username))
                .updateExpression(update)
                .conditionExpression("attribute_exists(#pk) AND #status = :active"
                        + " AND (attribute_not_exists(#locked) OR #locked <= :now)")
                .expressionAttributeNames(names).expressionAttributeValues(values)
                .build()).build();
    }
}
