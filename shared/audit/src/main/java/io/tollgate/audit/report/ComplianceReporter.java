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
 * {@code GET /v1/compliance/report} (docs/openapi.yaml): one tenant's evidence over a time
 * range for one standard, computed from its audit chain and its user items — authentication
 * statistics, failed and locked logins, MFA coverage, privileged actions, role changes, signing-key
 * rotations (platform chain), retention runs, data-subject requests and their timeliness, open
 * alerts (anomaly decisions), reads of the trail (data access), and the chain verification result
 * over the range with the signed digests that prove it. Each section gets a verdict and
 * recommendations ({@link ControlAssessment}); events are also counted per day (ADR 0070).
 *
 * <p>Counts only: no event content, no user id. At most {@value #MAX_EVENTS} events are tallied
 * per chain; beyond that the report says {@code truncated} (narrow the range).
 */
public final class ComplianceReporter {

    public static final int MAX_EVENTS = 200_000;
    static final String PLATFORM_TENANT = "_platform";
    /** Ranges longer than this many days chart only the days that had events. */
    static final int MAX_CHART_DAYS = 400;
    private static final int DAY_LENGTH = "2026-01-01".length();
    /** Reads of the trail (ADR 0031's counts of who looked at the evidence): searches and verifications, reports, exports. */
    static final List<String> DATA_ACCESS = List.of("data_query", "report_generation", "data_export");
    static final List<String> PRIVILEGED = List.of("role_change", "privilege_escalation", "user_creation",
            "user_updated", "user_disabled", "user_enabled", "user_deleted", "tenant_settings_changed",
            "organization_created", "api_key_created", "api_key_revoked", "api_keys_revoked", "api_keys_revoked_all",
            "account_unlocked", "retention_changed",
            "legal_hold_changed");

    /** The standards and, per section, the controls it is evidence for. */
    public enum Standard {
        GDPR(Map.of("authentication", "Art. 32(1)(b)", "mfa_coverage", "Art. 32(1)(b)",
                "privileged_actions", "Art. 30, Art. 32(4)", "retention", "Art. 5(1)(e), Art. 17",
                "data_subject_requests", "Art. 12(3), Art. 15-17, Art. 20", "open_alerts", "Art. 33, Art. 32(1)(d)",
                "data_access", "Art. 30", "audit_chain", "Art. 5(2), Art. 30", "consent", "Art. 7(1), Art. 7(3)")),
        SOX(Map.of("authentication", "ITGC access: logical access", "failed_and_locked", "ITGC access: logical access",
                "privileged_actions", "ITGC access: privileged access", "role_changes", "ITGC change: user provisioning",
                "data_access", "ITGC access: monitoring", "audit_chain", "ITGC: audit trail integrity")),
        PCI(Map.ofEntries(Map.entry("authentication", "Req. 10.2.1"), Map.entry("failed_and_locked", "Req. 8.3.4"),
                Map.entry("mfa_coverage", "Req. 8.4"), Map.entry("privileged_actions", "Req. 10.2.1.2, 10.2.1.5"),
                Map.entry("role_changes", "Req. 7.2"), Map.entry("key_rotations", "Req. 3.7"),
                Map.entry("retention", "Req. 10.5.1"), Map.entry("open_alerts", "Req. 10.7, 12.10.5"),
                Map.entry("data_access", "Req. 10.2.1.1"), Map.entry("audit_chain", "Req. 10.3.4"))),
        ISO27001(Map.ofEntries(Map.entry("authentication", "A.8.5"), Map.entry("failed_and_locked", "A.8.5"),
                Map.entry("mfa_coverage", "A.8.5"), Map.entry("privileged_actions", "A.8.2"),
                Map.entry("role_changes", "A.5.18"), Map.entry("key_rotations", "A.8.24"), Map.entry("retention", "A.5.33"),
                Map.entry("data_subject_requests", "A.5.34"), Map.entry("open_alerts", "A.5.25, A.8.16"),
                Map.entry("data_access", "A.8.15"), Map.entry("audit_chain", "A.8.15"))),
        SOC2(Map.ofEntries(Map.entry("authentication", "CC6.1"), Map.entry("failed_and_locked", "CC6.1"),
                Map.entry("mfa_coverage", "CC6.1"), Map.entry("privileged_actions", "CC6.3"),
                Map.entry("role_changes", "CC6.2"), Map.entry("key_rotations", "CC6.1"), Map.entry("retention", "C1.2"),
                Map.entry("data_subject_requests", "P5.1, P5.2, P4.3"), Map.entry("open_alerts", "CC7.3, CC7.4"),
                Map.entry("data_access", "CC7.2"), Map.entry("audit_chain", "CC7.2"), Map.entry("consent", "P2.1")));

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
    private final String securityTable;
    private final ChainVerifier verifier;
    private final Clock clock;

    public ComplianceReporter(DynamoDbClient dynamoDb, String auditTable, String identityTable, String securityTable,
            ChainVerifier verifier, Clock clock) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.auditTable = Objects.requireNonNull(auditTable, "auditTable");
        this.identityTable = Objects.requireNonNull(identityTable, "identityTable");
        this.securityTable = Objects.requireNonNull(securityTable, "securityTable");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Counts of one chain over the range. */
    private static final class Tally {
        final Map<String, Map<String, Long>> byType = new TreeMap<>();
        final Set<String> signedIn = new HashSet<>();
        final Map<String, Long> purgedByClass = new TreeMap<>();
        final Set<String> retentionRuns = new HashSet<>();
        final Map<String, Long> perDay = new TreeMap<>();
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
        sections.put("data_subject_requests", dataSubjectRequests(tenantId, from, to));
        Map<String, Object> dataAccess = new LinkedHashMap<>();
        long reads = 0;
        for (String type : DATA_ACCESS) {
            dataAccess.put(type, tenant.count(type));
            reads += tenant.count(type);
        }
        dataAccess.put("total", reads);
        sections.put("data_access", dataAccess);
        sections.put("open_alerts", alerts(tenantId, from, to));
        // Consent changes in the range (ADR 0068): counts only, never who.
        sections.put("consent", Map.of("granted", tenant.count("consent_granted"),
                "withdrawn", tenant.count("consent_withdrawn")));
        VerificationReport verified = verifier.verify(tenantId, Optional.of(from), Optional.of(to));
        Map<String, Object> chain = new LinkedHashMap<>();
        chain.put("valid", verified.valid());
        chain.put("events_checked", verified.eventsChecked());
        chain.put("events_purged", verified.eventsPurged());
        chain.put("from_seq", verified.fromSeq());
        chain.put("to_seq", verified.toSeq());
        chain.put("digests_checked", verified.digestsChecked());
        chain.put("proving_digests", verified.provingDigests());
        verified.broken().ifPresent(b -> {
            chain.put("broken_at", b.seq());
            chain.put("reason", b.kind().wireName());
        });
        sections.put("audit_chain", chain);
        return assemble(new Header(tenantId, standard, from, to, clock.instant(), tenant.events,
                tenant.truncated || platform.truncated), sections, tenant.perDay);
    }

    /** What the report says about itself: whose, which standard, which period, when, how many events. */
    record Header(String tenantId, Standard standard, Instant from, Instant to, Instant generatedAt, long events,
            boolean truncated) {
    }

    /**
     * The report from its computed sections (all of them, in display order): keeps the standard's
     * sections, assesses each ({@link ControlAssessment}), and adds the overall status, the
     * recommendations and the events per day.
     */
    static Map<String, Object> assemble(Header header, Map<String, Object> sections, Map<String, Long> perDay) {
        Standard standard = header.standard();
        boolean truncated = header.truncated();
        Map<String, Object> selected = new LinkedHashMap<>();
        List<String> recommendations = new java.util.ArrayList<>();
        ControlAssessment.Status overall = ControlAssessment.Status.COMPLIANT;
        long compliant = 0;
        for (Map.Entry<String, Object> entry : sections.entrySet()) {
            String control = standard.controls.get(entry.getKey());
            if (control == null) {
                continue;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> figures = (Map<String, Object>) entry.getValue();
            ControlAssessment assessment = ControlAssessment.of(entry.getKey(), figures, truncated);
            Map<String, Object> section = new LinkedHashMap<>();
            section.put("controls", control);
            section.put("compliance_status", assessment.status().wireName());
            section.put("recommendations", assessment.recommendations());
            section.put("figures", figures);
            selected.put(entry.getKey(), section);
            recommendations.addAll(assessment.recommendations());
            compliant += assessment.status() == ControlAssessment.Status.COMPLIANT ? 1 : 0;
            if (assessment.status().compareTo(overall) > 0) {
                overall = assessment.status();
            }
        }
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("overall", overall.wireName());
        status.put("controls_compliant", compliant);
        status.put("controls_assessed", (long) selected.size());
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("tenant", header.tenantId());
        report.put("standard", standard.wireName());
        report.put("from", header.from().toString());
        report.put("to", header.to().toString());
        report.put("report_period", header.from() + " to " + header.to());
        report.put("generated_at", header.generatedAt().toString());
        report.put("events_in_range", header.events());
        report.put("truncated", truncated);
        report.put("compliance_status", status);
        report.put("recommendations", recommendations.stream().distinct().toList());
        report.put("events_per_day", eventsPerDay(perDay, header.from(), header.to()));
        report.put("sections", selected);
        return report;
    }

    /**
     * Events per UTC day of the range, oldest first, as {@code {date, events}}; days without
     * events count 0 unless the range is longer than {@value #MAX_CHART_DAYS} days.
     */
    static List<Map<String, Object>> eventsPerDay(Map<String, Long> perDay, Instant from, Instant to) {
        java.time.LocalDate first = from.atZone(java.time.ZoneOffset.UTC).toLocalDate();
        java.time.LocalDate last = to.minusNanos(1).atZone(java.time.ZoneOffset.UTC).toLocalDate();
        List<Map<String, Object>> days = new java.util.ArrayList<>();
        if (java.time.temporal.ChronoUnit.DAYS.between(first, last) >= MAX_CHART_DAYS) {
            perDay.forEach((day, n) -> days.add(Map.of("date", day, "events", n)));
            return days;
        }
        for (java.time.LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
            days.add(Map.of("date", day.toString(), "events", perDay.getOrDefault(day.toString(), 0L)));
        }
        return days;
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
                    .projectionExpression("event_type, #result, user_id, additional_data, #tsk");
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
                Attributes.string(item, AuditKeys.TIME_SK).filter(sk -> sk.length() >= DAY_LENGTH)
                        .ifPresent(sk -> tally.perDay.merge(sk.substring(0, DAY_LENGTH), 1L, Long::sum));
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

    /**
     * Data-subject requests received in the range (items {@code DSR#<id>} of the tenant partition,
     * ADR 0028): per type, and their timeliness against the 30-day deadline — completed on time,
     * completed late, refused, still open, open and overdue now.
     */
    private Map<String, Object> dataSubjectRequests(String tenantId, Instant from, Instant to) {
        Map<String, Long> byType = new TreeMap<>();
        long onTime = 0;
        long late = 0;
        long refused = 0;
        long open = 0;
        long openOverdue = 0;
        Instant now = clock.instant();
        for (Map<String, AttributeValue> item : queryAll(identityTable, Keys.tenantPartition(tenantId), "DSR#")) {
            Optional<Instant> received = Attributes.instantMillis(item, "received_at");
            if (received.isEmpty() || received.get().isBefore(from) || !received.get().isBefore(to)) {
                continue;
            }
            byType.merge(Attributes.string(item, "type").orElse("unknown"), 1L, Long::sum);
            Instant due = Attributes.instantMillis(item, "due_at").orElse(received.get());
            Optional<Instant> completed = Attributes.instantMillis(item, "completed_at");
            String status = Attributes.string(item, "status").orElse("");
            if ("refused".equals(status)) {
                refused++;
            } else if (completed.isPresent()) {
                if (completed.get().isAfter(due)) {
                    late++;
                } else {
                    onTime++;
                }
            } else {
                open++;
                if (now.isAfter(due)) {
                    openOverdue++;
                }
            }
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("received", byType.values().stream().mapToLong(Long::longValue).sum());
        figures.put("by_type", byType);
        figures.put("completed_on_time", onTime);
        figures.put("completed_late", late);
        figures.put("refused", refused);
        figures.put("open", open);
        figures.put("open_overdue", openOverdue);
        return figures;
    }

    /**
     * Anomaly-detection decisions (ADR 0020, security table {@code TENANT#<t>#DECISIONS}) whose
     * window ends in the range, by severity and rule, and how many of them are still open
     * ({@code pending}: decided, the action not yet confirmed).
     */
    private Map<String, Object> alerts(String tenantId, Instant from, Instant to) {
        Map<String, Long> bySeverity = new TreeMap<>();
        Map<String, Long> byRule = new TreeMap<>();
        long total = 0;
        long open = 0;
        String partition = Attributes.requiredString(Keys.detectionDecision(tenantId, "-"), Keys.PK);
        for (Map<String, AttributeValue> item : queryAll(securityTable, partition, "DECISION#")) {
            Instant windowEnd;
            try {
                windowEnd = Instant.parse(Attributes.string(item, "window_end").orElse(""));
            } catch (java.time.format.DateTimeParseException e) {
                continue;
            }
            if (windowEnd.isBefore(from) || !windowEnd.isBefore(to)) {
                continue;
            }
            total++;
            bySeverity.merge(Attributes.string(item, "severity").orElse("UNKNOWN"), 1L, Long::sum);
            byRule.merge(Attributes.string(item, "rule_id").orElse("unknown"), 1L, Long::sum);
            if ("pending".equals(Attributes.string(item, "status").orElse(""))) {
                open++;
            }
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("alerts", total);
        figures.put("open", open);
        figures.put("by_severity", bySeverity);
        figures.put("by_rule", byRule);
        return figures;
    }

    private List<Map<String, AttributeValue>> queryAll(String table, String partition, String skPrefix) {
        List<Map<String, AttributeValue>> items = new java.util.ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder query = QueryRequest.builder().tableName(table)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                    .expressionAttributeValues(Map.of(":pk", Attributes.s(partition), ":prefix", Attributes.s(skPrefix)));
            if (start != null) {
                query.exclusiveStartKey(start);
            }
            QueryResponse page = dynamoDb.query(query.build());
            items.addAll(page.items());
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return items;
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
