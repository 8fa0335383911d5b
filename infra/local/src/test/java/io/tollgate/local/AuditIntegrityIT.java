package io.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.devkit.LocalQueue;
import io.tollgate.testing.RecordingAuditPublisher;
import io.tollgate.testing.TestClock;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit trail's integrity over HTTP on the local runtime: Tollgate's own events reach the
 * chain whatever optional request facts the caller sends (or omits), and the dead-lettered
 * events can be listed and replayed.
 */
class AuditIntegrityIT {

    private static final String PASSWORD = io.tollgate.testing.Testbed.PASSWORD;
    /** Alice (a user), Jo (super_admin: audit:read) and a billing service account (audit_writer: audit:create). */
    private static final String SEED = """
            {"tenants":[{"id":"acme","name":"Acme","organizations":[{"id":"risk","name":"Risk"}],"users":[
              {"username":"alice@acme.test","password":"%1$s","roles":["user"],"org":"risk"},
              {"username":"jo@acme.test","password":"%1$s","roles":["super_admin"]},
              {"username":"carol@acme.test","password":"%1$s","roles":["user"],"org":"risk"},
              {"username":"billing-service@acme.test","password":"%1$s","roles":["audit_writer"],"org":"risk"}]}]}"""
            .formatted(PASSWORD);

    @TempDir
    static Path temp;
    private static LocalRuntime runtime;
    private static LocalHttp http;
    private static LocalQueue queue;
    private static LocalQueue deadLetter;

