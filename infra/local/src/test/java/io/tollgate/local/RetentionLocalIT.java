package io.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.testing.RecordingAuditPublisher;
import io.tollgate.testing.TestClock;
import io.tollgate.testing.Testbed;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention over the local runtime: {@code ./tollgate retention --dry-run} reports an
 * idle session without touching it; the scheduled run on demand purges it and the chain still verifies.
 */
class RetentionLocalIT {

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

    /** eligible, purged, held of acme's sessions as one number (e.g. 1_000_100: one eligible, none purged, one held). */
    private static long sessions(JsonNode report) {
        for (JsonNode line : report.get("classes")) {
            if ("sessions".equals(line.get("class").asText()) && "acme".equals(line.get("tenant").asText())) {
                return line.get("eligible").asLong() * 1_000_000 + line.get("purged").asLong() * 1_000
                        + line.get("held").asLong();
            }
        }
        return 0;
    }

    @Test
    void retentionWhenSessionIdleThirtyOneDaysThenDryRunReportsHoldKeepsAndRunPurgesAndChainVerifies() throws Exception {
        String aliceToken = http.login("acme", "alice@acme.test", PASSWORD).get("access_token").asText();
        String aliceId = LocalHttp.json(http.get("/v1/me", aliceToken)).get("sub").asText();
        CLOCK.advance(Duration.ofDays(31));
        String admin = http.login("acme", "jo@acme.test", PASSWORD).get("access_token").asText();

        HttpResponse<String> dry = http.post("/_local/retention/dry-run", null);
        assertEquals(200, dry.statusCode(), dry.body());
        JsonNode dryReport = LocalHttp.json(dry);
        assertTrue(dryReport.get("dry_run").asBoolean());
        assertEquals(1_000_000, sessions(dryReport), "one eligible, none purged: " + dry.body());

        HttpResponse<String> hold = http.send("PUT", "/v1/tenants/acme/legal-holds/" + aliceId,
                "{\"reason\":\"HR case 7\"}", java.util.Map.of("authorization", "Bearer " + admin,
                        "content-type", "application/json"));
        assertEquals(204, hold.statusCode(), hold.body());
        HttpResponse<String> held = http.post("/_local/schedules/RetentionFunction", null);
        assertEquals(1, sessions(LocalHttp.json(held)), "held, not purged: " + held.body());

        HttpResponse<String> release = http.send("DELETE", "/v1/tenants/acme/legal-holds/" + aliceId, null,
                java.util.Map.of("authorization", "Bearer " + admin));
        assertEquals(204, release.statusCode(), release.body());
        HttpResponse<String> run = http.post("/_local/schedules/RetentionFunction", null);
        assertEquals(200, run.statusCode(), run.body());
        assertEquals(1_001_000, sessions(LocalHttp.json(run)), run.body());

        assertTrue(runtime.queue("AuditQueue").orElseThrow().awaitIdle(Duration.ofSeconds(30)));
        HttpResponse<String> verify = http.get("/v1/audit/verify", admin);
        assertEquals(200, verify.statusCode(), verify.body());
        assertTrue(LocalHttp.json(verify).get("valid").asBoolean(), verify.body());
        assertEquals(0, LocalHttp.json(verify).get("purged").asLong(), "recent events are not purged");
    }
}
