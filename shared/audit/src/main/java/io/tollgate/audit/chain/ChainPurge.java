package io.tollgate.audit.chain;

import io.tollgate.storage.Attributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Purges chained events past their retention without breaking verification (ADR 0030).
 *
 * <p>A purged event keeps a <em>hash stub</em> at its position: {@code seq}, {@code prev_hash},
 * {@code hash} and the purge marker ({@code purged_at}, {@code purge_run}, {@code purge_class});
 * every other attribute (the event's content) is removed, the item leaves the {@code ByTime}
 * index and the event id's idempotency marker is deleted. The stub's hash stays pinned by the
 * next event's {@code prev_hash} (which that event's own hash covers) and by any digest, so a
 * stub cannot change the chain; {@link ChainVerifier} reports stubs as retained-then-purged.
 *
 * <p>Each purge is conditional on the event still carrying the hash it was found with and not
 * yet being a stub, so a purge repeated by a resumed or concurrent run is a no-op.
 */
public final class ChainPurge {

    /** 25 events × (stub update + marker delete) = 50 items, well inside the 100-item transaction limit. */
    public static final int MAX_EVENTS_PER_TRANSACTION = 25;

    private final DynamoDbClient dynamoDb;
    private final String table;

    public ChainPurge(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.table = Objects.requireNonNull(table, "table");
    }

    /** What a retention run needs of an event to decide on it: never its content beyond type and subject. */
    public record AgedEvent(long seq, String hash, String eventId, String eventType, Optional<String> userId,
            Instant timestamp) {
        public AgedEvent {
            Objects.requireNonNull(hash, "hash");
            Objects.requireNonNull(eventId, "eventId");
            Objects.requireNonNull(eventType, "eventType");
            Objects.requireNonNull(userId, "userId");
            Objects.requireNonNull(timestamp, "timestamp");
        }
    }

    /** One page of aged events, oldest first, and the cursor after it (empty at the end). */
    public record Page(List<AgedEvent> events, Optional<String> cursor) {
        public Page {
            events = List.copyOf(events);
            Objects.requireNonNull(cursor, "cursor");
        }
    }

    /**
     * Up to {@code limit} events of the tenant stamped before {@code before}, oldest first, from
     * the {@code ByTime} index (stubs have left it). {@code cursor} is the one a previous page
     * returned; it names a position of this tenant's chain only.
     */
    public Page olderThan(String tenantId, Instant before, int limit, Optional<String> cursor) {
        String partition = AuditKeys.chainPartition(tenantId);
        QueryRequest.Builder query = QueryRequest.builder().tableName(table).indexName(AuditKeys.TIME_INDEX)
                .keyConditionExpression("#tpk = :pk AND #tsk < :before")
                .expressionAttributeNames(Map.of("#tpk", AuditKeys.TIME_PK, "#tsk", AuditKeys.TIME_SK))
                .expressionAttributeValues(Map.of(":pk", Attributes.s(partition),
                        ":before", Attributes.s(AuditChain.formatTimestamp(before))))
                .limit(limit);
        cursor.ifPresent(timeSk -> {
            long seq = Long.parseLong(timeSk.substring(timeSk.lastIndexOf('#') + 1));
            Map<String, AttributeValue> start = new HashMap<>(AuditKeys.event(tenantId, seq));
            start.put(AuditKeys.TIME_PK, Attributes.s(partition));
            start.put(AuditKeys.TIME_SK, Attributes.s(timeSk));
            query.exclusiveStartKey(start);
        });
        QueryResponse page = dynamoDb.query(query.build());
        List<AgedEvent> events = new ArrayList<>();
        for (Map<String, AttributeValue> item : page.items()) {
            events.add(new AgedEvent(Attributes.number(item, "seq").orElseThrow(), Attributes.requiredString(item, "hash"),
                    Attributes.requiredString(item, "event_id"), Attributes.requiredString(item, "event_type"),
                    Attributes.string(item, "user_id"), Instant.parse(Attributes.requiredString(item, "timestamp"))));
        }
        Optional<String> next = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                ? Attributes.string(page.lastEvaluatedKey(), AuditKeys.TIME_SK) : Optional.empty();
        return new Page(events, next);
    }

