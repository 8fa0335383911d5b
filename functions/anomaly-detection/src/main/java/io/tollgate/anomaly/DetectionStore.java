package io.tollgate.anomaly;

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
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Windowed detection counters and decision records in the security table. Every write is one
 * atomic, conditional DynamoDB request: concurrent stream batches never lose a count or act twice.
 */
public final class DetectionStore {

    /** Decision records outlive their windows by a year (explain and replay read them). */
    static final Duration DECISION_RETENTION = Duration.ofDays(366);
    static final String STATUS_PENDING = "pending";
    static final String STATUS_ACTED = "acted";

    private static final String MEMBERS = "members";
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

    /** Stores {@code decision} as pending unless a record with its id exists; true when this call stored it. */
    public boolean createPending(DetectionDecision decision) {
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
        item.put(Keys.TTL, Attributes.epochSeconds(decision.windowEnd().plus(DECISION_RETENTION)));
        try {
            dynamoDb.putItem(PutItemRequest.builder().tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(#pk)")
                    .expressionAttributeNames(Map.of("#pk", Keys.PK))
                    .build());
            return true;
        } catch (ConditionalCheckFailedException exists) {
            return false;
        }
    }

    /** Marks a decision's actions as done (the last step, so a failure before it retries the actions). */
    public void markActed(String tenantId, String decisionId, Instant at) {
        dynamoDb.updateItem(UpdateItemRequest.builder().tableName(table)
                .key(Keys.detectionDecision(tenantId, decisionId))
                .updateExpression("SET #status = :acted, #at = :at")
                .conditionExpression("attribute_exists(#pk)")
                .expressionAttributeNames(Map.of("#status", "status", "#at", "acted_at", "#pk", Keys.PK))
                .expressionAttributeValues(Map.of(":acted", Attributes.s(STATUS_ACTED), ":at", Attributes.s(at.toString())))
                .build());
    }

    /** The stored decision with its status ({@code pending} or {@code acted}). */
    public Optional<StoredDecision> find(String tenantId, String decisionId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(GetItemRequest.builder().tableName(table)
                .key(Keys.detectionDecision(tenantId, decisionId)).consistentRead(true).build()).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        DetectionDecision decision = new DetectionDecision(Attributes.requiredString(item, "decision_id"),
                Attributes.requiredString(item, "tenant_id"), Attributes.requiredString(item, "rule_id"),
                Attributes.number(item, "rule_version").orElseThrow().intValue(),
                Attributes.requiredString(item, "subject"), Instant.parse(Attributes.requiredString(item, "window_start")),
                Instant.parse(Attributes.requiredString(item, "window_end")),
                map(Attributes.requiredString(item, "thresholds")), map(Attributes.requiredString(item, "inputs")),
                Attributes.requiredString(item, "severity"), Attributes.requiredString(item, "action"),
                Attributes.requiredString(item, "triggering_event_id"));
        return Optional.of(new StoredDecision(decision, Attributes.requiredString(item, "status")));
    }

    /** A decision as stored, with whether its actions are done. */
    public record StoredDecision(DetectionDecision decision, String status) {

        public boolean acted() {
            return STATUS_ACTED.equals(status);
        }
    }

    private static String json(Map<String, Object> value) {
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
