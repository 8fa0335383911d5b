package io.tollgate.detection;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.tollgate.json.Json;
import io.tollgate.storage.Attributes;
import io.tollgate.storage.Keys;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Windowed detection counters and decision records in the security table. Every write is one
 * atomic, conditional DynamoDB request: concurrent stream batches never lose a count or act twice.
 */
public final class DetectionStore implements Counters {

    /** Decision records outlive their windows by a year (explain and replay read them). */
    static final Duration DECISION_RETENTION = Duration.ofDays(366);
    static final String STATUS_PENDING = "pending";
    static final String STATUS_ACTED = "acted";

    private static final String MEMBERS = "members";
    private static final String COUNT = "count";
    /** Decisions whose actions are not done yet, for the minute sweep (ADR 0022). */
    static final String PENDING_PK = "ANOMALY#PENDING";
    /** Counters of closed hours read for baselines, kept in memory (they no longer change). */
    private static final int HISTORY_CACHE = 20_000;
    private final Map<String, Long> history = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(256, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                    return size() > HISTORY_CACHE;
                }
            });
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final DynamoDbClient dynamoDb;
    private final String table;

    public DetectionStore(DynamoDbClient dynamoDb, String securityTable) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.table = Objects.requireNonNull(securityTable, "securityTable");
    }

    /**
     * Adds {@code member} to the set counted for one rule, subject and window and returns the set's
     * size after it. Adding a member twice (a redelivered event) does not count twice. The set stops
     * growing at {@code cap} (the threshold), so an attack on thousands of accounts cannot grow the
     * item towards DynamoDB's item size limit; a full set answers {@code cap}.
     */
    @Override
    public long addDistinct(String tenantId, String ruleId, String subject, Instant windowStart, String member,
            int cap, Instant expireAt) {
        try {
            var response = dynamoDb.updateItem(UpdateItemRequest.builder().tableName(table)
                    .key(Keys.detectionWindow(tenantId, ruleId, subject, windowStart.getEpochSecond()))
                    .updateExpression("ADD #members :member SET #ttl = :ttl")
                    .conditionExpression("attribute_not_exists(#members) OR size(#members) < :cap OR contains(#members, :one)")
                    .expressionAttributeNames(Map.of("#members", MEMBERS, "#ttl", Keys.TTL))
                    .expressionAttributeValues(Map.of(":member", AttributeValue.fromSs(List.of(member)),
                            ":one", Attributes.s(member), ":cap", Attributes.n(cap),
                            ":ttl", Attributes.epochSeconds(expireAt)))
                    .returnValues(ReturnValue.UPDATED_NEW)
                    .build());
            return response.attributes().get(MEMBERS).ss().size();
        } catch (ConditionalCheckFailedException full) {
            return cap;
        }
    }

    @Override
    public long increment(String tenantId, String counter, String subject, Instant windowStart, Instant expireAt) {
        var response = dynamoDb.updateItem(UpdateItemRequest.builder().tableName(table)
                .key(Keys.detectionWindow(tenantId, counter, subject, windowStart.getEpochSecond()))
                .updateExpression("ADD #count :one SET #ttl = :ttl")
                .expressionAttributeNames(Map.of("#count", COUNT, "#ttl", Keys.TTL))
                .expressionAttributeValues(Map.of(":one", Attributes.n(1), ":ttl", Attributes.epochSeconds(expireAt)))
                .returnValues(ReturnValue.UPDATED_NEW)
                .build());
        return Long.parseLong(response.attributes().get(COUNT).n());
    }

    @Override
    public java.util.Set<String> addFlags(String tenantId, String counter, String subject, Instant windowStart,
            java.util.Set<String> flags, Instant expireAt) {
        Map<String, AttributeValue> key = Keys.detectionWindow(tenantId, counter, subject, windowStart.getEpochSecond());
        if (flags.isEmpty()) {
            Map<String, AttributeValue> item = dynamoDb.getItem(GetItemRequest.builder().tableName(table).key(key)
                    .consistentRead(true).build()).item();
            return item == null || !item.containsKey(MEMBERS) ? java.util.Set.of() : java.util.Set.copyOf(item.get(MEMBERS).ss());
        }
        var response = dynamoDb.updateItem(UpdateItemRequest.builder().tableName(table).key(key)
                .updateExpression("ADD #members :flags SET #ttl = :ttl")
                .expressionAttributeNames(Map.of("#members", MEMBERS, "#ttl", Keys.TTL))
                .expressionAttributeValues(Map.of(":flags", AttributeValue.fromSs(List.copyOf(flags)),
                        ":ttl", Attributes.epochSeconds(expireAt)))
                .returnValues(ReturnValue.UPDATED_NEW)
                .build());
        return java.util.Set.copyOf(response.attributes().get(MEMBERS).ss());
    }

    @Override
    public Map<Instant, Long> values(String tenantId, String counter, String subject, List<Instant> windowStarts) {
        Map<Instant, Long> values = new java.util.LinkedHashMap<>();
        List<Map<String, AttributeValue>> keys = new java.util.ArrayList<>();
        for (Instant start : windowStarts) {
            Long known = history.get(historyKey(tenantId, counter, subject, start));
            values.put(start, known);
            if (known == null) {
                keys.add(Keys.detectionWindow(tenantId, counter, subject, start.getEpochSecond()));
            }
        }
        Map<String, Long> read = new HashMap<>();
        for (int from = 0; from < keys.size(); from += 100) {
            Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder()
                    .keys(keys.subList(from, Math.min(keys.size(), from + 100))).consistentRead(true).build());
            for (int attempt = 0; !request.isEmpty(); attempt++) {
                if (attempt == 10) {
                    throw new IllegalStateException("DynamoDB left counter keys unprocessed");
                }
                Map<String, KeysAndAttributes> pending = request;
                BatchGetItemResponse response = dynamoDb.batchGetItem(r -> r.requestItems(pending));
                response.responses().getOrDefault(table, List.of()).forEach(item -> read.put(
                        Attributes.requiredString(item, Keys.SK), Attributes.number(item, COUNT).orElse(0L)));
                request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
            }
        }
        for (Instant start : windowStarts) {
            if (values.get(start) == null) {
                String sk = Attributes.requiredString(Keys.detectionWindow(tenantId, counter, subject,
                        start.getEpochSecond()), Keys.SK);
                long value = read.getOrDefault(sk, 0L);
                values.put(start, value);
                history.put(historyKey(tenantId, counter, subject, start), value);
            }
        }
        return values;
    }

    private static String historyKey(String tenantId, String counter, String subject, Instant start) {
        return tenantId + "\u0000" + counter + "\u0000" + subject + "\u0000" + start.getEpochSecond();
    }

    /**
     * Stores {@code decision} as pending unless a record with its id exists; true when this call
     * stored it. In the same transaction a pointer in the pending partition lets the minute sweep
     * finish decisions whose stream records were given up (ADR 0022).
     */
    public boolean createPending(DetectionDecision decision, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>(Keys.detectionDecision(decision.tenantId(), decision.decisionId()));
        item.put("decision_id", Attributes.s(decision.decisionId()));
        item.put("tenant_id", Attributes.s(decision.tenantId()));
        item.put("rule_id", Attributes.s(decision.ruleId()));
        item.put("rule_version", Attributes.n(decision.ruleVersion()));
        item.put("subject", Attributes.s(decision.subject()));
        item.put("window_start", Attributes.s(decision.windowStart().toString()));
        item.put("window_end", Attributes.s(decision.windowEnd().toString()));
        item.put("thresholds", Attributes.s(json(decision.thresholds())));
        item.put("inputs", Attributes.s(json(decision.inputs())));
        item.put("severity", Attributes.s(decision.severity()));
        item.put("action", Attributes.s(decision.action()));
        item.put("triggering_event_id", Attributes.s(decision.triggeringEventId()));
        item.put("status", Attributes.s(STATUS_PENDING));
        item.put("decided_at", Attributes.s(now.toString()));
        item.put(Keys.TTL, Attributes.epochSeconds(decision.windowEnd().plus(DECISION_RETENTION)));
        Map<String, AttributeValue> pointer = new HashMap<>(pendingKey(decision.tenantId(), decision.decisionId()));
        pointer.put("tenant_id", Attributes.s(decision.tenantId()));
        pointer.put("decision_id", Attributes.s(decision.decisionId()));
        pointer.put("decided_at", Attributes.s(now.toString()));
        pointer.put(Keys.TTL, Attributes.epochSeconds(now.plus(Duration.ofDays(14))));
        try {
            dynamoDb.transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                    TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
                            .conditionExpression("attribute_not_exists(#pk)")
                            .expressionAttributeNames(Map.of("#pk", Keys.PK)).build()).build(),
                    TransactWriteItem.builder().put(Put.builder().tableName(table).item(pointer).build()).build())
                    .build());
            return true;
        } catch (TransactionCanceledException e) {
            if (e.cancellationReasons().stream().anyMatch(r -> "ConditionalCheckFailed".equals(r.code()))) {
                return false;
            }
            throw e;
        }
    }

    private static Map<String, AttributeValue> pendingKey(String tenantId, String decisionId) {
        return Map.of(Keys.PK, Attributes.s(PENDING_PK), Keys.SK, Attributes.s(tenantId + "#" + decisionId));
    }

    /** A decision whose actions are not done, as the pending partition names it. */
    public record Pending(String tenantId, String decisionId, Instant decidedAt) {
    }

    /** Pending decisions decided before {@code before}, at most {@code limit} (the sweep's batch). */
    public List<Pending> pending(Instant before, int limit) {
        List<Pending> found = new java.util.ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            var query = software.amazon.awssdk.services.dynamodb.model.QueryRequest.builder().tableName(table)
                    .consistentRead(true).keyConditionExpression("#pk = :pk")
                    .expressionAttributeNames(Map.of("#pk", Keys.PK))
                    .expressionAttributeValues(Map.of(":pk", Attributes.s(PENDING_PK)));
            if (start != null) {
                query.exclusiveStartKey(start);
            }
            var page = dynamoDb.query(query.build());
            for (Map<String, AttributeValue> item : page.items()) {
                Instant decidedAt = Instant.parse(Attributes.requiredString(item, "decided_at"));
                if (decidedAt.isBefore(before) && found.size() < limit) {
                    found.add(new Pending(Attributes.requiredString(item, "tenant_id"),
                            Attributes.requiredString(item, "decision_id"), decidedAt));
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() && found.size() < limit
                    ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return found;
    }

    /** Removes the pending pointer of a decision already acted on (a sweep finding a stale pointer). */
    public void forgetPending(String tenantId, String decisionId) {
        dynamoDb.deleteItem(r -> r.tableName(table).key(pendingKey(tenantId, decisionId)));
    }

    /** Marks a decision's actions as done (the last step, so a failure before it retries the actions). */
    public void markActed(String tenantId, String decisionId, Instant at) {
        dynamoDb.transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                TransactWriteItem.builder().update(Update.builder().tableName(table)
                        .key(Keys.detectionDecision(tenantId, decisionId))
                        .updateExpression("SET #status = :acted, #at = :at")
                        .conditionExpression("attribute_exists(#pk)")
                        .expressionAttributeNames(Map.of("#status", "status", "#at", "acted_at", "#pk", Keys.PK))
                        .expressionAttributeValues(Map.of(":acted", Attributes.s(STATUS_ACTED),
                                ":at", Attributes.s(at.toString()))).build()).build(),
                TransactWriteItem.builder().delete(Delete.builder().tableName(table)
                        .key(pendingKey(tenantId, decisionId)).build()).build()).build());
    }

    /** The stored decision with its status ({@code pending} or {@code acted}). */
    public Optional<StoredDecision> find(String tenantId, String decisionId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(GetItemRequest.builder().tableName(table)
                .key(Keys.detectionDecision(tenantId, decisionId)).consistentRead(true).build()).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(stored(item));
    }

    /** Every stored decision of the tenant (explain and replay; a year of decisions at most, by TTL). */
    public List<StoredDecision> decisions(String tenantId) {
        List<StoredDecision> found = new java.util.ArrayList<>();
        Map<String, AttributeValue> start = null;
        String partition = Attributes.requiredString(Keys.detectionDecision(tenantId, "x"), Keys.PK);
        do {
            var query = software.amazon.awssdk.services.dynamodb.model.QueryRequest.builder().tableName(table)
                    .consistentRead(true).keyConditionExpression("#pk = :pk")
                    .expressionAttributeNames(Map.of("#pk", Keys.PK))
                    .expressionAttributeValues(Map.of(":pk", Attributes.s(partition)));
            if (start != null) {
                query.exclusiveStartKey(start);
            }
            var page = dynamoDb.query(query.build());
            page.items().forEach(item -> found.add(stored(item)));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return found;
    }

    private static StoredDecision stored(Map<String, AttributeValue> item) {
        DetectionDecision decision = new DetectionDecision(Attributes.requiredString(item, "decision_id"),
                Attributes.requiredString(item, "tenant_id"), Attributes.requiredString(item, "rule_id"),
                Attributes.number(item, "rule_version").orElseThrow().intValue(),
                Attributes.requiredString(item, "subject"), Instant.parse(Attributes.requiredString(item, "window_start")),
                Instant.parse(Attributes.requiredString(item, "window_end")),
                map(Attributes.requiredString(item, "thresholds")), map(Attributes.requiredString(item, "inputs")),
                Attributes.requiredString(item, "severity"), Attributes.requiredString(item, "action"),
                Attributes.requiredString(item, "triggering_event_id"));
        return new StoredDecision(decision, Attributes.requiredString(item, "status"),
                Attributes.string(item, "decided_at").map(Instant::parse),
                Attributes.string(item, "acted_at").map(Instant::parse));
    }

    /** A decision as stored, with whether its actions are done. */
    public record StoredDecision(DetectionDecision decision, String status, Optional<Instant> decidedAt,
            Optional<Instant> actedAt) {

        public boolean acted() {
            return STATUS_ACTED.equals(status);
        }
    }

    static String json(Map<String, Object> value) {
        try {
            return Json.mapper().writeValueAsString(new java.util.TreeMap<>(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("decision figures are not JSON", e);
        }
    }

    private static Map<String, Object> map(String json) {
        try {
            return Json.mapper().readValue(json, MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored decision figures are not JSON", e);
        }
    }
}
