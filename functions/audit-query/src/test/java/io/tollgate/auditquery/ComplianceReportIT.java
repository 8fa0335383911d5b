package io.tollgate.auditquery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.AuditSeverity;
import io.tollgate.audit.testing.AuditTestbed;
import io.tollgate.json.Json;
import io.tollgate.storage.Attributes;
import io.tollgate.storage.Keys;
import io.tollgate.testing.Testbed;
import io.tollgate.user.UserAccount;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** {@code GET /v1/compliance/report} through its sample event, over a fresh tenant's chain and users. */
class ComplianceReportIT {

    private final AuditTestbed bed = new AuditTestbed();
    private final AuditQueryHandler handler = new AuditQueryHandler(bed.audit);
    private UserAccount alice;
    private Instant now;

    private AuditEvent event(String type, AuditSeverity severity, String user, String result, Map<String, Object> data,
            Duration ago) {
        return new AuditEvent(now.minus(ago), UUID.randomUUID().toString(), type, severity, user, alice.tenantId(), null,
                "192.0.2.7", "curl/8", null, null, result, data, List.of());
    }

    @BeforeEach
    void chain() {
        alice = bed.testbed.newTenant();
        now = bed.testbed.clock.instant();
        List<AuditEvent> events = new ArrayList<>();
        events.add(event("login_success", AuditSeverity.HIGH, "u-1", "success", Map.of(), Duration.ofDays(3)));
        events.add(event("login_success", AuditSeverity.HIGH, "u-1", "success", Map.of(), Duration.ofDays(2)));
        events.add(event("login_success", AuditSeverity.HIGH, "u-2", "success", Map.of(), Duration.ofDays(2)));
        events.add(event("auth_failure", AuditSeverity.CRITICAL, "u-2", "failure", Map.of(), Duration.ofDays(2)));
        events.add(event("account_locked", AuditSeverity.HIGH, "u-2", "success", Map.of(), Duration.ofDays(2)));
        events.add(event("role_change", AuditSeverity.HIGH, "u-9", "success", Map.of(), Duration.ofDays(1)));
        events.add(event("role_change", AuditSeverity.HIGH, "u-9", "denied", Map.of(), Duration.ofDays(1)));
        events.add(event("retention_purge", AuditSeverity.HIGH, "system:retention", "success",
                Map.of("run_id", "r-1", "data_class", "api_logs", "count", 5), Duration.ofHours(5)));
        events.add(event("login_success", AuditSeverity.HIGH, "u-3", "success", Map.of(), Duration.ofDays(60)));
        bed.audit.ingestion().ingest(events.stream().map(AuditTestbed::message).toList());
    }

    private APIGatewayV2HTTPEvent sample(String standard, String accept) {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent("../../events/compliance-report.json");
        Map<String, Object> context = new HashMap<>(event.getRequestContext().getAuthorizer().getLambda());
        context.put("tenant", alice.tenantId());
        event.getRequestContext().getAuthorizer().setLambda(context);
        Map<String, String> query = new HashMap<>(Map.of("from", now.minus(Duration.ofDays(30)).toString(),
                "to", now.plusSeconds(1).toString()));
        if (standard != null) {
            query.put("standard", standard);
        }
        event.setQueryStringParameters(query);
        Map<String, String> headers = new HashMap<>(event.getHeaders());
        headers.put("accept", accept);
        event.setHeaders(headers);
        return event;
    }

    private static JsonNode figures(JsonNode report, String section) {
        return report.get("sections").get(section).get("figures");
    }