    /**
     * Replaces each event by its hash stub; returns how many were purged by this call (events
     * already stubbed, or whose hash changed since they were read, are skipped).
     */
    public int purge(String tenantId, List<AgedEvent> events, String runId, String dataClass, Instant now) {
        int purged = 0;
        for (int start = 0; start < events.size(); start += MAX_EVENTS_PER_TRANSACTION) {
            List<AgedEvent> batch = events.subList(start, Math.min(events.size(), start + MAX_EVENTS_PER_TRANSACTION));
            List<TransactWriteItem> writes = new ArrayList<>();
            for (AgedEvent event : batch) {
                writes.add(TransactWriteItem.builder().update(stub(tenantId, event, runId, dataClass, now)).build());
                writes.add(TransactWriteItem.builder().delete(Delete.builder().tableName(table)
                        .key(AuditKeys.marker(tenantId, event.eventId())).build()).build());
            }
            try {
                dynamoDb.transactWriteItems(r -> r.transactItems(writes));
                purged += batch.size();
            } catch (TransactionCanceledException e) {
                purged += purgeOneByOne(tenantId, batch, runId, dataClass, now);
            }
        }
        return purged;
    }

    private int purgeOneByOne(String tenantId, List<AgedEvent> batch, String runId, String dataClass, Instant now) {
        int purged = 0;
        for (AgedEvent event : batch) {
            Update stub = stub(tenantId, event, runId, dataClass, now);
            try {
                dynamoDb.updateItem(r -> r.tableName(table).key(stub.key()).updateExpression(stub.updateExpression())
                        .conditionExpression(stub.conditionExpression())
                        .expressionAttributeNames(stub.expressionAttributeNames())
                        .expressionAttributeValues(stub.expressionAttributeValues()));
                dynamoDb.deleteItem(r -> r.tableName(table).key(AuditKeys.marker(tenantId, event.eventId())));
                purged++;
            } catch (ConditionalCheckFailedException alreadyPurgedOrChanged) {
                // a resumed or concurrent run got there first, or the item no longer holds this hash: leave it
            }
        }
        return purged;
    }

    private Update stub(String tenantId, AgedEvent event, String runId, String dataClass, Instant now) {
        Map<String, String> names = new HashMap<>();
        names.put("#hash", "hash");
        names.put("#ts", "timestamp");
        names.put("#result", "result");
        names.put("#action", "action");
        names.put("#resource", "resource");
        names.put("#tpk", AuditKeys.TIME_PK);
        names.put("#tsk", AuditKeys.TIME_SK);
        names.put("#source", "source");
        return Update.builder().tableName(table).key(AuditKeys.event(tenantId, event.seq()))
                .conditionExpression("#hash = :hash AND attribute_exists(event_id) AND attribute_not_exists(purged_at)")
                .updateExpression("SET purged_at = :at, purge_run = :run, purge_class = :class"
                        + " REMOVE #tpk, #tsk, #ts, event_id, event_type, severity, user_id, tenant_id,"
                        + " organization_id, ip_address, user_agent, #resource, #action, #result, additional_data,"
                        + " compliance_flags, alert, #source, " + ChainItems.SEALED_IP + ", " + ChainItems.SEALED_AGENT
                        + ", " + AuditKeys.SUBJECT_PK)
                .expressionAttributeNames(names)
                .expressionAttributeValues(Map.of(":hash", Attributes.s(event.hash()),
                        ":at", Attributes.s(now.toString()), ":run", Attributes.s(runId),
                        ":class", Attributes.s(dataClass)))
                .build();
    }

    /** The key of the stub at {@code seq}, for tests and tools that inspect a purged position. */
    public static Map<String, AttributeValue> stubKey(String tenantId, long seq) {
        return AuditKeys.event(tenantId, seq);
    }

    static boolean isStub(Map<String, AttributeValue> item) {
        return item.containsKey("purged_at");
    }
}
