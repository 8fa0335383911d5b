package io.tollgate.audit.ingest;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.AuditEventType;
import io.tollgate.audit.AuditSeverity;
import io.tollgate.audit.RequestFacts;
import io.tollgate.audit.chain.CanonicalJson;
import io.tollgate.json.Json;
import io.tollgate.tenant.Tenant;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a submitted audit event against the seed 000 record schema (docs/contract.md §Audit, detection, retention) and normalises it.
 *
 * <p>Rules, each with its rejection code:
 * <ul>
 *   <li>a JSON object of at most {@value #MAX_EVENT_BYTES} canonical bytes ({@code not_an_object},
 *       {@code too_large}) with only the seed fields ({@code unknown_field});</li>
 *   <li>{@code event_id}: required, 1-128 of {@code [A-Za-z0-9._:-]} ({@code missing_field},
 *       {@code invalid_event_id});</li>
 *   <li>{@code event_type}: a known type (seed 000's and Tollgate's own) or a namespaced custom type
 *       {@code <namespace>.<name>} in lower case, at most 96 characters ({@code unknown_event_type});</li>
 *   <li>{@code timestamp}: ISO-8601 in UTC with a {@code Z} suffix and at most nine fraction digits,
 *       from 2000 to at most {@value #MAX_CLOCK_SKEW_MINUTES} minutes in the future ({@code invalid_timestamp});</li>
 *   <li>{@code severity}: absent (assigned from the type: seed 000's table, {@code MEDIUM} for custom
 *       types) or one of {@code CRITICAL HIGH MEDIUM LOW} ({@code invalid_severity});</li>
 *   <li>{@code tenant_id}: a tenant id (or Tollgate's reserved {@code _platform} / {@code _unknown});
 *       when the channel binds a tenant (the SQS message group, the API key's tenant) it must be that
 *       tenant or absent ({@code invalid_tenant}, {@code tenant_mismatch});</li>
 *   <li>strings ({@code user_id}, {@code organization_id}, {@code resource}, {@code action}: 256;
 *       {@code user_agent}: 512; {@code ip_address}: an IPv4/IPv6 literal) ({@code wrong_type},
 *       {@code too_long}, {@code invalid_ip_address});</li>
 *   <li>{@code result}: {@code [a-z_]{1,32}}, default {@code success} ({@code invalid_result});</li>
 *   <li>{@code additional_data}: an object of at most {@value #MAX_DATA_BYTES} canonical bytes and depth
 *       {@value #MAX_DEPTH}, numbers integers only, no {@code null} member ({@code invalid_additional_data});</li>
 *   <li>{@code compliance_flags}: at most 16 of {@code [a-z0-9_]{1,32}}, default the type's
 *       ({@code invalid_compliance_flags}).</li>
 * </ul>
 * A JSON {@code null} field counts as absent; an empty string is refused ({@code empty_field}).
 *
 * <p>Submitted events ({@link #validateSubmitted}, ADR 0060) cannot impersonate Tollgate: only a
 * host type ({@code <namespace>.<name>} outside the reserved namespaces {@value #RESERVED_NAMESPACES_TEXT},
 * or seed 000's application types {@code api_access}, {@code prediction_request}, {@code data_breach})
 * ({@code reserved_event_type}); no id with a reserved prefix {@code tg:} or {@code alert:}
 * ({@code reserved_event_id}); no {@code source} field ({@code unknown_field}); a timestamp at most
 * the configured age (default 24 h) in the past ({@code invalid_timestamp}). The event gets
 * {@code source = api_key:<prefix>}. A queue message ({@link #validate}) may carry {@code source}
 * ({@code tollgate} when absent; {@code invalid_source}); one from an API key is held to the same
 * type and id rules again. Immutable and thread-safe.
 */
public final class AuditEventValidator {

    public static final int MAX_EVENT_BYTES = 16 * 1024;
    public static final int MAX_DATA_BYTES = 8 * 1024;
    public static final int MAX_DEPTH = 5;
    public static final int MAX_CLOCK_SKEW_MINUTES = 5;

    /** How old a submitted event may be by default (ADR 0060). */
    public static final Duration DEFAULT_SUBMITTED_MAX_AGE = Duration.ofHours(24);
    /** Id prefixes of Tollgate's own events; refused from submitters. */
    public static final List<String> RESERVED_ID_PREFIXES = List.of("tg:", "alert:");
    static final String RESERVED_NAMESPACES_TEXT = "tollgate, system";
    private static final Set<String> RESERVED_NAMESPACES = Set.of("tollgate", "system");
    /** Seed 000's types for the host application's own activity, which Tollgate never emits nor acts on. */
    public static final Set<String> HOST_SEED_TYPES = Set.of("api_access", "prediction_request", "data_breach");
    private static final Pattern SOURCE = Pattern.compile("tollgate|api_key:[A-Za-z0-9_-]{1,32}");

    /** Reserved tenant ids Tollgate itself records under (platform events, unknown-tenant logins). */
    public static final Set<String> RESERVED_TENANTS = Set.of("_platform", "_unknown");

    private static final Set<String> FIELDS = Set.of("timestamp", "event_id", "event_type", "severity", "user_id",
            "tenant_id", "organization_id", "ip_address", "user_agent", "resource", "action", "result",
            "additional_data", "compliance_flags");
    private static final Pattern EVENT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    private static final Pattern CUSTOM_TYPE = Pattern.compile("[a-z][a-z0-9_]{0,31}(\\.[a-z][a-z0-9_]{0,31})+");
    private static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z");
    private static final Pattern IP = RequestFacts.IP_ADDRESS;
    private static final Pattern RESULT = Pattern.compile("[a-z_]{1,32}");
    private static final Pattern FLAG = Pattern.compile("[a-z0-9_]{1,32}");
    private static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    /** Seed 000's severity table ({@code AuditLogging.audit_levels}) and Tollgate's own event types. */
    private static final Map<String, AuditSeverity> KNOWN_TYPES = knownTypes();
    private static final Map<String, List<String>> KNOWN_FLAGS = knownFlags();

    private static final Set<String> QUEUE_FIELDS = union(FIELDS, "source");

    private final Clock clock;
    private final Duration submittedMaxAge;

    public AuditEventValidator(Clock clock) {
        this(clock, DEFAULT_SUBMITTED_MAX_AGE);
    }

    /** @param submittedMaxAge how far in the past a submitted event's timestamp may lie */
    public AuditEventValidator(Clock clock, Duration submittedMaxAge) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.submittedMaxAge = Objects.requireNonNull(submittedMaxAge, "submittedMaxAge");
        if (submittedMaxAge.isNegative() || submittedMaxAge.isZero()) {
            throw new IllegalArgumentException("The submitted events' maximum age must be positive");
        }
    }

    /** Whether {@code eventType} may be submitted by a host application (ADR 0060). */
    public static boolean isHostType(String eventType) {
        if (HOST_SEED_TYPES.contains(eventType)) {
            return true;
        }
        return CUSTOM_TYPE.matcher(eventType).matches()
                && !RESERVED_NAMESPACES.contains(eventType.substring(0, eventType.indexOf('.')));
    }

    /** Whether {@code eventId} has a prefix reserved for Tollgate's own events. */
    public static boolean isReservedId(String eventId) {
        String lower = eventId.toLowerCase(java.util.Locale.ROOT);
        return RESERVED_ID_PREFIXES.stream().anyMatch(lower::startsWith);
    }

    /**
     * Validates an event an external service submitted ({@code POST /v1/audit/events}) with an API
     * key of {@code tenant} whose prefix is {@code apiKeyPrefix}; see the type's comment.
     */
    public Validation validateSubmitted(JsonNode node, String tenant, String apiKeyPrefix) {
        return validate(node, Optional.of(tenant), Optional.of(AuditEvent.API_KEY_SOURCE_PREFIX + apiKeyPrefix));
    }

    /** The severity seed 000 assigns to {@code eventType}; {@code MEDIUM} for a custom type. */
    public static AuditSeverity severityOf(String eventType) {
        return KNOWN_TYPES.getOrDefault(eventType, AuditSeverity.MEDIUM);
    }

    /**
     * Validates {@code node}.
     *
     * @param boundTenant the tenant the channel vouches for (SQS message group, API key), if any
     */
    public Validation validate(JsonNode node, Optional<String> boundTenant) {
        return validate(node, boundTenant, Optional.empty());
    }

    /** @param submitter the source of a submission being answered; empty for a queue message */
    private Validation validate(JsonNode node, Optional<String> boundTenant, Optional<String> submitter) {
        if (node == null || !node.isObject()) {
            return invalid("not_an_object", "$");
        }
        Set<String> allowed = submitter.isPresent() ? FIELDS : QUEUE_FIELDS;
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                return invalid("unknown_field", name.length() > 64 ? "$" : name);
            }
        }
        try {
            if (CanonicalJson.bytes(node).length > MAX_EVENT_BYTES) {
                return invalid("too_large", "$");
            }
        } catch (IllegalArgumentException e) {
            return invalid("invalid_additional_data", "additional_data");
        }
        Field eventId = string(node, "event_id", 128);
        if (eventId.problem != null) {
            return eventId.problem;
        }
        if (eventId.value == null) {
            return invalid("missing_field", "event_id");
        }
        if (!EVENT_ID.matcher(eventId.value).matches()) {
            return invalid("invalid_event_id", "event_id");
        }
        String source = AuditEvent.TOLLGATE;
        if (submitter.isPresent()) {
            source = submitter.get();
        } else {
            Field stated = string(node, "source", 48);
            if (stated.problem != null) {
                return stated.problem;
            }
            if (stated.value != null && !SOURCE.matcher(stated.value).matches()) {
                return invalid("invalid_source", "source");
            }
            source = stated.value == null ? source : stated.value;
        }
        boolean external = !AuditEvent.TOLLGATE.equals(source);
        if (external && isReservedId(eventId.value)) {
            return invalid("reserved_event_id", "event_id");
        }
        Field type = string(node, "event_type", 96);
        if (type.problem != null) {
            return type.problem;
        }
        if (type.value == null) {
            return invalid("missing_field", "event_type");
        }
        if (!KNOWN_TYPES.containsKey(type.value) && !CUSTOM_TYPE.matcher(type.value).matches()) {
            return invalid("unknown_event_type", "event_type");
        }
        if (external && !isHostType(type.value)) {
            return invalid("reserved_event_type", "event_type");
        }
        Field timestampText = string(node, "timestamp", 40);
        if (timestampText.problem != null) {
            return timestampText.problem;
        }
        if (timestampText.value == null) {
            return invalid("missing_field", "timestamp");
        }
        Optional<Instant> timestamp = timestamp(timestampText.value, submitter.isPresent()
                ? clock.instant().minus(submittedMaxAge) : EARLIEST);
        if (timestamp.isEmpty()) {
            return invalid("invalid_timestamp", "timestamp");
        }
        Field severityText = string(node, "severity", 16);
        if (severityText.problem != null) {
            return severityText.problem;
        }
        AuditSeverity severity;
        if (severityText.value == null) {
            severity = severityOf(type.value);
        } else {
            try {
                severity = AuditSeverity.valueOf(severityText.value);
            } catch (IllegalArgumentException e) {
                return invalid("invalid_severity", "severity");
            }
        }
        Field tenant = string(node, "tenant_id", 64);
        if (tenant.problem != null) {
            return tenant.problem;
        }
        String tenantId = tenant.value;
        if (tenantId == null) {
            if (boundTenant.isEmpty()) {
                return invalid("missing_field", "tenant_id");
            }
            tenantId = boundTenant.get();
        }
        if (!Tenant.ID.matcher(tenantId).matches() && !RESERVED_TENANTS.contains(tenantId)) {
            return invalid("invalid_tenant", "tenant_id");
        }
        if (boundTenant.isPresent() && !boundTenant.get().equals(tenantId)) {
            return invalid("tenant_mismatch", "tenant_id");
        }
        Field userId = string(node, "user_id", RequestFacts.MAX_IDENTIFIER);
        Field organizationId = string(node, "organization_id", RequestFacts.MAX_IDENTIFIER);
        Field ip = string(node, "ip_address", RequestFacts.MAX_IP_ADDRESS);
        Field userAgent = string(node, "user_agent", RequestFacts.MAX_USER_AGENT);
        Field resource = string(node, "resource", RequestFacts.MAX_IDENTIFIER);
        Field action = string(node, "action", RequestFacts.MAX_IDENTIFIER);
        Field result = string(node, "result", 32);
        for (Field field : List.of(userId, organizationId, ip, userAgent, resource, action, result)) {
            if (field.problem != null) {
                return field.problem;
            }
        }
        if (ip.value != null && !IP.matcher(ip.value).matches()) {
            return invalid("invalid_ip_address", "ip_address");
        }
        if (result.value != null && !RESULT.matcher(result.value).matches()) {
            return invalid("invalid_result", "result");
        }
        JsonNode data = node.get("additional_data");
        Map<String, Object> additionalData = Map.of();
        if (data != null && !data.isNull()) {
            if (!data.isObject() || depth(data) > MAX_DEPTH || CanonicalJson.bytes(data).length > MAX_DATA_BYTES
                    || data.valueStream().anyMatch(JsonNode::isNull)) {
                return invalid("invalid_additional_data", "additional_data");
            }
            additionalData = Json.mapper().convertValue(data, MAP);
        }
        JsonNode flagsNode = node.get("compliance_flags");
        List<String> flags;
        if (flagsNode == null || flagsNode.isNull()) {
            flags = KNOWN_FLAGS.getOrDefault(type.value, List.of());
        } else {
            if (!flagsNode.isArray() || flagsNode.size() > 16) {
                return invalid("invalid_compliance_flags", "compliance_flags");
            }
            flags = new ArrayList<>();
            for (JsonNode flag : flagsNode) {
                if (!flag.isTextual() || !FLAG.matcher(flag.textValue()).matches()) {
                    return invalid("invalid_compliance_flags", "compliance_flags");
                }
                flags.add(flag.textValue());
            }
        }
        return new Validation.Valid(new AuditEvent(timestamp.get(), eventId.value, type.value, severity, userId.value,
                tenantId, organizationId.value, ip.value, userAgent.value, resource.value, action.value,
                result.value == null ? "success" : result.value, additionalData, flags, source));
    }

    private Optional<Instant> timestamp(String text, Instant earliest) {
        if (!TIMESTAMP.matcher(text).matches()) {
            return Optional.empty();
        }
        try {
            Instant instant = Instant.parse(text);
            if (instant.isBefore(earliest)
                    || instant.isAfter(clock.instant().plus(Duration.ofMinutes(MAX_CLOCK_SKEW_MINUTES)))) {
                return Optional.empty();
            }
            return Optional.of(instant);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private record Field(String value, Validation.Invalid problem) {
    }

    private static Field string(JsonNode node, String name, int maxLength) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return new Field(null, null);
        }
        if (!value.isTextual()) {
            return new Field(null, invalid("wrong_type", name));
        }
        if (value.textValue().length() > maxLength) {
            return new Field(null, invalid("too_long", name));
        }
        if (value.textValue().isEmpty()) {
            return new Field(null, invalid("empty_field", name));
        }
        return new Field(value.textValue(), null);
    }

    private static int depth(JsonNode node) {
        int deepest = 0;
        for (JsonNode child : node) {
            deepest = Math.max(deepest, depth(child));
        }
        return node.isContainerNode() ? deepest + 1 : 0;
    }

    private static Validation.Invalid invalid(String code, String field) {
        return new Validation.Invalid(code, field);
    }

    private static Set<String> union(Set<String> names, String extra) {
        Set<String> all = new java.util.HashSet<>(names);
        all.add(extra);
        return Set.copyOf(all);
    }

    private static Map<String, AuditSeverity> knownTypes() {
        Map<String, AuditSeverity> types = new HashMap<>();
        for (String type : List.of("auth_failure", "privilege_escalation", "data_breach")) {
            types.put(type, AuditSeverity.CRITICAL);
        }
        for (String type : List.of("login", "logout", "role_change", "data_export")) {
            types.put(type, AuditSeverity.HIGH);
        }
        for (String type : List.of("api_access", "prediction_request", "user_creation")) {
            types.put(type, AuditSeverity.MEDIUM);
        }
        for (String type : List.of("data_query", "report_generation")) {
            types.put(type, AuditSeverity.LOW);
        }
        for (AuditEventType type : AuditEventType.values()) {
            types.putIfAbsent(type.wireName(), type.severity());
        }
        return Map.copyOf(types);
    }

    private static Map<String, List<String>> knownFlags() {
        Map<String, List<String>> flags = new HashMap<>();
        for (AuditEventType type : AuditEventType.values()) {
            flags.put(type.wireName(), type.complianceFlags());
        }
        return Map.copyOf(flags);
    }
}
