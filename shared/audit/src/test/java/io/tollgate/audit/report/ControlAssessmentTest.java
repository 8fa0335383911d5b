package io.tollgate.audit.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Per-control verdicts and the report's JSON shape (seed shape: compliance_status, recommendations, data access). */
class ControlAssessmentTest {

    @Test
    void ofWhenMfaPartialThenAttentionNamingTheUsersToEnrol() {
        ControlAssessment assessment = ControlAssessment.of("mfa_coverage",
                Map.of("active_users", 10L, "users_with_mfa", 7L, "coverage_percent", 70.0), false);
        assertEquals(ControlAssessment.Status.ATTENTION, assessment.status());
        assertTrue(assessment.recommendations().getFirst().contains("Enrol the 3 active user(s)"));
        assertEquals(ControlAssessment.Status.NON_COMPLIANT, ControlAssessment.of("mfa_coverage",
                Map.of("active_users", 10L, "users_with_mfa", 0L), false).status());
        assertEquals(ControlAssessment.Status.COMPLIANT, ControlAssessment.of("mfa_coverage",
                Map.of("active_users", 10L, "users_with_mfa", 10L), false).status());
    }

    @Test
    void ofWhenChainBrokenThenNonCompliant() {
        assertEquals(ControlAssessment.Status.NON_COMPLIANT,
                ControlAssessment.of("audit_chain", Map.of("valid", false, "broken_at", 4L), false).status());
        ControlAssessment intact = ControlAssessment.of("audit_chain", Map.of("valid", true), false);
        assertEquals(ControlAssessment.Status.COMPLIANT, intact.status());
        assertTrue(intact.recommendations().isEmpty());
    }

    @Test
    void ofWhenDataSubjectRequestLateOrOverdueThenNonCompliant() {
        assertEquals(ControlAssessment.Status.NON_COMPLIANT, ControlAssessment.of("data_subject_requests",
                Map.of("received", 2L, "completed_late", 1L), false).status());
        assertEquals(ControlAssessment.Status.NON_COMPLIANT, ControlAssessment.of("data_subject_requests",
                Map.of("received", 2L, "open", 1L, "open_overdue", 1L), false).status());
        assertEquals(ControlAssessment.Status.NO_EVIDENCE, ControlAssessment.of("data_subject_requests",
                Map.of("received", 0L), false).status());
    }

    @Test
    void ofWhenTallyTruncatedThenAtBestAttention() {
        ControlAssessment truncated = ControlAssessment.of("authentication", Map.of("logins_succeeded", 5L), true);
        assertEquals(ControlAssessment.Status.ATTENTION, truncated.status());
        assertTrue(truncated.recommendations().contains("Narrow the period: the event tally was truncated."));
        assertEquals(ControlAssessment.Status.NON_COMPLIANT,
                ControlAssessment.of("audit_chain", Map.of("valid", false), true).status(), "worse verdicts stay");
    }

    @Test
    void assembleWhenSectionsComputedThenSeedShapePerControlAndOverall() {
        Map<String, Object> report = SampleReports.report("tenant-a", ComplianceReporter.Standard.PCI);
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> sections = (Map<String, Map<String, Object>>) report.get("sections");
        assertEquals(List.of("authentication", "failed_and_locked", "mfa_coverage", "privileged_actions", "role_changes",
                "key_rotations", "retention", "open_alerts", "data_access", "audit_chain"), List.copyOf(sections.keySet()));
        for (Map<String, Object> section : sections.values()) {
            assertEquals(List.of("controls", "compliance_status", "recommendations", "figures"), List.copyOf(section.keySet()));
        }
        assertEquals("Req. 10.2.1.1", sections.get("data_access").get("controls"));
        assertEquals(Map.of("data_query", 18L, "report_generation", 2L, "data_export", 1L, "total", 21L),
                sections.get("data_access").get("figures"));
        assertEquals(Map.of("overall", "attention", "controls_compliant", 8L, "controls_assessed", 10L),
                report.get("compliance_status"));
        assertEquals(2, ((List<?>) report.get("recommendations")).size(), report.get("recommendations").toString());
        assertEquals("2026-11-01T00:00:00Z to 2026-12-01T00:00:00Z", report.get("report_period"));
    }

    @Test
    void eventsPerDayWhenQuietDaysThenZeroFilledInUtcDays() {
        List<Map<String, Object>> days = ComplianceReporter.eventsPerDay(Map.of("2026-03-02", 4L),
                Instant.parse("2026-03-01T12:00:00Z"), Instant.parse("2026-03-04T00:00:00Z"));
        assertEquals(List.of(Map.of("date", "2026-03-01", "events", 0L), Map.of("date", "2026-03-02", "events", 4L),
                Map.of("date", "2026-03-03", "events", 0L)), days);
        Map<String, Long> sparse = new LinkedHashMap<>();
        sparse.put("2020-01-05", 1L);
        assertEquals(1, ComplianceReporter.eventsPerDay(sparse, Instant.parse("2020-01-01T00:00:00Z"),
                Instant.parse("2026-01-01T00:00:00Z")).size(), "a multi-year range charts only the days with events");
    }
}
