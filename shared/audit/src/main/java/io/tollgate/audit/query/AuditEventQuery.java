package io.tollgate.audit.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.AuditSeverity;
import io.tollgate.audit.chain.AuditChain;
import io.tollgate.audit.chain.AuditKeys;
import io.tollgate.audit.chain.ChainItems;
import io.tollgate.audit.ingest.PersonalDataProtector;
import io.tollgate.http.ErrorCode;
import io.tollgate.http.ProblemException;
import io.tollgate.json.Json;
import io.tollgate.storage.Attributes;
import io.tollgate.storage.Keys;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * {@code GET /v1/audit/events} (docs/openapi.yaml): one tenant's events in time order, filtered by time
 * range, type, severity, user and result, paged by an opaque cursor.
 *
 * <p>Reads the {@code ByTime} index of the tenant's own partition only; the cursor is the
 * DynamoDB position (Base64url JSON) and is refused unless it points into that same partition, so
 * a cursor from another tenant cannot move a query across. At most {@value #MAX_PAGES} index
 * pages are read per call (bounded work when filters match little); the cursor then continues.
 * Personal data in {@code additional_data} is shown as {@link PersonalDataProtector#REDACTED}.
 */
public final class AuditEventQuery {

    public static final int MAX_LIMIT = 100;
    public static final int DEFAULT_LIMIT = 50;
    static final int MAX_PAGES = 10;

    private static final Pattern TIME_SK = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{9}Z#\\d{20}");
    private static final Pattern SEQ_SK = Pattern.compile("SEQ#\\d{20}");
    private static final TypeReference<Map<String, String>> CURSOR = new TypeReference<>() {
    };

    private final DynamoDbClient dynamoDb;
    private final String table;

    public AuditEventQuery(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.table = Objects.requireNonNull(table, "table");
    }

    /** The filters; every one optional. */
    public record Filter(Optional<Instant> from, Optional<Instant> to, Optional<String> type,
            Optional<AuditSeverity> severity, Optional<String> user, Optional<String> result) {
        public static Filter none() {
            return new Filter(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty());
        }
    }

    /** One page: events as shown to readers, and the cursor of the next page if there may be one. */
    public record Page(List<Map<String, Object>> events, Optional<String> cursor) {
        public Page {
            events = List.copyOf(events);
        }
    }

    public Page find(String tenantId, Filter filter, int limit, Optional<String> cursor) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw invalid("limit", "limit must be 1 to " + MAX_LIMIT + ".");
        }
        String partition = AuditKeys.chainPartition(tenantId);
        Map<String, AttributeValue> start = cursor.map(c -> decode(c, partition)).orElse(null);
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        names.put("#tpk", AuditKeys.TIME_PK);
        names.put("#tsk", AuditKeys.TIME_SK);
        values.put(":pk", Attributes.s(partition));
        values.put(":from", Attributes.s(filter.from().map(AuditChain::formatTimestamp).orElse("0000")));
        values.put(":to", Attributes.s(filter.to().map(AuditChain::formatTimestamp).map(t -> t + "#~").orElse("9999")));
        List<String> conditions = new ArrayList<>();
        filter.type().ifPresent(type -> condition(conditions, names, values, "event_type", type));
        filter.severity().ifPresent(severity -> condition(conditions, names, values, "severity", severity.name()));
        filter.user().ifPresent(user -> condition(conditions, names, values, "user_id", user));
        filter.result().ifPresent(result -> condition(conditions, names, values, "result", result));
        List<Map<String, Object>> events = new ArrayList<>();
        for (int page = 0; page < MAX_PAGES && events.size() < limit; page++) {
            QueryRequest.Builder query = QueryRequest.builder().tableName(table).indexName(AuditKeys.TIME_INDEX)
                    .keyConditionExpression("#tpk = :pk AND #tsk BETWEEN :from AND :to")
                    .expressionAttributeNames(names).expressionAttributeValues(values)
                    .limit(limit - events.size());
            if (!conditions.isEmpty()) {
                query.filterExpression(String.join(" AND ", conditions));
            }
            if (start != null) {
                query.exclusiveStartKey(start);
            }
            QueryResponse response = dynamoDb.query(query.build());
            for (Map<String, AttributeValue> item : response.items()) {
                view(item).ifPresent(events::add);
            }
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey() : null;
            if (start == null) {
                break;
            }
        }
        return new Page(events, Optional.ofNullable(start).map(AuditEventQuery::encode));
    }

    /**
     * Every event of the tenant about {@code subject} — its {@code user_id}, or the subject's id as a
     * string anywhere in {@code additional_data} (e.g. {@code target_user_id}) — oldest first, at
     * most {@code max}; {@code additional_data} is shown through {@code data} (a data-subject export
     * reveals the subject's own values). {@code truncated} when more exist.
     */
    public About about(String tenantId, String subject, int max, Function<AuditEvent, Map<String, Object>> data) {
        Map<String, String> names = Map.of("#tpk", AuditKeys.TIME_PK, "#user", "user_id", "#data", "additional_data");
        Map<String, AttributeValue> values = Map.of(":pk", Attributes.s(AuditKeys.chainPartition(tenantId)),
                ":user", Attributes.s(subject), ":quoted", Attributes.s("\"" + subject + "\""));
        List<Map<String, Object>> events = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder query = QueryRequest.builder().tableName(table).indexName(AuditKeys.TIME_INDEX)
                    .keyConditionExpression("#tpk = :pk")
                    .filterExpression("#user = :user OR contains(#data, :quoted)")
                    .expressionAttributeNames(names).expressionAttributeValues(values);
            if (start != null) {
                query.exclusiveStartKey(start);
            }
            QueryResponse response = dynamoDb.query(query.build());
            for (Map<String, AttributeValue> item : response.items()) {
                if (events.size() == max) {
                    return new About(events, true);
                }
                view(item, data).ifPresent(events::add);
            }
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey() : null;
        } while (start != null);
        return new About(events, false);
    }

    /** The events about a data subject, and whether there were more than asked for. */
    public record About(List<Map<String, Object>> events, boolean truncated) {
        public About {
            events = List.copyOf(events);
        }
    }

    private static void condition(List<String> conditions, Map<String, String> names, Map<String, AttributeValue> values,
            String attribute, String value) {
        String n = "#f" + conditions.size();
        String v = ":f" + conditions.size();
        names.put(n, attribute);
        values.put(v, Attributes.s(value));
        conditions.add(n + " = " + v);
    }

    private static Optional<Map<String, Object>> view(Map<String, AttributeValue> item) {
        return view(item, event -> PersonalDataProtector.redacted(event.additionalData()));
    }

    private static Optional<Map<String, Object>> view(Map<String, AttributeValue> item,
            Function<AuditEvent, Map<String, Object>> data) {
        Optional<AuditEvent> stored = ChainItems.event(item);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        AuditEvent event = stored.get();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("seq", Attributes.number(item, "seq").orElse(0L));
        view.put("timestamp", event.timestamp().toString());
        view.put("event_id", event.eventId());
        view.put("event_type", event.eventType());
        view.put("severity", event.severity().name());
        view.put("user_id", event.userId());
        view.put("tenant_id", event.tenantId());
        view.put("organization_id", event.organizationId());
        view.put("ip_address", event.ipAddress());
        view.put("user_agent", event.userAgent());
        view.put("resource", event.resource());
        view.put("action", event.action());
        view.put("result", event.result());
        view.put("additional_data", data.apply(event));
        view.put("compliance_flags", event.complianceFlags());
        view.put("source", event.source() == null ? AuditEvent.TOLLGATE : event.source());
        view.put("prev_hash", Attributes.string(item, "prev_hash").orElse(""));
        view.put("hash", Attributes.string(item, "hash").orElse(""));
        return Optional.of(view);
    }

    private static String encode(Map<String, AttributeValue> key) {
        Map<String, String> flat = new LinkedHashMap<>();
        key.forEach((name, value) -> flat.put(name, value.s()));
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.mapper().writeValueAsBytes(flat));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cursor not serialisable", e);
        }
    }

    private static Map<String, AttributeValue> decode(String cursor, String partition) {
        Map<String, String> flat;
        try {
            flat = Json.mapper().readValue(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8), CURSOR);
        } catch (IllegalArgumentException | JsonProcessingException e) {
            throw invalid("cursor", "The cursor is not valid.");
        }
        if (flat == null || flat.size() != 4 || !partition.equals(flat.get(Keys.PK))
                || !partition.equals(flat.get(AuditKeys.TIME_PK))
                || flat.get(Keys.SK) == null || !SEQ_SK.matcher(flat.get(Keys.SK)).matches()
                || flat.get(AuditKeys.TIME_SK) == null || !TIME_SK.matcher(flat.get(AuditKeys.TIME_SK)).matches()) {
            throw invalid("cursor", "The cursor is not valid.");
        }
        Map<String, AttributeValue> key = new HashMap<>();
        flat.forEach((name, value) -> key.put(name, Attributes.s(value)));
        return key;
    }

    private static ProblemException invalid(String field, String detail) {
        return ProblemException.invalid(ErrorCode.VALIDATION_FAILED, detail,
                List.of(new ProblemException.FieldError(field, "invalid", detail)));
    }
}
