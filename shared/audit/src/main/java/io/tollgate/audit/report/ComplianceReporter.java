package io.tollgate.audit.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.audit.chain.AuditChain;
import io.tollgate.audit.chain.AuditKeys;
import io.tollgate.audit.chain.ChainVerifier;
import io.tollgate.audit.chain.VerificationReport;
import io.tollgate.http.ErrorCode;
import io.tollgate.http.ProblemException;
import io.tollgate.json.Json;
import io.tollgate.storage.Attributes;
import io.tollgate.storage.Keys;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * {@code GET /v1/compliance/report} (SPEC.md §3, issue 10): one tenant's evidence over a time
 * range for one standard, computed from its audit chain and its user items — authentication
 * statistics, failed and locked logins, MFA coverage, privileged actions, role changes, signing-key
 * rotations (platform chain), retention runs, and the chain verification result over the range.
 *
 * <p>Counts only: no event content, no user id. At most {@value #MAX_EVENTS} events are tallied
 * per chain; beyond that the report says {@code truncated} (narrow the range).
 */
public final class ComplianceReporter {

    public static final int MAX_EVENTS = 200_000;
    static final String PLATFORM_TENANT = "_platform";
    static final List<String> PRIVILEGED = List.of("role_change", "privilege_escalation", "user_creation",
            "user_updated", "user_disabled", "user_enabled", "user_deleted", "tenant_settings_changed",
            "organization_created", "api_key_created", "api_key_revoked", "account_unlocked", "retention_changed",
            "legal_hold_changed");

    /** The standards and, per section, the controls it is evidence for. */
    public enum Standard {
        GDPR(Map.of("authentication", "Art. 32(1)(b)", "mfa_coverage", "Art. 32(1)(b)",
                "privileged_actions", "Art. 30, Art. 32(4)", "retention", "Art. 5(1)(e), Art. 17",
                "audit_chain", "Art. 5(2), Art. 30")),
        SOX(Map.of("authentication", "ITGC access: logical access", "failed_and_locked", "ITGC access: logical access",
                "privileged_actions", "ITGC access: privileged access", "role_changes", "ITGC change: user provisioning",
                "audit_chain", "ITGC: audit trail integrity")),
        PCI(Map.of("authentication", "Req. 10.2.1", "failed_and_locked", "Req. 8.3.4", "mfa_coverage", "Req. 8.4",
                "privileged_actions", "Req. 10.2.1.2, 10.2.1.5", "role_changes", "Req. 7.2", "key_rotations", "Req. 3.7",
                "retention", "Req. 10.5.1", "audit_chain", "Req. 10.3.4")),
        ISO27001(Map.of("authentication", "A.8.5", "failed_and_locked", "A.8.5", "mfa_coverage", "A.8.5",
                "privileged_actions", "A.8.2", "role_changes", "A.5.18", "key_rotations", "A.8.24", "retention", "A.5.33",
                "audit_chain", "A.8.15")),
        SOC2(Map.of("authentication", "CC6.1", "failed_and_locked", "CC6.1", "mfa_coverage", "CC6.1",
                "privileged_actions", "CC6.3", "role_changes", "CC6.2", "key_rotations", "CC6.1", "retention", "C1.2",
                "audit_chain", "CC7.2"));

        private final Map<String, String> controls;

        Standard(Map<String, String> controls) {
            this.controls = controls;
        }

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Standard> of(String name) {
            for (Standard standard : values()) {
                if (standard.wireName().equals(name)) {
                    return Optional.of(standard);
                }
            }
            return Optional.empty();
        }
    }

    private final DynamoDbClient dynamoDb;
    private final String auditTable;
    private final String identityTable;
    private final ChainVerifier verifier;
    private final Clock clock;

    public ComplianceReporter(DynamoDbClient dynamoDb, String auditTable, String identityTable, ChainVerifier verifier,
            Clock clock) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.auditTable = Objects.requireNonNull(auditTable, "auditTable");
        this.identityTable = Objects.requireNonNull(identityTable, "identityTable");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Counts of one chain over the range. */
    private static final class Tally {
        final Map<String, Map<String, Long>> byType = new TreeMap<>();
        final Set<String> signedIn = new HashSet<>();
        final Map<String, Long> purgedByClass = new TreeMap<>();
        final Set<String> retentionRuns = new HashSet<>();
        long events;
        boolean truncated;

        long count(String type, String result) {
            return byType.getOrDefault(type, Map.of()).getOrDefault(result, 0L);
        }

        long count(String type) {
            return byType.getOrDefault(type, Map.of()).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** The report as a JSON-ready map; 400 naming the parameter when the range is wrong. */
    public Map<String, Object> report(String tenantId, Instant from, Instant to, Standard standard) {
        if (!from.isBefore(to)) {
            throw ProblemException.invalid(ErrorCode.VALIDATION_FAILED, "The report range is not valid",
                    List.of(new ProblemException.FieldError("to", "before_from", "to must be after from")));
        }
        Tally tenant = tally(tenantId, from, to);
        Map<String, Object> sections = new LinkedHashMap<>();
        sections.put("authentication", Map.of("logins_succeeded", tenant.count("login_success"),
                "logins_failed", tenant.count("auth_failure"), "distinct_users_signed_in", (long) tenant.signedIn.size(),
                "mfa_verified", tenant.count("mfa_verified"), "mfa_failed", tenant.count("mfa_failed"),
                "token_reuse_detected", tenant.count("token_reuse_detected")));
        sections.put("failed_and_locked", Map.of("failed_logins", tenant.count("auth_failure"),
                "accounts_locked", tenant.count("account_locked"), "ips_blocked", tenant.count("ip_blocked"),
                "accounts_unlocked", tenant.count("account_unlocked")));
        sections.put("mfa_coverage", mfaCoverage(tenantId));
        Map<String, Object> privileged = new LinkedHashMap<>();
        long privilegedTotal = 0;
        for (String type : PRIVILEGED) {
            long n = tenant.count(type);
            if (n > 0) {
                privileged.put(type, n);
                privilegedTotal += n;
            }
        }
        sections.put("privileged_actions", Map.of("total", privilegedTotal, "by_type", privileged,
                "denied", PRIVILEGED.stream().mapToLong(t -> tenant.count(t, "denied") + tenant.count(t, "failure")).sum()));
        sections.put("role_changes", Map.of("role_changes", tenant.count("role_change"),
                "privilege_escalation_attempts", tenant.count("privilege_escalation")));
        Tally platform = tally(PLATFORM_TENANT, from, to);
        sections.put("key_rotations", Map.of("signing_key_rotations", platform.count("key_rotation")));
        sections.put("retention", Map.of("runs", (long) tenant.retentionRuns.size(), "purged_by_class",
                tenant.purgedByClass, "retention_changes", tenant.count("retention_changed"),
                "legal_hold_changes", tenant.count("legal_hold_changed")));
        VerificationReport verified = verifier.verify(tenantId, Optional.of(from), Optional.of(to));
        Map<String, Object> chain = new LinkedHashMap<>();
        chain.put("valid", verified.valid());
        chain.put("events_checked", verified.eventsChecked());
        chain.put("events_purged", verified.eventsPurged());
        chain.put("from_seq", verified.fromSeq());
        chain.put("to_seq", verified.toSeq());
        verified.broken().ifPresent(b -> {
            chain.put("broken_at", b.seq());
            chain.put("reason", b.kind().wireName());
        });
        sections.put("audit_chain", chain);

        Map<String, Object> selected = new LinkedHashMap<>();
        sections.forEach((name, body) -> {
            String control = standard.controls.get(name);
            if (control != null) {
                Map<String, Object> section = new LinkedHashMap<>();
                section.put("controls", control);
                section.put("figures", body);
                selected.put(name, section);
            }
        });
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("tenant", tenantId);
        report.put("standard", standard.wireName());
        report.put("from", from.toString());
        report.put("to", to.toString());
        report.put("generated_at", clock.instant().toString());
        report.put("events_in_range", tenant.events);
        report.put("truncated", tenant.truncated || platform.truncated);
        report.put("sections", selected);
        return report;
    }

    private Tally tally(String tenantId, Instant from, Instant to) {
        Tally tally = new Tally();
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder query = QueryRequest.builder().tableName(auditTable).indexName(AuditKeys.TIME_INDEX)
                    .keyConditionExpression("#tpk = :pk AND #tsk BETWEEN :from AND :to")
                    .expressionAttributeNames(Map.of("#tpk", AuditKeys.TIME_PK, "#tsk", AuditKeys.TIME_SK,
                            "#result", "result"))
                    .expressionAttributeValues(Map.of(":pk", Attributes.s(AuditKeys.chainPartition(tenantId)),
                            ":from", Attributes.s(AuditChain.formatTimestamp(from)),
                            ":to", Attributes.s(AuditChain.formatTimestamp(to))))
                    .projectionExpression("event_type, #result, user_id, additional_data");
            if (start != null) {
                query.exclusiveStartKey(start);
            }
            QueryResponse page = dynamoDb.query(query.build());
            for (Map<String, AttributeValue> item : page.items()) {
                if (tally.events >= MAX_EVENTS) {
                    tally.truncated = true;
                    return tally;
                }
                tally.events++;
                String type = Attributes.string(item, "event_type").orElse("");
                String result = Attributes.string(item, "result").orElse("");
                tally.byType.computeIfAbsent(type, t -> new TreeMap<>()).merge(result, 1L, Long::sum);
                if ("login_success".equals(type)) {
                    Attributes.string(item, "user_id").ifPresent(tally.signedIn::add);
                }
                if ("retention_purge".equals(type)) {
                    retention(tally, Attributes.string(item, "additional_data").orElse("{}"));
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return tally;
    }

    private static void retention(Tally tally, String additionalData) {
        try {
            JsonNode data = Json.mapper().readTree(additionalData);
            if (data.path("run_id").isTextual()) {
                tally.retentionRuns.add(data.get("run_id").asText());
            }
            if (data.path("data_class").isTextual() && data.path("count").canConvertToLong()) {
                tally.purgedByClass.merge(data.get("data_class").asText(), data.get("count").asLong(), Long::sum);
            }
        } catch (JsonProcessingException e) {
            // an unreadable detail does not count; the chain verification reports edits
        }
    }

    private Map<String, Object> mfaCoverage(String tenantId) {
        long active = 0;
        long withMfa = 0;
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder query = QueryRequest.builder().tableName(identityTable)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :user)")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(Map.of(":pk", Attributes.s(Keys.tenantPartition(tenantId)),
                            ":user", Attributes.s("USER#")))
                    .projectionExpression("#status, mfa_methods");
            if (start != null) {
                query.exclusiveStartKey(start);
            }
            QueryResponse page = dynamoDb.query(query.build());
            for (Map<String, AttributeValue> item : page.items()) {
                if (!"ACTIVE".equals(Attributes.string(item, "status").orElse(""))) {
                    continue;
                }
                active++;
                if (!Attributes.stringList(item, "mfa_methods").isEmpty()) {
                    withMfa++;
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        Map<String, Object> coverage = new LinkedHashMap<>();
        coverage.put("active_users", active);
        coverage.put("users_with_mfa", withMfa);
        coverage.put("coverage_percent", active == 0 ? 0.0 : Math.round(withMfa * 1000.0 / active) / 10.0);
        return coverage;
    }
}
