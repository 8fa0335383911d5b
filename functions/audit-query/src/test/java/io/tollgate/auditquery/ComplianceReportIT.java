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
        assertEquals("CC6.1", report.get("sections").get("authentication").get("controls").asText());
        assertFalse(response.getBody().contains("u-1"), "counts, never user ids");
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
        assertTrue(response.getHeaders().get("Content-Security-Policy").contains("default-src 'none'"));
        String html = response.getBody();
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("<h2>mfa_coverage</h2>"));
        assertTrue(html.contains("<th>logins_succeeded</th><td>3</td>"), html);
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
}
