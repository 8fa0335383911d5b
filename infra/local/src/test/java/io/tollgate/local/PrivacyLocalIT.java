package io.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.testing.RecordingAuditPublisher;
import io.tollgate.testing.TestClock;
import io.tollgate.testing.Testbed;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data-subject requests over the local runtime: the subject exports their data through
 * the authorizer and the privacy function; an administrator erases them; their sign-in stops, the
 * request reads back as completed, and {@code GET /v1/audit/verify} still says valid.
 */
class PrivacyLocalIT {

    private static final String PASSWORD = Testbed.PASSWORD;

    @TempDir
    static Path temp;
    private static final TestClock CLOCK = TestClock.startingNow();
    private static LocalRuntime runtime;
    private static LocalHttp http;

    @BeforeAll
    static void start() throws Exception {
        runtime = LocalHttp.startSeeded(temp, LocalHttp.ACME_USER_AND_SUPER_ADMIN_SEED, CLOCK, new RecordingAuditPublisher());
        http = new LocalHttp(runtime.baseUri());
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    private static HttpResponse<String> file(String token, String body) {
        return http.send("POST", "/v1/privacy/requests", body,
                Map.of("authorization", "Bearer " + token, "content-type", "application/json"));
    }

    @Test
    void exportThenErasureThenSignInStopsAndChainStillVerifies() throws Exception {
        String alice = http.login("acme", "alice@acme.test", PASSWORD).get("access_token").asText();
        String aliceId = LocalHttp.json(http.get("/v1/me", alice)).get("sub").asText();
        HttpResponse<String> export = file(alice, "{\"type\":\"export\"}");
        assertEquals(201, export.statusCode(), export.body());
        JsonNode data = LocalHttp.json(export).get("data");
        assertEquals("alice@acme.test", data.get("profile").get("username").asText());
        assertFalse(export.body().contains(PASSWORD));

        String admin = http.login("acme", "jo@acme.test", PASSWORD).get("access_token").asText();
        HttpResponse<String> erasure = file(admin, "{\"type\":\"erasure\",\"subject\":\"" + aliceId + "\"}");
        assertEquals(201, erasure.statusCode(), erasure.body());
        String requestId = LocalHttp.json(erasure).get("id").asText();

        HttpResponse<String> status = http.get("/v1/privacy/requests/" + requestId, admin);
        assertEquals(200, status.statusCode(), status.body());
        assertEquals("completed", LocalHttp.json(status).get("status").asText());
        assertEquals(CLOCK.instant().plus(Duration.ofDays(30)).toString().substring(0, 10),
                LocalHttp.json(status).get("due_at").asText().substring(0, 10));

        HttpResponse<String> again = http.send("POST", "/v1/auth/login", "{\"tenant\":\"acme\",\"username\":"
                + "\"alice@acme.test\",\"password\":\"" + PASSWORD + "\"}", Map.of("content-type", "application/json"));
        assertEquals(401, again.statusCode(), again.body());

        assertTrue(runtime.queue("AuditQueue").orElseThrow().awaitIdle(Duration.ofSeconds(30)));
        HttpResponse<String> verify = http.get("/v1/audit/verify", admin);
        assertEquals(200, verify.statusCode(), verify.body());
        assertTrue(LocalHttp.json(verify).get("valid").asBoolean(), verify.body());
    }
}
