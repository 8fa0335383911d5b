package io.tollgate.alerting;

import io.tollgate.storage.Attributes;
import io.tollgate.storage.Keys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * {@link DedupWindow}'s rule on one security-table item per tenant, kind and subject (ADR 0042).
 * A repeat inside the window is one atomic {@code ADD suppressed 1}, conditioned on the window
 * being open and not opened by the same reference (tried first: in a storm it is the common case
 * and the only write); opening a window is one conditional write ({@code attribute_not_exists OR
 * window_until <= now}, returning the old item's suppressed count), so of any number of concurrent
 * deliveries exactly one opens it. 10,000 repeats are 10,000 small writes and one mail.
 */
public final class AlertDeduplicator {

    /** A window item outlives its window by this much, so unreported repeats reach the next mail. */
    static final Duration KEEP_AFTER_WINDOW = Duration.ofDays(7);
    private static final int ATTEMPTS = 3;

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final Clock clock;

    public AlertDeduplicator(DynamoDbClient dynamoDb, String securityTable, Clock clock) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.table = Objects.requireNonNull(securityTable, "securityTable");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public Admission admit(Alert alert, Duration window) {
        Map<String, AttributeValue> key = AlertKeys.dedup(alert.tenantId(), alert.kind(), alert.subject());
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Instant now = clock.instant();
            // The repeat first: during a storm almost every alert is one, and this is its only write.
            try {
                dynamoDb.updateItem(r -> r.tableName(table).key(key)
                        .updateExpression("ADD suppressed :one")
                        .conditionExpression("window_until > :now AND #ref <> :ref")
                        .expressionAttributeNames(Map.of("#ref", "reference"))
                        .expressionAttributeValues(Map.of(":one", Attributes.n(1), ":now", Attributes.epochMillis(now),
                                ":ref", Attributes.s(alert.reference()))));
                return Admission.of(Admission.Verdict.SUPPRESSED);
            } catch (ConditionalCheckFailedException noOpenWindow) {
                // No window, a closed one, or this alert opened it: try to open the next one below.
            }
            DedupWindow opening = DedupWindow.opening(alert.reference(), now, window);
            try {
                Map<String, AttributeValue> old = dynamoDb.updateItem(r -> r.tableName(table).key(key)
                        .updateExpression("SET window_until = :until, opened_at = :now, #ref = :ref, suppressed = :zero,"
                                + " #ttl = :ttl")
                        .conditionExpression("attribute_not_exists(#pk) OR window_until <= :now")
                        .expressionAttributeNames(Map.of("#pk", Keys.PK, "#ref", "reference", "#ttl", Keys.TTL))
                        .expressionAttributeValues(Map.of(":until", Attributes.epochMillis(opening.until()),
                                ":now", Attributes.epochMillis(now), ":ref", Attributes.s(alert.reference()),
                                ":zero", Attributes.n(0),
                                ":ttl", Attributes.epochSeconds(opening.until().plus(KEEP_AFTER_WINDOW))))
                        .returnValues(ReturnValue.ALL_OLD)).attributes();
                return Admission.sendAfter(Attributes.number(old, "suppressed").orElse(0L),
                        Attributes.instantMillis(old, "opened_at"));
            } catch (ConditionalCheckFailedException windowOpen) {
                Admission verdict = DedupWindow.decide(find(key), alert.reference(), now);
                if (verdict.verdict() == Admission.Verdict.REDELIVERED) {
                    return verdict;
                }
                // Another delivery opened the window between the two writes: count this one as its repeat.
            }
        }
        throw new IllegalStateException("The deduplication window of an alert kept changing");
    }

    /**
     * Undoes an admission whose mail could not be sent: the window is closed again and the repeats
     * it took over are put back, so the retried delivery opens it and reports them.
     */
    public void release(Alert alert, Admission admission) {
        try {
            dynamoDb.updateItem(r -> r.tableName(table).key(AlertKeys.dedup(alert.tenantId(), alert.kind(), alert.subject()))
                    .updateExpression("SET window_until = :closed ADD suppressed :carried")
                    .conditionExpression("#ref = :ref")
                    .expressionAttributeNames(Map.of("#ref", "reference"))
                    .expressionAttributeValues(Map.of(":closed", Attributes.n(0),
                            ":carried", Attributes.n(admission.suppressedBefore()), ":ref", Attributes.s(alert.reference()))));
        } catch (ConditionalCheckFailedException reopened) {
            // Another alert opened a newer window meanwhile; it reports from there.
        }
    }

    /** The current window of a kind and subject, if any (consistent read). */
    public Optional<DedupWindow> window(String tenantId, String kind, String subject) {
        return find(AlertKeys.dedup(tenantId, kind, subject));
    }

    private Optional<DedupWindow> find(Map<String, AttributeValue> key) {
        Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(table).key(key).consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new DedupWindow(Attributes.instantMillis(item, "opened_at").orElse(Instant.EPOCH),
                Attributes.instantMillis(item, "window_until").orElse(Instant.EPOCH),
                Attributes.string(item, "reference").orElse(""), Attributes.number(item, "suppressed").orElse(0L)));
    }
}
