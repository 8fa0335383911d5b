package io.tollgate.incident;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.tollgate.json.Json;
import io.tollgate.storage.Attributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * The register in the identity table: one item per incident in the {@code INCIDENTS} partition
 * ({@code sk = INCIDENT#<id>}), the incident as a JSON document plus its phase and alert marks as
 * top-level attributes so that every change is a conditional write on the state it was decided on.
 * Incidents are rare (a handful a year), so one partition serves listing and the deadline sweep.
 */
public final class IncidentStore {

    static final String PARTITION = "INCIDENTS";
    private static final String SORT_PREFIX = "INCIDENT#";

    private final DynamoDbClient dynamoDb;
    private final String table;

    public IncidentStore(DynamoDbClient dynamoDb, String identityTable) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.table = Objects.requireNonNull(identityTable, "identityTable");
    }

    /** Writes a new incident; false when its id is already taken. */
    public boolean create(Incident incident) {
        try {
            dynamoDb.putItem(b -> b.tableName(table).item(item(incident))
                    .conditionExpression("attribute_not_exists(pk)"));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /**
     * Replaces {@code before} with {@code after} if the stored incident is still in {@code before}'s
     * phase with {@code before}'s alert marks; false when someone changed it in between.
     */
    public boolean replace(Incident before, Incident after) {
        try {
            dynamoDb.putItem(b -> b.tableName(table).item(item(after))
                    .conditionExpression("phase = :phase AND alert_count = :alerts")
                    .expressionAttributeValues(Map.of(":phase", Attributes.s(before.phase().wireName()),
                            ":alerts", Attributes.n(before.deadlineAlerts().size()))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    public Optional<Incident> find(String id) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true)
                .key(key(id))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(read(item));
    }

    /** Every incident, newest first. */
    public List<Incident> all() {
        List<Incident> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = dynamoDb.query(b -> b.tableName(table).consistentRead(true)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                    .expressionAttributeValues(Map.of(":pk", Attributes.s(PARTITION),
                            ":prefix", Attributes.s(SORT_PREFIX)))
                    .exclusiveStartKey(from));
            page.items().forEach(item -> out.add(read(item)));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        out.sort((a, b) -> b.openedAt().compareTo(a.openedAt()));
        return out;
    }

    private static Map<String, AttributeValue> key(String id) {
        return Map.of("pk", Attributes.s(PARTITION), "sk", Attributes.s(SORT_PREFIX + id));
    }

    private static Map<String, AttributeValue> item(Incident incident) {
        Map<String, AttributeValue> item = new HashMap<>(key(incident.id()));
        item.put("phase", Attributes.s(incident.phase().wireName()));
        item.put("alert_count", Attributes.n(incident.deadlineAlerts().size()));
        try {
            item.put("doc", Attributes.s(Json.mapper().writeValueAsString(incident)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("incident not serialisable", e);
        }
        return item;
    }

    private static Incident read(Map<String, AttributeValue> item) {
        try {
            return Json.mapper().readValue(Attributes.requiredString(item, "doc"), Incident.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored incident unreadable", e);
        }
    }
}