    @BeforeAll
    static void start() {
        runtime = LocalHttp.startSeeded(temp, SEED, TestClock.startingNow(), new RecordingAuditPublisher());
        http = new LocalHttp(runtime.baseUri());
        queue = runtime.queue("AuditQueue").orElseThrow();
        deadLetter = runtime.queue("AuditDeadLetterQueue").orElseThrow();
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    private static String auditor() {
        return http.login("acme", "jo@acme.test", PASSWORD).get("access_token").asText();
    }

    /** Jo's token for the admin console (audience admin-panel), the only audience the compliance report accepts. */
    private static String consoleAuditor() {
        return http.accessToken("acme", "jo@acme.test", PASSWORD, "admin-panel");
    }

    private static String serviceApiKey() {
        String bearer = http.login("acme", "billing-service@acme.test", PASSWORD).get("access_token").asText();
        HttpResponse<String> created = http.send("POST", "/v1/me/api-keys", "{\"name\":\"billing\"}",
                java.util.Map.of("authorization", "Bearer " + bearer));
        assertEquals(201, created.statusCode(), created.body());
        return LocalHttp.json(created).get("api_key").asText();
    }

    private static JsonNode submit(String key, String... events) {
        HttpResponse<String> answer = http.send("POST", "/v1/audit/events", "{\"events\":[" + String.join(",", events)
                + "]}", java.util.Map.of("x-api-key", key));
        assertEquals(202, answer.statusCode(), answer.body());
        return LocalHttp.json(answer);
    }

    private static String submitted(String eventId, String type, java.time.Instant at) {
        return """
                {"timestamp":"%s","event_id":"%s","event_type":"%s","user_id":"u-42","ip_address":"203.0.113.10",
                 "user_agent":"billing/2.1","resource":"invoice","action":"update","result":"success"}"""
                .formatted(at, eventId, type);
    }

    @Test
    void submitWhenIdIsAPredictableAlertIdOrReservedPrefixThenRefusedSoTheRealAlertIsNeverDropped() {
        String decisionId = io.tollgate.detection.DetectionDecision.idFor("brute-force-across-accounts", 1, "acme",
                "ip:203.0.113.66", java.time.Instant.now());
        JsonNode receipt = submit(serviceApiKey(), submitted("alert:" + decisionId, "acme.note", java.time.Instant.now()),
                submitted("tg:" + java.util.UUID.randomUUID(), "acme.note", java.time.Instant.now()));
        assertEquals(0, receipt.get("accepted").asInt(), receipt.toString());
        for (JsonNode rejected : receipt.get("rejected")) {
            assertEquals("reserved_event_id", rejected.get("code").asText(), receipt.toString());
        }
    }

    @Test
    void submitWhenTollgateOwnTypeThenRefusedSoNoUserCanBeLockedOrAddressBlockedByForgery() {
        JsonNode receipt = submit(serviceApiKey(),
                submitted("forged-1", "privilege_escalation", java.time.Instant.now()),
                submitted("forged-2", "role_change", java.time.Instant.now()),
                submitted("forged-3", "auth_failure", java.time.Instant.now()),
                submitted("forged-4", "tollgate.login_success", java.time.Instant.now()));
        assertEquals(0, receipt.get("accepted").asInt(), receipt.toString());
        assertEquals(4, receipt.get("rejected").size(), receipt.toString());
        for (JsonNode rejected : receipt.get("rejected")) {
            assertEquals("reserved_event_type", rejected.get("code").asText(), receipt.toString());
        }
    }

    @Test
    void submitWhenTimestampOlderThan24HoursOrOverFiveMinutesAheadThenRefused() {
        java.time.Instant now = java.time.Instant.now();
        JsonNode receipt = submit(serviceApiKey(),
                submitted("old-" + java.util.UUID.randomUUID(), "acme.note", now.minus(Duration.ofHours(25))),
                submitted("ahead-" + java.util.UUID.randomUUID(), "acme.note", now.plus(Duration.ofMinutes(6))),
                submitted("fine-" + java.util.UUID.randomUUID(), "acme.note", now.minus(Duration.ofHours(23))));
        assertEquals(1, receipt.get("accepted").asInt(), receipt.toString());
        assertEquals("invalid_timestamp", receipt.get("rejected").get(0).get("code").asText());
        assertEquals("invalid_timestamp", receipt.get("rejected").get(1).get("code").asText());
    }

    @Test
    void submitWhenAcceptedThenChainedEventRecordsTheSubmittingKeyAsSourceAndOwnEventsTollgate() throws Exception {
        String key = serviceApiKey();
        String eventId = "src-" + java.util.UUID.randomUUID();
        submit(key, submitted(eventId, "acme.invoice_paid", java.time.Instant.now()));
        assertTrue(queue.awaitIdle(Duration.ofSeconds(30)));
        String auditor = auditor();
        HttpResponse<String> found = http.get("/v1/audit/events?type=acme.invoice_paid&limit=100", auditor);
        String prefix = key.substring(3, 11);
        boolean sourced = false;
        for (JsonNode event : LocalHttp.json(found).get("events")) {
            sourced |= eventId.equals(event.get("event_id").asText())
                    && ("api_key:" + prefix).equals(event.path("source").asText());
        }
        assertTrue(sourced, found.body());
        HttpResponse<String> own = http.get("/v1/audit/events?type=login_success&limit=5", auditor);
        assertEquals("tollgate", LocalHttp.json(own).get("events").get(0).path("source").asText(), own.body());
        assertTrue(LocalHttp.json(http.get("/v1/audit/verify", auditor)).get("valid").asBoolean());
    }

    /** A raw HTTP/1.1 request with exactly {@code headers}: Java's client always adds a User-Agent. */
    private static String rawPost(String path, String headers, String body) throws IOException {
        try (Socket socket = new Socket(runtime.baseUri().getHost(), runtime.baseUri().getPort())) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + headers + "Content-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(bytes);
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void loginWhenFailedWithoutUserAgentThenFailureIsChainedWithUnknownAgentAndNothingDeadLettered() throws Exception {
        int deadBefore = deadLetter.messages().size();
        String answer = rawPost("/v1/auth/login", "", "{\"tenant\":\"acme\",\"username\":\"alice@acme.test\","
                + "\"password\":\"not-her-password-at-all\"}");
        assertTrue(answer.startsWith("HTTP/1.1 401"), answer);

        assertTrue(queue.awaitIdle(Duration.ofSeconds(30)), "the audit queue drains");
        assertEquals(deadBefore, deadLetter.messages().size(), "nothing of Tollgate's own is dead-lettered");
        HttpResponse<String> found = http.get("/v1/audit/events?type=auth_failure&limit=100", auditor());
        assertEquals(200, found.statusCode(), found.body());
        boolean chained = false;
        for (JsonNode event : LocalHttp.json(found).get("events")) {
            chained |= "unknown".equals(event.path("user_agent").asText());
        }
        assertTrue(chained, found.body());
    }

    /** Runs {@code ./tollgate args...} from the repository root; returns its output, asserting exit 0. */
    private static String tollgate(String... args) throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("bash", "tollgate"));
        command.addAll(java.util.List.of(args));
        Process process = new ProcessBuilder(command).directory(Path.of("../..").toAbsolutePath().normalize().toFile())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), output);
        assertEquals(0, process.exitValue(), output);
        return output;
    }

    @Test
    void auditDlqWhenAnOwnEventWasRejectedForAnEmptyAgentThenListedAndReplayChainsIt() throws Exception {
        String eventId = "old-" + java.util.UUID.randomUUID();
        String rejectedBefore = """
                {"timestamp":"%s","event_id":"%s","event_type":"auth_failure","severity":"CRITICAL",
                 "tenant_id":"acme","ip_address":"203.0.113.77","user_agent":"","resource":"auth","action":"login",
                 "result":"failure","additional_data":{"reason":"wrong_password"},"compliance_flags":["pci"]}"""
                .formatted(java.time.Instant.now(), eventId);
        // as the ingest dead-lettered it before request facts were normalised
        deadLetter.send(rejectedBefore, java.util.Optional.of("acme"), eventId,
                java.util.Map.of("reason", "empty_field:user_agent"));
        String port = Integer.toString(runtime.baseUri().getPort());

        JsonNode listed = io.tollgate.json.Json.mapper().readTree(tollgate("audit", "dlq", "--port", port));
        JsonNode entry = null;
        for (JsonNode message : listed.get("messages")) {
            if (eventId.equals(message.path("event_id").asText())) {
                entry = message;
            }
        }
        assertTrue(entry != null, listed.toString());
        assertTrue(entry.get("reason").asText().contains("empty_field"), entry.toString());
        assertTrue(!listed.toString().contains("203.0.113.77"), "the listing shows no event content");

        JsonNode replayed = io.tollgate.json.Json.mapper().readTree(tollgate("audit", "dlq", "--replay", "--port", port));
        assertTrue(replayed.get("replayed").asInt() >= 1, replayed.toString());
        assertTrue(queue.awaitIdle(Duration.ofSeconds(30)));

        assertEquals(0, deadLetter.messages().stream().filter(m -> m.body().contains(eventId)).count());
        HttpResponse<String> found = http.get("/v1/audit/events?type=auth_failure&limit=100", auditor());
        boolean chained = false;
        for (JsonNode event : LocalHttp.json(found).get("events")) {
            chained |= eventId.equals(event.get("event_id").asText()) && "unknown".equals(event.get("user_agent").asText());
        }
        assertTrue(chained, found.body());
    }

    @Test
    void erasureWhenSubjectErasedThenHerAddressAndAgentAreUnreadableYetShownInAnExportBeforeAndChainValid()
            throws Exception {
        HttpResponse<String> login = http.send("POST", "/v1/auth/login", "{\"tenant\":\"acme\",\"username\":"
                + "\"carol@acme.test\",\"password\":\"" + PASSWORD + "\"}",
                java.util.Map.of("content-type", "application/json", "user-agent", "CarolBrowser/7.3 (identifying)"));
        assertEquals(200, login.statusCode(), login.body());
        String carol = LocalHttp.json(login).get("access_token").asText();
        String carolId = LocalHttp.json(http.get("/v1/me", carol)).get("sub").asText();
        assertTrue(queue.awaitIdle(Duration.ofSeconds(30)));

        HttpResponse<String> export = http.send("POST", "/v1/privacy/requests", "{\"type\":\"export\"}",
                java.util.Map.of("authorization", "Bearer " + carol));
        assertEquals(201, export.statusCode(), export.body());
        assertTrue(export.body().contains("CarolBrowser/7.3 (identifying)"), "the export before erasure shows her agent");

        String auditor = auditor();
        HttpResponse<String> erasure = http.send("POST", "/v1/privacy/requests", "{\"type\":\"erasure\",\"subject\":\""
                + carolId + "\"}", java.util.Map.of("authorization", "Bearer " + auditor));
        assertEquals(201, erasure.statusCode(), erasure.body());
        assertTrue(queue.awaitIdle(Duration.ofSeconds(30)));

        HttpResponse<String> found = http.get("/v1/audit/events?user=" + carolId + "&limit=100", auditor);
        assertEquals(200, found.statusCode(), found.body());
        assertTrue(LocalHttp.json(found).get("events").size() >= 1, found.body());
        assertTrue(!found.body().contains("CarolBrowser"), found.body());
        for (JsonNode event : LocalHttp.json(found).get("events")) {
            assertEquals("[erased personal data]", event.get("user_agent").asText(), event.toString());
        }
        assertTrue(LocalHttp.json(http.get("/v1/audit/verify", auditor)).get("valid").asBoolean());
    }

    @Test
    void searchVerifyAndReportWhenAnAuditorReadsTheTrailThenEachReadIsItselfChainedWithItsParametersOnly()
            throws Exception {
        String auditor = auditor();
        String marker = "acme.marker_" + java.util.UUID.randomUUID().toString().substring(0, 8).replace('-', '_');
        assertEquals(200, http.get("/v1/audit/events?type=" + marker + "&limit=7", auditor).statusCode());
        assertEquals(200, http.get("/v1/audit/verify", auditor).statusCode());
        HttpResponse<String> report = http.get("/v1/compliance/report?from=2026-01-01T00:00:00Z&to="
                + java.time.Instant.now() + "&standard=soc2", consoleAuditor());
        assertEquals(200, report.statusCode(), report.body());
        assertTrue(queue.awaitIdle(Duration.ofSeconds(30)));

        HttpResponse<String> reads = http.get("/v1/audit/events?type=data_query&limit=100", auditor);
        boolean search = false;
        boolean verify = false;
        for (JsonNode event : LocalHttp.json(reads).get("events")) {
            JsonNode parameters = event.path("additional_data").path("parameters");
            search |= "search".equals(event.get("action").asText()) && marker.equals(parameters.path("type").asText())
                    && "7".equals(parameters.path("limit").asText()) && "LOW".equals(event.get("severity").asText());
            verify |= "verify".equals(event.get("action").asText()) && "audit_chain".equals(event.get("resource").asText());
            assertTrue(!event.path("additional_data").has("events") && !event.path("additional_data").has("valid"),
                    "never the results: " + event);
        }
        assertTrue(search && verify, reads.body());
        HttpResponse<String> generated = http.get("/v1/audit/events?type=report_generation&limit=100", auditor);
        assertTrue(generated.body().contains("\"standard\":\"soc2\""), generated.body());
    }

    @Test
    void complianceReportWhenAskedAsHtmlThenADocumentWhoseOnlyStyleTheCspAllowsAndJsonCarriesTheVerdicts()
            throws Exception {
        assertEquals(200, http.get("/v1/audit/verify", auditor()).statusCode());
        String auditor = consoleAuditor();
        assertTrue(queue.awaitIdle(Duration.ofSeconds(30)));
        String query = "/v1/compliance/report?from=2026-01-01T00:00:00Z&to=" + java.time.Instant.now().plusSeconds(60)
                + "&standard=pci";

        HttpResponse<String> json = http.get(query, auditor);
        assertEquals(200, json.statusCode(), json.body());
        JsonNode report = LocalHttp.json(json);
        assertTrue(report.path("compliance_status").path("overall").isTextual(), report.toString());
        assertTrue(report.path("recommendations").isArray() && report.path("events_per_day").size() > 300);
        report.get("sections").forEach(section -> assertTrue(section.path("compliance_status").isTextual()
                && section.path("recommendations").isArray(), section.toString()));
        assertTrue(report.get("sections").get("data_access").get("figures").get("data_query").asLong() >= 1,
                "the verification above is a data access: " + report);
        assertTrue(report.get("sections").get("audit_chain").get("figures").get("proving_digests").isArray());

        HttpResponse<String> html = http.send("GET", query, null,
                java.util.Map.of("authorization", "Bearer " + auditor, "accept", "text/html"));
        assertEquals(200, html.statusCode(), html.body());
        assertTrue(html.headers().firstValue("content-type").orElse("").startsWith("text/html"));
        java.util.regex.Matcher style = java.util.regex.Pattern.compile("<style>(.*?)</style>", java.util.regex.Pattern.DOTALL)
                .matcher(html.body());
        assertTrue(style.find(), html.body());
        String hash = "sha256-" + java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest
                .getInstance("SHA-256").digest(style.group(1).getBytes(StandardCharsets.UTF_8)));
        assertEquals("default-src 'none'; style-src '" + hash + "'; frame-ancestors 'none'",
                html.headers().firstValue("content-security-policy").orElse(""));
        assertTrue(html.body().indexOf("<h2>Summary</h2>") < html.body().indexOf("<svg class=\"chart\""), html.body());
        assertTrue(!html.body().contains("<script"));
    }
}
