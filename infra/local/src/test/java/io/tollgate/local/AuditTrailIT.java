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
 * The audit trail end to end over the local runtime (issue 8): logins record events through the
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
                {"username":"root@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["super_admin"]}]}]}""";

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
}