    @Test
    void reportWhenSoc2ThenCountsOfTheRangeOnlyAndValidChain() throws Exception {
        APIGatewayV2HTTPResponse response = handler.handleRequest(sample("soc2", "application/json"), null);
        assertEquals(200, response.getStatusCode(), response.getBody());
        JsonNode report = Json.mapper().readTree(response.getBody());
        assertEquals(8, report.get("events_in_range").asLong(), "the 60-day-old login is outside the range");
        JsonNode auth = figures(report, "authentication");
        assertEquals(3, auth.get("logins_succeeded").asLong());
        assertEquals(2, auth.get("distinct_users_signed_in").asLong());
        assertEquals(1, auth.get("logins_failed").asLong());
        assertEquals(1, figures(report, "failed_and_locked").get("accounts_locked").asLong());
        assertEquals(2, figures(report, "role_changes").get("role_changes").asLong());
        assertEquals(1, figures(report, "privileged_actions").get("denied").asLong());
        assertEquals(5, figures(report, "retention").get("purged_by_class").get("api_logs").asLong());
        assertEquals(1, figures(report, "retention").get("runs").asLong());
        JsonNode mfa = figures(report, "mfa_coverage");
        assertEquals(1, mfa.get("active_users").asLong());
        assertEquals(0, mfa.get("users_with_mfa").asLong());
        assertTrue(figures(report, "audit_chain").get("valid").asBoolean());
        assertEquals("compliant", report.get("sections").get("audit_chain").get("compliance_status").asText());
        assertEquals("compliant", report.get("sections").get("role_changes").get("compliance_status").asText());
        assertEquals("attention", report.get("sections").get("privileged_actions").get("compliance_status").asText(),
                "the denied role change is a finding");
        assertEquals("non_compliant", report.get("sections").get("mfa_coverage").get("compliance_status").asText(),
                "the only active user has no second factor");
        assertEquals("non_compliant", report.get("compliance_status").get("overall").asText());
        assertTrue(report.get("recommendations").toString().contains("Enrol the 1 active user(s)"), report.toString());
        assertEquals("CC6.1", report.get("sections").get("authentication").get("controls").asText());
        assertFalse(response.getBody().contains("u-1"), "counts, never user ids");
    }

    private void putRequest(String type, String status, Duration receivedAgo, Duration completedAfter) {
        Instant received = now.minus(receivedAgo);
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(Keys.PK, Attributes.s(Keys.tenantPartition(alice.tenantId())));
        item.put(Keys.SK, Attributes.s("DSR#" + UUID.randomUUID()));
        item.put("type", Attributes.s(type));
        item.put("status", Attributes.s(status));
        item.put("received_at", Attributes.epochMillis(received));
        item.put("due_at", Attributes.epochMillis(received.plus(Duration.ofDays(30))));
        if (completedAfter != null) {
            item.put("completed_at", Attributes.epochMillis(received.plus(completedAfter)));
        }
        bed.testbed.services.dynamoDb().putItem(r -> r.tableName(Testbed.TABLES.identity()).item(item));
    }

    private void putDecision(String severity, String status, Duration windowEndAgo) {
        Map<String, AttributeValue> item = new HashMap<>(Keys.detectionDecision(alice.tenantId(), UUID.randomUUID().toString()));
        item.put("rule_id", Attributes.s("cross_account_brute_force"));
        item.put("severity", Attributes.s(severity));
        item.put("status", Attributes.s(status));
        item.put("window_end", Attributes.s(now.minus(windowEndAgo).toString()));
        bed.testbed.services.dynamoDb().putItem(r -> r.tableName(Testbed.TABLES.security()).item(item));
    }

    @Test
    void reportWhenGdprThenDataSubjectRequestsTimelinessAndOpenAlerts() throws Exception {
        putRequest("access", "completed", Duration.ofDays(10), Duration.ofHours(1));
        putRequest("erasure", "completed", Duration.ofDays(29), Duration.ofDays(31));
        putRequest("export", "received", Duration.ofDays(29), null);
        putRequest("erasure", "refused", Duration.ofDays(3), Duration.ZERO);
        putRequest("access", "completed", Duration.ofDays(90), Duration.ofHours(1));
        putDecision("HIGH", "pending", Duration.ofDays(1));
        putDecision("HIGH", "acted", Duration.ofDays(2));
        putDecision("CRITICAL", "pending", Duration.ofDays(45));
        bed.testbed.clock.advance(Duration.ofDays(5));

        JsonNode report = Json.mapper().readTree(handler.handleRequest(sample("gdpr", "application/json"), null).getBody());

        JsonNode dsr = figures(report, "data_subject_requests");
        assertEquals(4, dsr.get("received").asLong(), "the 90-day-old request is outside the range");
        assertEquals(1, dsr.get("by_type").get("access").asLong());
        assertEquals(2, dsr.get("by_type").get("erasure").asLong());
        assertEquals(1, dsr.get("completed_on_time").asLong());
        assertEquals(1, dsr.get("completed_late").asLong());
        assertEquals(1, dsr.get("refused").asLong());
        assertEquals(1, dsr.get("open").asLong());
        assertEquals(1, dsr.get("open_overdue").asLong(), "received 29 days before, 5 days later: past 30 days");
        JsonNode alerts = figures(report, "open_alerts");
        assertEquals(2, alerts.get("alerts").asLong());
        assertEquals(1, alerts.get("open").asLong());
        assertEquals(2, alerts.get("by_severity").get("HIGH").asLong());
        assertEquals("Art. 12(3), Art. 15-17, Art. 20",
                report.get("sections").get("data_subject_requests").get("controls").asText());
    }

