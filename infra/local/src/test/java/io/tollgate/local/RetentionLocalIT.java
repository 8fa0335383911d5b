package io.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.platform.TollgateServices;
import io.tollgate.testing.RecordingAuditPublisher;
import io.tollgate.testing.TestClock;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention over the local runtime (issue 10): {@code ./tollgate retention --dry-run} reports an
 * idle session without touching it; the scheduled run on demand purges it and the chain still verifies.
 */
class RetentionLocalIT {

    private static final String PASSWORD = "Velvet-Orbit-Quarry-82";
    private static final String SEED = """
            {"tenants":[{"id":"acme","name":"Acme","organizations":[{"id":"risk","name":"Risk"}],
              "users":[
                {"username":"alice@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"root@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["super_admin"]}]}]}""";

    @TempDir
    static Path temp;
    private static final TestClock CLOCK = TestClock.startingNow();
    private static LocalRuntime runtime;
    private static LocalHttp http;

    @BeforeAll
    static void start() throws Exception {
        Path seed = temp.resolve("seed.json");
        Files.writeString(seed, SEED);
        runtime = LocalRuntime.start(new RuntimeOptions(0, Optional.empty(), Optional.of(seed), Optional.empty()),
                TollgateServices.builder().auditPublisher(new RecordingAuditPublisher()).clock(CLOCK));
        http = new LocalHttp(runtime.baseUri());
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    private static long sessions(JsonNode report) {
        for (JsonNode line : report.get("classes")) {
            if ("sessions".equals(line.get("class").asText()) && "acme".equals(line.get("tenant").asText())) {
                return line.get("eligible").asLong() * 1000 + line.get("purged").asLong();
            }
        }
        return 0;
    }

    @Test
    void retentionWhenSessionIdleThirtyOneDaysThenDryRunReportsAndRunPurgesAndChainVerifies() throws Exception {
        http.login("acme", "alice@acme.test", PASSWORD);
        CLOCK.advance(Duration.ofDays(31));

        HttpResponse<String> dry = http.post("/_local/retention/dry-run", null);
        assertEquals(200, dry.statusCode(), dry.body());
        JsonNode dryReport = LocalHttp.json(dry);
        assertTrue(dryReport.get("dry_run").asBoolean());
        assertEquals(1000, sessions(dryReport), "one eligible, none purged: " + dry.body());

        HttpResponse<String> run = http.post("/_local/schedules/RetentionFunction", null);
        assertEquals(200, run.statusCode(), run.body());
        assertEquals(1001, sessions(LocalHttp.json(run)), run.body());

        String admin = http.login("acme", "root@acme.test", PASSWORD).get("access_token").asText();
        assertTrue(runtime.queue("AuditQueue").orElseThrow().awaitIdle(Duration.ofSeconds(30)));
        HttpResponse<String> verify = http.get("/v1/audit/verify", admin);
        assertEquals(200, verify.statusCode(), verify.body());
        assertTrue(LocalHttp.json(verify).get("valid").asBoolean(), verify.body());
        assertEquals(0, LocalHttp.json(verify).get("purged").asLong(), "recent events are not purged");
    }
}
