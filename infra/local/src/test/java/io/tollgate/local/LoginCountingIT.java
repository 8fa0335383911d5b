package io.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.testing.RecordingAuditPublisher;
import io.tollgate.testing.TestClock;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failed logins over HTTP counted across tenants (ADR 0057): every request comes from 127.0.0.1,
 * so this class has its own runtime (the block it provokes holds in every tenant of it).
 */
class LoginCountingIT {

    private static final String PASSWORD = "Velvet-Orbit-Quarry-82";
    private static final String SEED = """
            {"tenants":[
              {"id":"acme","name":"Acme","users":[{"username":"ann@acme.test","password":"%1$s","roles":["user"]}]},
              {"id":"globex","name":"Globex","users":[{"username":"gus@globex.test","password":"%1$s","roles":["user"]}]},
              {"id":"initech","name":"Initech","users":[{"username":"ian@initech.test","password":"%1$s","roles":["user"]}]},
              {"id":"umbrella","name":"Umbrella","users":[{"username":"una@umbrella.test","password":"%1$s","roles":["user"]}]},
              {"id":"hooli","name":"Hooli","users":[{"username":"hal@hooli.test","password":"%1$s","roles":["user"]}]},
              {"id":"quiet","name":"Quiet","users":[{"username":"quinn@quiet.test","password":"%1$s","roles":["user"]}]}]}"""
            .formatted(PASSWORD);

    @TempDir
    static Path temp;
    private static final TestClock CLOCK = TestClock.startingNow();
    private static final RecordingAuditPublisher AUDIT = new RecordingAuditPublisher();
    private static LocalRuntime runtime;
    private static LocalHttp http;

    @BeforeAll
    static void start() {
        runtime = LocalHttp.startSeeded(temp, SEED, CLOCK, AUDIT);
        http = new LocalHttp(runtime.baseUri());
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    private static int login(String tenant, String username, String password) {
        return http.post("/v1/auth/login", "{\"tenant\":\"" + tenant + "\",\"username\":\"" + username
                + "\",\"password\":\"" + password + "\"}").statusCode();
    }

    @Test
    void loginWhenOneAddressSpraysUnderEachTenantsThresholdAcrossTenantsThenBlockedInATenantItNeverTried() {
        List<String> tenants = List.of("acme", "globex", "initech", "umbrella", "hooli");
        // 19 failures in each of 5 tenants: under every tenant's own threshold of 20.
        for (int n = 0; n < 95; n++) {
            String tenant = tenants.get(n % tenants.size());
            assertEquals(401, login(tenant, "nobody-" + n + "@" + tenant + ".test", "wrong"), "failure " + n);
        }
        assertEquals(200, login("quiet", "quinn@quiet.test", PASSWORD), "95 failures spread thin: not blocked yet");
        for (int n = 95; n < 100; n++) {
            assertEquals(401, login("nowhere-" + n, "nobody@nowhere.test", "wrong"), "unknown tenants count too");
        }
        HttpResponse<String> blocked = http.post("/v1/auth/login",
                "{\"tenant\":\"quiet\",\"username\":\"quinn@quiet.test\",\"password\":\"" + PASSWORD + "\"}");
        assertEquals(429, blocked.statusCode(), blocked.body());
        assertEquals(String.valueOf(Duration.ofMinutes(60).toSeconds()), blocked.headers().firstValue("retry-after")
                .orElseThrow());
        assertTrue(AUDIT.ofType("ip_blocked").stream().anyMatch(e -> "all_tenants".equals(e.additionalData().get("scope"))));
        CLOCK.advance(Duration.ofMinutes(60));
        assertEquals(200, login("quiet", "quinn@quiet.test", PASSWORD), "the block ends after 60 minutes");
    }
}
