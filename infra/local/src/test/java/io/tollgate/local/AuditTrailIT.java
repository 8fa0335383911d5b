package io.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.devkit.LocalQueue;
import io.tollgate.platform.TollgateServices;
import io.tollgate.testing.RecordingAuditPublisher;
import io.tollgate.testing.TestClock;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit trail end to end over the local runtime: logins record events through the
 * one audit publisher, the in-process FIFO queue delivers them to the ingest function, they form
 * the tenant's chain; a super_admin (the seed 000 role holding {@code audit:read}) searches and
 * verifies it over HTTP; the hourly digest can be run on demand.
 */
class AuditTrailIT {

    private static final String PASSWORD = "Velvet-Orbit-Quarry-82";
    private static final String SEED = """
            {"tenants":[{"id":"acme","name":"Acme","organizations":[{"id":"risk","name":"Risk"}],
              "users":[
                {"username":"alice@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"root@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["super_admin"]},
                {"username":"billing-service@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["audit_writer"],
                 "org":"risk"}]}]}""";
    private static final Path REPOSITORY = Path.of("../..").toAbsolutePath().normalize();

    @TempDir
    static Path temp;
    private static final RecordingAuditPublisher AUDIT = new RecordingAuditPublisher();
    private static LocalRuntime runtime;
    private static LocalHttp http;
    private static LocalQueue queue;

