package io.tollgate.alerting.trail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.AuditEventType;
import io.tollgate.audit.AuditSeverity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class OcsfMappingTest {

    private static final Instant AT = Instant.parse("2026-03-01T10:15:30.123Z");

    private static AuditEvent event(String type, AuditSeverity severity, String result, String user, String source) {
        return new AuditEvent(AT, "e-1", type, severity, user, "acme", "org-1", "203.0.113.7", "curl/8", "session",
                "create", result, Map.of("rule", "credential-stuffing", "n", 3), List.of("pci", "soc2"), source);
    }

    /** The rows of the mapping table in docs/siem-ocsf.md: wire name → "class_uid activity_id severity_id". */
    private static Map<String, String> documentedRows() throws IOException {
        Path doc = Path.of("").toAbsolutePath();
        while (doc != null && !Files.exists(doc.resolve("docs/siem-ocsf.md"))) {
            doc = doc.getParent();
        }
        assertTrue(doc != null, "docs/siem-ocsf.md not found above the module");
        Map<String, String> rows = new HashMap<>();
        Pattern row = Pattern.compile("^\\| `([a-z_]+)` \\| [^|]+ \\((\\d{4})\\) \\| (\\d+) [^|]*\\| (\\d) [^|]*\\|");
        for (String line : Files.readAllLines(doc.resolve("docs/siem-ocsf.md"))) {
            Matcher m = row.matcher(line);
            if (m.find()) {
                rows.put(m.group(1), m.group(2) + " " + m.group(3) + " " + m.group(4));
            }
        }
        return rows;
    }

    @Test
    void activityWhenAnyOwnEventTypeThenOneOfTheFourClassesAndDocumentedInTheTable() throws IOException {
        Map<String, String> documented = documentedRows();
        List<String> wrong = new ArrayList<>();
        for (AuditEventType type : AuditEventType.values()) {
            OcsfActivity activity = OcsfMapping.activity(type);
            String expected = activity.ocsfClass().uid() + " " + activity.activityId() + " "
                    + OcsfMapping.severityId(type.severity());
            if (!expected.equals(documented.get(type.wireName()))) {
                wrong.add(type.wireName() + " mapped " + expected + " documented " + documented.get(type.wireName()));
            }
            assertEquals(activity, OcsfMapping.activity(type.wireName()));
        }
        assertEquals(List.of(), wrong, "every AuditEventType has a row in docs/siem-ocsf.md matching its mapping");
        assertEquals(AuditEventType.values().length, documented.size(), "the table has no row for a type that does not exist");
    }

    @Test
    void mapWhenFailedLoginThenAuthenticationLogonFailureCriticalWithRawEventUnmapped() {
        Map<String, Object> ocsf = OcsfMapping.map(42, "h42", event("auth_failure", AuditSeverity.CRITICAL, "failure", null,
                "tollgate"));
        assertEquals(3002, ocsf.get("class_uid"));
        assertEquals(3, ocsf.get("category_uid"));
        assertEquals(1, ocsf.get("activity_id"));
        assertEquals(300201L, ocsf.get("type_uid"));
        assertEquals(5, ocsf.get("severity_id"));
        assertEquals(2, ocsf.get("status_id"));
        assertEquals(AT.toEpochMilli(), ocsf.get("time"));
        assertEquals(Map.of("ip", "203.0.113.7"), ocsf.get("src_endpoint"));
        @SuppressWarnings("unchecked")
        Map<String, Object> metadata = (Map<String, Object>) ocsf.get("metadata");
        assertEquals(42L, metadata.get("sequence"));
        assertEquals("e-1", metadata.get("uid"));
        assertEquals("acme", metadata.get("tenant_uid"));
        assertEquals(OcsfMapping.OCSF_VERSION, metadata.get("version"));
        @SuppressWarnings("unchecked")
        Map<String, Object> raw = (Map<String, Object>) ((Map<String, Object>) ocsf.get("unmapped")).get(OcsfMapping.RAW);
        assertEquals("auth_failure", raw.get("event_type"));
        assertEquals("203.0.113.7", raw.get("ip_address"));
        assertEquals("h42", raw.get("hash"));
        assertEquals(42L, raw.get("seq"));
        assertEquals(Map.of("rule", "credential-stuffing", "n", 3), raw.get("additional_data"));
    }

    @Test
    void mapWhenSecurityAlertThenDetectionFindingWithRuleAsTitle() {
        Map<String, Object> ocsf = OcsfMapping.map(7, "h", event("security_alert", AuditSeverity.HIGH, "success", null,
                null));
        assertEquals(2004, ocsf.get("class_uid"));
        assertEquals(4, ocsf.get("severity_id"));
        @SuppressWarnings("unchecked")
        Map<String, Object> finding = (Map<String, Object>) ocsf.get("finding_info");
        assertEquals("credential-stuffing", finding.get("title"));
        assertEquals("e-1", finding.get("uid"));
    }

    @Test
    void mapWhenSubmittedHostTypeThenApiActivityOtherNamedAfterTheTypeWithTheSubmitterAsApp() {
        Map<String, Object> ocsf = OcsfMapping.map(3, "h", event("acme.invoice_paid", AuditSeverity.MEDIUM, "success",
                "u-1", "api_key:tg_ab12"));
        assertEquals(6003, ocsf.get("class_uid"));
        assertEquals(99, ocsf.get("activity_id"));
        assertEquals("acme.invoice_paid", ocsf.get("activity_name"));
        assertEquals(3, ocsf.get("severity_id"));
        assertEquals(1, ocsf.get("status_id"));
        assertEquals(Map.of("operation", "create"), ocsf.get("api"));
        assertEquals(Map.of("user", Map.of("uid", "u-1"), "app_name", "api_key:tg_ab12"), ocsf.get("actor"));
        assertFalse(ocsf.containsKey("user"), "API Activity names the acting user only");
    }

    @Test
    void mapWhenSubjectErasedThenNoAddressInSrcEndpointAndTheErasedMarkerOnlyInUnmapped() {
        AuditEvent erased = new AuditEvent(AT, "e-2", "login_success", AuditSeverity.HIGH, "u-1", "acme", null,
                "[erased personal data]", "[erased personal data]", null, null, "success", Map.of(), List.of(), null);
        Map<String, Object> ocsf = OcsfMapping.map(9, "h", erased);
        assertEquals(Map.of(), ocsf.get("src_endpoint"));
        assertEquals(Map.of("uid", "u-1"), ocsf.get("user"));
        assertEquals(true, ocsf.containsKey("is_mfa"));
    }

    @Test
    void statusIdWhenResultIsNeitherSuccessNorFailureThenOther() {
        assertEquals(1, OcsfMapping.statusId("success"));
        assertEquals(2, OcsfMapping.statusId("failure"));
        assertEquals(2, OcsfMapping.statusId("denied"));
        assertEquals(99, OcsfMapping.statusId("pending"));
    }

    /**
     * The sample request body in events/ (what a SIEM receives) agrees with the mapper: every element's class,
     * activity and severity are what {@link OcsfMapping} gives the raw event it carries in {@code unmapped}.
     */
    @Test
    void sampleBatchWhenReadThenEachElementIsTheMappingOfItsRawEvent() throws IOException {
        Path root = Path.of("").toAbsolutePath();
        while (root != null && !Files.exists(root.resolve("events/siem-trail-ocsf-batch.json"))) {
            root = root.getParent();
        }
        assertTrue(root != null, "events/siem-trail-ocsf-batch.json not found above the module");
        com.fasterxml.jackson.databind.JsonNode batch = io.tollgate.json.Json.mapper()
                .readTree(root.resolve("events/siem-trail-ocsf-batch.json").toFile());
        assertTrue(batch.isArray() && !batch.isEmpty(), "a batch is a non-empty JSON array");
        for (com.fasterxml.jackson.databind.JsonNode element : batch) {
            com.fasterxml.jackson.databind.JsonNode raw = element.get("unmapped").get("tollgate");
            OcsfActivity expected = OcsfMapping.activity(raw.get("event_type").asText());
            assertEquals(expected.ocsfClass().uid(), element.get("class_uid").asInt(), raw.toString());
            assertEquals(expected.activityId(), element.get("activity_id").asInt(), raw.toString());
            assertEquals(OcsfMapping.severityId(AuditSeverity.valueOf(raw.get("severity").asText())),
                    element.get("severity_id").asInt(), raw.toString());
            assertEquals(OcsfMapping.OCSF_VERSION, element.get("metadata").get("version").asText());
        }
    }
}
