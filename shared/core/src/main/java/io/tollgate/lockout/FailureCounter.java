package io.tollgate.lockout;

import io.tollgate.storage.Attributes;
import io.tollgate.storage.Keys;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Counts failures on a DynamoDB item with atomic conditional updates, never read-then-write,
 * so N concurrent failures count exactly N (docs/contract.md §Encryption and storage).
 *
 * <p>One round trip per failure in the common case: the caller passes the state it already
 * read, which picks the branch ("add to the open window" or "start a new window"); a concurrent
 * writer that changed the window makes the condition fail and the other branch is tried.
 */
public final class FailureCounter {

    private static final int MAX_ATTEMPTS = 4;

    private final DynamoDbClient dynamoDb;

    public FailureCounter(DynamoDbClient dynamoDb) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
    }

    /**
     * The item a counter lives on. {@code mustExist} items (user accounts) are never created by
     * counting; {@code expireAt} sets the item's TTL (for counter-only items).
     */
    public record Target(String table, Map<String, AttributeValue> key, boolean mustExist, Optional<Instant> expireAt) {
    }

    /**
     * Records one failure and returns the count in the window after it, or empty when a
     * {@code mustExist} item no longer exists.
     */
    public OptionalLong recordFailure(Target target, FailureState observed, LockoutPolicy policy, Instant now) {
        boolean windowOpen = policy.windowOpen(observed, now);
        Instant cutoff = policy.windowCutoff(now);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            try {
                return OptionalLong.of(windowOpen ? addToWindow(target, cutoff) : startWindow(target, cutoff, now));
            } catch (ConditionalCheckFailedException changedConcurrently) {
                windowOpen = !windowOpen;
            }
        }
        return OptionalLong.empty();
    }

    /**
     * One conditional {@code UpdateItem} on a {@code mustExist} target that counts nothing: for a
     * refused login with no account to count against (unknown user or tenant), so it costs the
     * DynamoDB work a wrong password costs (ADR 0057). It adds zero and, as its condition requires
     * the item to exist, creates no item; a condition failure is the expected outcome.
     */
    public void touch(Target target) {
        if (!target.mustExist()) {
            throw new IllegalArgumentException("Only an item that must exist can be touched without counting");
        }
        try {
            dynamoDb.updateItem(UpdateItemRequest.builder()
                    .tableName(target.table()).key(target.key())
                    .updateExpression("ADD #count :zero")
                    .conditionExpression("attribute_exists(#pk)")
                    .expressionAttributeNames(Map.of("#count", FailureState.COUNT, "#pk", Keys.PK))
                    .expressionAttributeValues(Map.of(":zero", Attributes.n(0)))
                    .build());
        } catch (ConditionalCheckFailedException absent) {
            // The usual case: nothing to count against, nothing written.
        }
    }

    private long addToWindow(Target target, Instant cutoff) {
        Map<String, String> names = new HashMap<>(Map.of("#count", FailureState.COUNT, "#since", FailureState.WINDOW_START));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":one", Attributes.n(1), ":cutoff", Attributes.epochMillis(cutoff)));
        String update = "ADD #count :one";
        if (target.expireAt().isPresent()) {
            update += " SET #ttl = :ttl";
            names.put("#ttl", Keys.TTL);
            values.put(":ttl", Attributes.epochSeconds(target.expireAt().get()));
        }
        var response = dynamoDb.updateItem(UpdateItemRequest.builder()
                .tableName(target.table()).key(target.key())
                .updateExpression(update)
                .conditionExpression("#since > :cutoff")
                .expressionAttributeNames(names).expressionAttributeValues(values)
                .returnValues(ReturnValue.UPDATED_NEW)
                .build());
        return Long.parseLong(response.attributes().get(FailureState.COUNT).n());
    }

    private long startWindow(Target target, Instant cutoff, Instant now) {
        Map<String, String> names = new HashMap<>(Map.of("#count", FailureState.COUNT, "#since", FailureState.WINDOW_START));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":one", Attributes.n(1), ":cutoff",
                Attributes.epochMillis(cutoff), ":now", Attributes.epochMillis(now)));
        String update = "SET #count = :one, #since = :now";
        if (target.expireAt().isPresent()) {
            update += ", #ttl = :ttl";
            names.put("#ttl", Keys.TTL);
            values.put(":ttl", Attributes.epochSeconds(target.expireAt().get()));
        }
        String condition = "(attribute_not_exists(#since) OR #since <= :cutoff)";
        if (target.mustExist()) {
            condition += " AND attribute_exists(#pk)";
            names.put("#pk", Keys.PK);
        }
        dynamoDb.updateItem(UpdateItemRequest.builder()
                .tableName(target.table()).key(target.key())
                .updateExpression(update)
                .conditionExpression(condition)
                .expressionAttributeNames(names).expressionAttributeValues(values)
                .build());
        return 1;
    }

    /** The outcome of {@link #countAndLock}: the count after the failure (empty when not counted) and whether this call locked. */
    public record Counted(OptionalLong count, boolean lockedNow) {
    }

    /**
     * Counts a failure on {@code target} and locks it when {@code policy} says so (of concurrent
     * callers exactly one reports {@code lockedNow}, to audit the lock once).
     */
    public Counted countAndLock(Target target, FailureState observed, LockoutPolicy policy, Instant now) {
        OptionalLong count = recordFailure(target, observed, policy, now);
        boolean lockedNow = count.isPresent() && policy.mustLock(count.getAsLong(), observed, now)
                && lock(target, policy.lockEnd(now), now);
        return new Counted(count, lockedNow);
    }

    /**
     * Locks the subject until {@code until} unless a lock is already in force; true when this
     * call set the lock (so exactly one concurrent caller reports it).
     */
    public boolean lock(Target target, Instant until, Instant now) {
        Map<String, String> names = new HashMap<>(Map.of("#locked", FailureState.LOCKED_UNTIL));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":until", Attributes.epochMillis(until),
                ":now", Attributes.epochMillis(now)));
        String update = "SET #locked = :until";
        if (target.expireAt().isPresent()) {
            update += ", #ttl = :ttl";
            names.put("#ttl", Keys.TTL);
            Instant expiry = target.expireAt().get().isAfter(until) ? target.expireAt().get() : until;
            values.put(":ttl", Attributes.epochSeconds(expiry));
        }
        String condition = "(attribute_not_exists(#locked) OR #locked <= :now)";
        if (target.mustExist()) {
            condition += " AND attribute_exists(#pk)";
            names.put("#pk", Keys.PK);
        }
        try {
            dynamoDb.updateItem(UpdateItemRequest.builder()
                    .tableName(target.table()).key(target.key())
                    .updateExpression(update)
                    .conditionExpression(condition)
                    .expressionAttributeNames(names).expressionAttributeValues(values)
                    .build());
            return true;
        } catch (ConditionalCheckFailedException alreadyLocked) {
            return false;
        }
    }
}