    @Test
    void reportWhenConsentChangedInTheRangeThenGdprAndSoc2CountGrantsAndWithdrawals() throws Exception {
        bed.audit.ingestion().ingest(List.of(
                event("consent_granted", AuditSeverity.MEDIUM, "u-1", "success", Map.of("purpose", "analytics", "version", 1),
                        Duration.ofHours(3)),
                event("consent_granted", AuditSeverity.MEDIUM, "u-2", "success", Map.of("purpose", "analytics", "version", 1),
                        Duration.ofHours(2)),
                event("consent_withdrawn", AuditSeverity.MEDIUM, "u-1", "success", Map.of("purpose", "analytics", "version", 1),
                        Duration.ofHours(1)),
                event("consent_granted", AuditSeverity.MEDIUM, "u-3", "success", Map.of("purpose", "analytics", "version", 1),
                        Duration.ofDays(60))).stream().map(AuditTestbed::message).toList());
        for (String standard : List.of("gdpr", "soc2")) {
            JsonNode report = Json.mapper().readTree(handler.handleRequest(sample(standard, "application/json"), null)
                    .getBody());
            JsonNode consent = figures(report, "consent");
            assertEquals(2, consent.get("granted").asLong(), standard + ": the 60-day-old grant is outside the range");
            assertEquals(1, consent.get("withdrawn").asLong(), standard);
        }
        JsonNode sox = Json.mapper().readTree(handler.handleRequest(sample("sox", "application/json"), null).getBody());
        assertFalse(sox.get("sections").has("consent"));
    }

    @Test
    void reportWhenGdprThenOnlyItsSections() throws Exception {
        JsonNode report = Json.mapper().readTree(handler.handleRequest(sample("gdpr", "application/json"), null).getBody());
        assertTrue(report.get("sections").has("retention"));
        assertFalse(report.get("sections").has("key_rotations"));
        assertFalse(report.get("sections").has("failed_and_locked"));
    }

    @Test
    void reportWhenAcceptHtmlThenEscapedHtmlWithTheSameFigures() {
        APIGatewayV2HTTPResponse response = handler.handleRequest(sample("pci", "text/html,application/xhtml+xml"), null);
        assertEquals(200, response.getStatusCode(), response.getBody());
        assertTrue(response.getHeaders().get("Content-Type").startsWith("text/html"));
        assertTrue(response.getHeaders().get("Content-Security-Policy")
                .startsWith("default-src 'none'; style-src 'sha256-"));
        String html = response.getBody();
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("<h3>MFA coverage <span class=\"badge"), html);
        assertTrue(html.contains("<th>Successful logins</th><td class=\"num\">3</td>"), html);
        assertFalse(html.contains("<script"));
    }

    @Test
    void reportWhenStandardMissingOrRangeReversedThen400NamingTheParameter() throws Exception {
        APIGatewayV2HTTPResponse missing = handler.handleRequest(sample(null, "application/json"), null);
        assertEquals(400, missing.getStatusCode());
        assertEquals("standard", Json.mapper().readTree(missing.getBody()).get("errors").get(0).get("field").asText());
        APIGatewayV2HTTPEvent reversed = sample("sox", "application/json");
        reversed.setQueryStringParameters(Map.of("from", now.toString(), "to", now.minusSeconds(60).toString(),
                "standard", "sox"));
        APIGatewayV2HTTPResponse bad = handler.handleRequest(reversed, null);
        assertEquals(400, bad.getStatusCode());
        assertEquals("to", Json.mapper().readTree(bad.getBody()).get("errors").get(0).get("field").asText());
    }

    @Test
    void reportWhenGeneratedThenAuditedAsReportGenerationWithItsParametersNotItsFigures() throws Exception {
        APIGatewayV2HTTPResponse response = handler.handleRequest(sample("soc2", "application/json"), null);
        assertEquals(200, response.getStatusCode(), response.getBody());

        List<AuditEvent> generated = bed.testbed.audit.ofType("report_generation");
        assertEquals(1, generated.size());
        assertEquals(AuditSeverity.LOW, generated.getFirst().severity());
        assertEquals("compliance_report", generated.getFirst().resource());
        @SuppressWarnings("unchecked")
        Map<String, Object> parameters = (Map<String, Object>) generated.getFirst().additionalData().get("parameters");
        assertEquals("soc2", parameters.get("standard"));
        assertEquals("json", parameters.get("format"));
        assertTrue(parameters.containsKey("from") && parameters.containsKey("to"), parameters.toString());
        assertEquals(4, parameters.size(), "the parameters only, never the report's figures: " + parameters);
    }
}
