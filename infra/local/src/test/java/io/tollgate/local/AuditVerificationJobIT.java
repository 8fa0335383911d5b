package io.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.audit.chain.AuditKeys;
import io.tollgate.storage.Attributes;
import io.tollgate.testing.RecordingAuditPublisher;
import io.tollgate.testing.TestClock;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Asynchronous chain verification over HTTP on the local runtime (ADR 0071): {@code POST /v1/audit/verifications}
 * answers 202 with a {@code Location}, the template's worker consumes the in-process queue, and polling the job
 * gives {@code completed} with the report: valid for an intact chain, broken at the edited position after
 * tampering. Another tenant's administrator gets 404 for the job.
 */
class AuditVerificationJobIT {

    private static final String PASSWORD = io.tollgate.testing.Testbed.PASSWORD;
    private static final String SEED = """
            {"tenants":[
              {"id":"acme","name":"Acme","users":[{"username":"jo@acme.test","password":"%1$s","roles":["super_admin"]}]},
              {"id":"globex","name":"Globex","users":[{"username":"hank@globex.test","password":"%1$s","roles":["super_admin"]}]}]}"""
            .formatted(PASSWORD);

    @TempDir
    static Path temp;
    private static LocalRuntime runtime;
    private static LocalHttp http;

    @BeforeAll
    static void start() {
        runtime = LocalHttp.startSeeded(temp, SEED, TestClock.startingNow(), new RecordingAuditPublisher());
        http = new LocalHttp(runtime.baseUri());
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    private static String token(String tenant, String user) {
        return http.accessToken(tenant, user, PASSWORD, null);
    }

    private static HttpResponse<String> startJob(String bearer) {
        return http.send("POST", "/v1/audit/verifications", "{}", Map.of("authorization", "Bearer " + bearer));
    }

    /** Polls the job until it is completed or failed (the worker runs on the runtime's queue thread). */
    private static JsonNode awaitDone(String location, String bearer) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            HttpResponse<String> polled = http.get(location, bearer);
            assertEquals(200, polled.statusCode(), polled.body());
            JsonNode job = LocalHttp.json(polled);
            String status = job.get("status").asText();
            if (status.equals("completed") || status.equals("failed") || System.nanoTime() > deadline) {
                return job;
            }
            Thread.sleep(100);
        }
    }

    @Test
    void verificationWhenStartedThenAcceptedPolledCompletedAndTamperingReportedAsBroken() throws Exception {
        String jo = token("acme", "jo@acme.test");
        assertTrue(runtime.queue("AuditQueue").orElseThrow().awaitIdle(Duration.ofSeconds(30)), "the login is chained");

        HttpResponse<String> accepted = startJob(jo);
        assertEquals(202, accepted.statusCode(), accepted.body());
        String location = accepted.headers().firstValue("location").orElseThrow();
        JsonNode created = LocalHttp.json(accepted);
        assertEquals("/v1/audit/verifications/" + created.get("id").asText(), location);
        assertEquals("pending", created.get("status").asText());

        JsonNode done = awaitDone(location, jo);
        assertEquals("completed", done.get("status").asText(), done.toString());
        assertTrue(done.get("report").get("valid").asBoolean(), done.toString());
        assertTrue(done.get("report").get("events").asLong() >= 1, done.toString());

        String hank = token("globex", "hank@globex.test");
        assertEquals(404, http.get(location, hank).statusCode(), "another tenant's job is not found");

        runtime.dynamoDb().updateItem(r -> r.tableName("AuditTable")
                .key(Map.of("pk", Attributes.s(AuditKeys.chainPartition("acme")),
                        "sk", Attributes.s(String.format("SEQ#%020d", 1))))
                .updateExpression("SET #r = :r").expressionAttributeNames(Map.of("#r", "result"))
                .expressionAttributeValues(Map.of(":r", Attributes.s("failure")))
                .conditionExpression("attribute_exists(pk)"));

        HttpResponse<String> again = startJob(jo);
        assertEquals(202, again.statusCode(), again.body());
        JsonNode broken = awaitDone(again.headers().firstValue("location").orElseThrow(), jo);
        assertEquals("completed", broken.get("status").asText(), broken.toString());
        JsonNode report = broken.get("report");
        assertEquals(false, report.get("valid").asBoolean(), report.toString());
        assertEquals(1, report.get("broken_at").asLong(), report.toString());
        assertEquals("edited", report.get("reason").asText(), report.toString());
    }

    @Test
    void verificationWhenRangeEndsBeforeItStartsThenBadRequestAndNoJob() {
        String jo = token("acme", "jo@acme.test");
        HttpResponse<String> refused = http.send("POST", "/v1/audit/verifications",
                "{\"from\":\"2026-02-01T00:00:00Z\",\"to\":\"2026-01-01T00:00:00Z\"}", Map.of("authorization", "Bearer " + jo));
        assertEquals(400, refused.statusCode(), refused.body());
        assertTrue(refused.headers().firstValue("location").isEmpty());
    }
}