    @BeforeAll
    static void start() throws Exception {
        Path seed = temp.resolve("seed.json");
        Files.writeString(seed, SEED);
        runtime = LocalRuntime.start(new RuntimeOptions(0, Optional.empty(), Optional.of(seed), Optional.empty()),
                TollgateServices.builder().auditPublisher(AUDIT).clock(TestClock.startingNow()));
        http = new LocalHttp(runtime.baseUri());
        queue = runtime.queue("AuditQueue").orElseThrow();
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    private static String adminToken() {
        return http.login("acme", "root@acme.test", PASSWORD).get("access_token").asText();
    }

    @Test
    void eventsWhenUserLoggedInThenHerLoginIsChainedAndSearchableByAnAuditReader() throws Exception {
        http.login("acme", "alice@acme.test", PASSWORD);
        String admin = adminToken();
        assertTrue(queue.awaitIdle(Duration.ofSeconds(30)), "the audit queue drains");
        HttpResponse<String> response = http.get("/v1/audit/events?type=login_success&limit=100", admin);
        assertEquals(200, response.statusCode(), response.body());
        JsonNode events = LocalHttp.json(response).get("events");
        assertTrue(events.size() >= 2, response.body());
        for (JsonNode event : events) {
            assertEquals("acme", event.get("tenant_id").asText());
            assertEquals("HIGH", event.get("severity").asText());
            assertEquals(64, event.get("hash").asText().length());
        }
    }

    @Test
    void verifyWhenChainBuiltByTheRuntimeThenValidAndDigestRunOnDemandIsChecked() throws Exception {
        String admin = adminToken();
        assertTrue(queue.awaitIdle(Duration.ofSeconds(30)));
        HttpResponse<String> digest = http.post("/_local/schedules/AuditDigestFunction", null);
        assertEquals(200, digest.statusCode(), digest.body());
        HttpResponse<String> response = http.get("/v1/audit/verify", admin);
        assertEquals(200, response.statusCode(), response.body());
        JsonNode report = LocalHttp.json(response);
        assertTrue(report.get("valid").asBoolean(), response.body());
        assertTrue(report.get("events").asLong() >= 1);
        assertTrue(report.get("digests").asInt() >= 1, response.body());
    }

    @Test
    void eventsWhenCallerLacksAuditReadThenForbidden() {
        String alice = http.login("acme", "alice@acme.test", PASSWORD).get("access_token").asText();
        HttpResponse<String> response = http.get("/v1/audit/events", alice);
        assertEquals(403, response.statusCode(), response.body());
        assertEquals("forbidden", LocalHttp.json(response).get("code").asText());
        assertEquals(403, http.get("/v1/audit/verify", alice).statusCode());
    }

    @Test
    void submitWhenBearerTokenThenRefusedBecauseTheRouteWantsAServiceApiKey() {
        HttpResponse<String> response = http.send("POST", "/v1/audit/events", "{\"events\":[{}]}",
                Map.of("authorization", "Bearer " + adminToken()));
        assertEquals(401, response.statusCode(), response.body());
    }

    private static String apiKey(String username) {
        String bearer = http.login("acme", username, PASSWORD).get("access_token").asText();
        HttpResponse<String> created = http.send("POST", "/v1/me/api-keys", "{\"name\":\"billing\"}",
                Map.of("authorization", "Bearer " + bearer));
        assertEquals(201, created.statusCode(), created.body());
        return LocalHttp.json(created).get("api_key").asText();
    }

    private static String submittedEvent(String eventId, String type, String severity, String result) {
        return """
                {"timestamp":"%s","event_id":"%s","event_type":"%s","severity":"%s","user_id":"u-42",
                 "tenant_id":"acme","organization_id":"risk","ip_address":"203.0.113.10","user_agent":"billing/2.1",
                 "resource":"invoice","action":"update","result":"%s","additional_data":{"invoice":"INV-7"},
                 "compliance_flags":["sox"]}""".formatted(java.time.Instant.now(), eventId, type, severity, result);
    }

    @Test
    void submitWhenServiceApiKeyCarriesAuditWriterThenValidEventsAreChainedQueryableAndVerified() throws Exception {
        String key = apiKey("billing-service@acme.test");
        String paid = "pay-" + java.util.UUID.randomUUID();
        String refund = "refund-" + java.util.UUID.randomUUID();
        String batch = "{\"events\":[" + submittedEvent(paid, "acme.invoice_paid", "MEDIUM", "success") + ","
                + submittedEvent(refund, "acme.refund_forced", "CRITICAL", "success") + ","
                + submittedEvent("broken-" + java.util.UUID.randomUUID(), "acme.invoice_paid", "LOW", "success")
                        .replaceFirst("\"timestamp\":\"[^\"]+\"", "\"timestamp\":\"yesterday\"") + "]}";

        HttpResponse<String> submitted = http.send("POST", "/v1/audit/events", batch, Map.of("x-api-key", key));

        assertEquals(202, submitted.statusCode(), submitted.body());
        JsonNode receipt = LocalHttp.json(submitted);
        assertEquals(2, receipt.get("accepted").asInt(), submitted.body());
        assertEquals(1, receipt.get("rejected").size(), submitted.body());
        assertEquals(2, receipt.get("rejected").get(0).get("index").asInt(), submitted.body());
        assertEquals("timestamp", receipt.get("rejected").get(0).get("field").asText(), submitted.body());
        assertTrue(queue.awaitIdle(Duration.ofSeconds(30)), "the audit queue drains");
        String admin = adminToken();
        HttpResponse<String> found = http.get("/v1/audit/events?type=acme.refund_forced&limit=100", admin);
        assertEquals(200, found.statusCode(), found.body());
        JsonNode events = LocalHttp.json(found).get("events");
        JsonNode stored = null;
        for (JsonNode event : events) {
            if (event.get("event_id").asText().equals(refund)) {
                stored = event;
            }
        }
        assertTrue(stored != null, found.body());
        assertEquals("CRITICAL", stored.get("severity").asText());
        assertTrue(stored.get("seq").asLong() >= 2, found.body());
        assertEquals(64, stored.get("hash").asText().length());
        HttpResponse<String> paidFound = http.get("/v1/audit/events?type=acme.invoice_paid&limit=100", admin);
        assertTrue(paidFound.body().contains(paid), paidFound.body());
        HttpResponse<String> verified = http.get("/v1/audit/verify", admin);
        assertTrue(LocalHttp.json(verified).get("valid").asBoolean(), verified.body());
    }

    @Test
    void submitWhenApiKeyRolesLackAuditCreateThenForbiddenAndNothingQueued() throws Exception {
        String key = apiKey("alice@acme.test");
        String eventId = "denied-" + java.util.UUID.randomUUID();
        HttpResponse<String> refused = http.send("POST", "/v1/audit/events",
                "{\"events\":[" + submittedEvent(eventId, "acme.invoice_paid", "LOW", "success") + "]}",
                Map.of("x-api-key", key));
        assertEquals(403, refused.statusCode(), refused.body());
        assertTrue(queue.awaitIdle(Duration.ofSeconds(30)));
        HttpResponse<String> found = http.get("/v1/audit/events?type=acme.invoice_paid&limit=100", adminToken());
        assertTrue(!found.body().contains(eventId), found.body());
    }

    /** Runs {@code ./tollgate args...} from the repository root; returns exit code and output. */
    private static Map.Entry<Integer, String> tollgate(String... args) throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("bash", "tollgate"));
        command.addAll(java.util.List.of(args));
        Process process = new ProcessBuilder(command).directory(REPOSITORY.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), output);
        return Map.entry(process.exitValue(), output);
    }

    private static String port() {
        return Integer.toString(runtime.baseUri().getPort());
    }

    @Test
    void invokeWhenEventFileGivenThenFunctionRunsWithItAndAnswersAsLambdaWould() throws Exception {
        Map.Entry<Integer, String> run = tollgate("invoke", "AuditIngestFunction", "--event", "events/audit-sqs-batch.json",
                "--port", port());

        assertEquals(0, run.getKey(), run.getValue());
        assertTrue(run.getValue().contains("\"batchItemFailures\":[]"), run.getValue());
        HttpResponse<String> found = http.get("/v1/audit/events?type=login_success&limit=100", adminToken());
        assertTrue(found.body().contains("evt-sample-1"), found.body());
    }

    @Test
    void invokeWhenHttpFunctionAndSampleEventThenItsResponseEventIsPrinted() throws Exception {
        Map.Entry<Integer, String> run = tollgate("invoke", "JwksFunction", "--event", "events/jwks.json", "--port", port());

        assertEquals(0, run.getKey(), run.getValue());
        assertTrue(run.getValue().contains("\"statusCode\":200"), run.getValue());
        assertTrue(run.getValue().contains("keys"), run.getValue());
    }

    @Test
    void invokeWhenEventIsNotJsonThen400NamingTheEventType() {
        HttpResponse<String> response = http.post("/_local/invoke/AuditIngestFunction", "not json");
        assertEquals(400, response.statusCode(), response.body());
        assertTrue(response.body().contains("SQSEvent"), response.body());
    }

    @Test
    void auditVerifyWhenChainIntactThenPrintsValidAndExitsZero() throws Exception {
        assertTrue(queue.awaitIdle(Duration.ofSeconds(30)));
        Map.Entry<Integer, String> run = tollgate("audit", "verify", "--tenant", "acme", "--port", port());

        assertEquals(0, run.getKey(), run.getValue());
        assertTrue(run.getValue().contains("valid: tenant acme"), run.getValue());
    }

    @Test
    void auditVerifyWhenOneEventDeletedThenPrintsItsSequenceAndExitsOne() throws Exception {
        String tenant = "initech-" + Long.toHexString(System.nanoTime());
        StringBuilder records = new StringBuilder();
        for (int i = 1; i <= 3; i++) {
            String body = submittedEvent("tamper-" + i, "login_success", "HIGH", "success").replace("\"acme\"",
                    "\"" + tenant + "\"");
            records.append(i > 1 ? "," : "").append("""
                    {"messageId":"m-%d","receiptHandle":"r-%d","body":%s,"attributes":{"MessageGroupId":"%s",
                     "ApproximateReceiveCount":"1"},"messageAttributes":{},"eventSource":"aws:sqs",
                     "eventSourceARN":"arn:aws:sqs:us-east-1:000000000000:AuditQueue.fifo","awsRegion":"us-east-1"}"""
                    .formatted(i, i, io.tollgate.json.Json.mapper().valueToTree(body).toString(), tenant));
        }
        HttpResponse<String> ingested = http.post("/_local/invoke/AuditIngestFunction",
                "{\"Records\":[" + records + "]}");
        assertEquals(200, ingested.statusCode(), ingested.body());
        assertTrue(ingested.body().contains("\"batchItemFailures\":[]"), ingested.body());
        assertEquals(0, tollgate("audit", "verify", "--tenant", tenant, "--port", port()).getKey());
        var dynamoDb = runtime.dynamoDb();
        String table = "AuditTable";
        var second = dynamoDb.query(q -> q.tableName(table).keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue
                        .fromS(io.tollgate.audit.chain.AuditKeys.chainPartition(tenant))))).items().stream()
                .filter(item -> item.containsKey("seq") && item.get("seq").n().equals("2") && item.containsKey("event_id"))
                .findFirst().orElseThrow();
        dynamoDb.deleteItem(d -> d.tableName(table).key(Map.of("pk", second.get("pk"), "sk", second.get("sk"))));

        Map.Entry<Integer, String> run = tollgate("audit", "verify", "--tenant", tenant, "--port", port());

        assertEquals(1, run.getKey(), run.getValue());
        assertTrue(run.getValue().contains("first broken sequence 2 (deleted)"), run.getValue());
    }

    @Test
    void auditVerifyWhenTenantMissingOrInstantMalformedThenRefusedNamingTheField() throws Exception {
        Map.Entry<Integer, String> noTenant = tollgate("audit", "verify", "--port", port());
        assertEquals(1, noTenant.getKey(), noTenant.getValue());
        assertTrue(noTenant.getValue().contains("--tenant is required"), noTenant.getValue());
        HttpResponse<String> badFrom = http.post("/_local/audit/verify", "{\"tenant\":\"acme\",\"from\":\"yesterday\"}");
        assertEquals(400, badFrom.statusCode(), badFrom.body());
        assertEquals("from", LocalHttp.json(badFrom).get("field").asText());
    }
}
