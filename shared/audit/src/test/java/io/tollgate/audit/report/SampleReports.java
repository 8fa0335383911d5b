package io.tollgate.audit.report;

import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A month of plausible figures for one tenant, assembled into a report by the production
 * {@link ComplianceReporter#assemble}: the input of the HTML unit tests and of the Chromium
 * rendering that produces docs/compliance-report.png.
 */
final class SampleReports {

    static final Instant FROM = Instant.parse("2026-11-01T00:00:00Z");
    static final Instant TO = Instant.parse("2026-12-01T00:00:00Z");
    static final Instant GENERATED = Instant.parse("2026-12-01T08:30:00Z");

    private SampleReports() {
    }

    static Map<String, Object> report(String tenant, ComplianceReporter.Standard standard) {
        Map<String, Object> sections = new LinkedHashMap<>();
        sections.put("authentication", figures("logins_succeeded", 1_284L, "logins_failed", 37L,
                "distinct_users_signed_in", 212L, "mfa_verified", 1_190L, "mfa_failed", 9L, "token_reuse_detected", 0L));
        sections.put("failed_and_locked", figures("failed_logins", 37L, "accounts_locked", 2L, "ips_blocked", 0L,
                "accounts_unlocked", 2L));
        sections.put("mfa_coverage", figures("active_users", 240L, "users_with_mfa", 228L, "coverage_percent", 95.0));
        sections.put("privileged_actions", figures("total", 41L, "by_type",
                new TreeMap<>(Map.of("role_change", 6L, "user_creation", 30L, "api_key_created", 5L)), "denied", 0L));
        sections.put("role_changes", figures("role_changes", 6L, "privilege_escalation_attempts", 0L));
        sections.put("key_rotations", figures("signing_key_rotations", 1L));
        sections.put("retention", figures("runs", 30L, "purged_by_class", new TreeMap<>(Map.of("api_logs", 5_120L)),
                "retention_changes", 0L, "legal_hold_changes", 0L));
        sections.put("data_subject_requests", figures("received", 3L, "by_type",
                new TreeMap<>(Map.of("access", 2L, "erasure", 1L)), "completed_on_time", 3L, "completed_late", 0L,
                "refused", 0L, "open", 0L, "open_overdue", 0L));
        sections.put("open_alerts", figures("alerts", 4L, "open", 1L, "by_severity", new TreeMap<>(Map.of("HIGH", 4L)),
                "by_rule", new TreeMap<>(Map.of("brute_force_user", 3L, "impossible_travel", 1L))));
        sections.put("data_access", figures("data_query", 18L, "report_generation", 2L, "data_export", 1L, "total", 21L));
        sections.put("audit_chain", figures("valid", true, "events_checked", 1_733L, "events_purged", 0L,
                "from_seq", 10_412L, "to_seq", 12_144L, "digests_checked", 31L, "proving_digests", List.of(412L, 413L, 442L)));
        Map<String, Long> perDay = new TreeMap<>();
        for (LocalDate day = LocalDate.parse("2026-11-01"); day.isBefore(LocalDate.parse("2026-12-01")); day = day.plusDays(1)) {
            boolean weekend = day.getDayOfWeek().getValue() >= 6;
            perDay.put(day.toString(), weekend ? 8L + day.getDayOfMonth() % 5 : 50L + (day.getDayOfMonth() * 37L) % 41);
        }
        long events = perDay.values().stream().mapToLong(Long::longValue).sum();
        return ComplianceReporter.assemble(new ComplianceReporter.Header(tenant, standard, FROM, TO, GENERATED, events,
                false), sections, perDay);
    }

    private static Map<String, Object> figures(Object... keysAndValues) {
        Map<String, Object> figures = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            figures.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return figures;
    }
}
