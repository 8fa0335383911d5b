package io.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.storage.Attributes;
import io.tollgate.testing.LogCapture;
import io.tollgate.testing.RecordingAuditPublisher;
import io.tollgate.testing.TestClock;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Sessions over the local runtime (issue "tokens and sessions"): refresh rotation, reuse
 * detection, the concurrency guarantee, idle and absolute expiry with an injected clock, the
 * concurrent-session cap, logout and the browser cookie mode.
 */
class SessionLifecycleIT {

    private static final String PASSWORD = "Velvet-Orbit-Quarry-82";
    private static final String SEED = """
            {"tenants":[{"id":"acme","name":"Acme","organizations":[{"id":"risk","name":"Risk"}],
              "users":[
                {"username":"alice@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"bob@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"carol@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"dave@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"erin@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"frank@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"}]}]}""";

    @TempDir
    static Path temp;
    private static final RecordingAuditPublisher AUDIT = new RecordingAuditPublisher();
    private static final TestClock CLOCK = new TestClock(Instant.now());
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

    @BeforeEach
    void clearAudit() {
        AUDIT.clear();
    }

    @Test
    void refreshWhenValidThenNewPairAndOldTokenRotated() {
        JsonNode login = http.login("acme", "alice@acme.test", PASSWORD);
        HttpResponse<String> refreshed = http.refresh(login.get("refresh_token").asText());
        assertEquals(200, refreshed.statusCode(), refreshed.body());
        JsonNode pair = LocalHttp.json(refreshed);
        assertNotEquals(login.get("refresh_token").asText(), pair.get("refresh_token").asText());
        assertEquals(900, pair.get("expires_in").asInt());
        assertEquals("no-store", refreshed.headers().firstValue("cache-control").orElseThrow());
        HttpResponse<String> again = http.refresh(pair.get("refresh_token").asText());
        assertEquals(200, again.statusCode(), "the successor rotates in turn");
    }

    @Test
    void refreshWhenRotatedTokenReusedThenWholeFamilyRevokedAndHighAudit() {
        JsonNode login = http.login("acme", "bob@acme.test", PASSWORD);
        String first = login.get("refresh_token").asText();
        String second = LocalHttp.json(http.refresh(first)).get("refresh_token").asText();
        String third = LocalHttp.json(http.refresh(second)).get("refresh_token").asText();
        CLOCK.advance(Duration.ofSeconds(11));

        HttpResponse<String> reuse = http.refresh(first);

        assertEquals(401, reuse.statusCode());
        assertEquals("token_invalid", LocalHttp.json(reuse).get("code").asText());
        assertEquals(401, http.refresh(third).statusCode(), "the newest token of the family died with it");
        assertEquals(1, AUDIT.ofType("token_reuse_detected").size());
        assertEquals("HIGH", AUDIT.ofType("token_reuse_detected").getFirst().severity().name());
    }

    @Test
    void refreshWhenSixteenInParallelThenExactlyOneWinnerAndOneFamily() throws Exception {
        JsonNode login = http.login("acme", "carol@acme.test", PASSWORD);
        String token = login.get("refresh_token").asText();
        int parallel = 16;
        List<HttpResponse<String>> responses = LocalHttp.race(parallel, () -> http.refresh(token));
        List<String> winners = new ArrayList<>();
        int refused = 0;
        for (HttpResponse<String> response : responses) {
            if (response.statusCode() == 200) {
                winners.add(LocalHttp.json(response).get("refresh_token").asText());
            } else {
                assertEquals(401, response.statusCode(), response.body());
                refused++;
            }
        }
        assertEquals(1, winners.size(), "exactly one refresh may win");
        assertEquals(parallel - 1, refused);
        assertTrue(AUDIT.ofType("token_reuse_detected").isEmpty(), "a lost race is not a reuse");
        assertEquals(200, http.refresh(winners.getFirst()).statusCode(), "the one family lives on");
        assertEquals(1, activeSessions("carol@acme.test"));
    }

    @Test
    void refreshWhenIdleOverThirtyMinutesThenRefused() {
        JsonNode login = http.login("acme", "dave@acme.test", PASSWORD);
        CLOCK.advance(Duration.ofMinutes(29));
        HttpResponse<String> inTime = http.refresh(login.get("refresh_token").asText());
        assertEquals(200, inTime.statusCode(), "29 idle minutes are within the timeout");
        CLOCK.advance(Duration.ofMinutes(31));
        assertEquals(401, http.refresh(LocalHttp.json(inTime).get("refresh_token").asText()).statusCode());
    }

    @Test
    void refreshWhenSevenDaysSinceLoginThenRefusedEvenIfActive() {
        JsonNode login = http.login("acme", "erin@acme.test", PASSWORD);
        Instant loggedIn = CLOCK.instant();
        String token = login.get("refresh_token").asText();
        int refreshes = 0;
        while (true) {
            CLOCK.advance(Duration.ofMinutes(29).plusSeconds(50));
            HttpResponse<String> response = http.refresh(token);
            if (response.statusCode() != 200) {
                assertEquals(401, response.statusCode());
                break;
            }
            token = LocalHttp.json(response).get("refresh_token").asText();
            refreshes++;
        }
        Duration lived = Duration.between(loggedIn, CLOCK.instant());
        assertTrue(lived.compareTo(Duration.ofDays(7)) >= 0, "refused before 7 days: " + lived);
        assertTrue(lived.compareTo(Duration.ofDays(7).plusMinutes(30)) < 0, "alive after 7 days: " + lived);
        assertTrue(refreshes > 300, "the session stayed alive by refreshing: " + refreshes);
    }

    @Test
    void loginWhenFourthSessionThenOldestEvicted() {
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            tokens.add(http.login("acme", "frank@acme.test", PASSWORD).get("refresh_token").asText());
            CLOCK.advance(Duration.ofSeconds(1));
        }
        assertEquals(3, activeSessions("frank@acme.test"));
        assertEquals(1, AUDIT.ofType("session_evicted").size());
        assertEquals(401, http.refresh(tokens.get(0)).statusCode(), "the oldest session was evicted");
        for (String live : tokens.subList(1, 4)) {
            assertEquals(200, http.refresh(live).statusCode());
        }
    }

    @Test
    void logoutWhenCalledThenRefreshTokenDeadAndUnknownTokenAlso204() {
        JsonNode login = http.login("acme", "alice@acme.test", PASSWORD);
        String token = login.get("refresh_token").asText();
        assertEquals(204, http.post("/v1/auth/logout", "{\"refresh_token\":\"" + token + "\"}").statusCode());
        assertEquals(401, http.refresh(token).statusCode());
        assertEquals(204, http.post("/v1/auth/logout", "{\"refresh_token\":\"" + "x".repeat(43) + "\"}").statusCode(),
                "logout reveals nothing about unknown tokens");
        assertEquals(1, AUDIT.ofType("logout").size());
    }

    @Test
    void refreshWhenMalformedBodyThen400AndNothingChanges() {
        HttpResponse<String> response = http.post("/v1/auth/token/refresh", "{\"refresh_token\":42,\"extra\":1}");
        assertEquals(400, response.statusCode());
        assertTrue(response.headers().firstValue("content-type").orElseThrow().startsWith("application/problem+json"));
    }

    @Test
    void loginWhenAdminPanelAudienceThenRefreshTokenOnlyInHostCookieAndCsrfRequired() {
        HttpResponse<String> login = http.post("/v1/auth/login", "{\"tenant\":\"acme\",\"username\":\"bob@acme.test\","
                + "\"password\":\"" + PASSWORD + "\",\"audience\":\"admin-panel\"}");
        assertEquals(200, login.statusCode(), login.body());
        JsonNode body = LocalHttp.json(login);
        assertNull(body.get("refresh_token"), "cookie mode keeps the refresh token out of the body");
        String csrf = body.get("csrf_token").asText();
        List<String> cookies = login.headers().allValues("set-cookie");
        String refreshCookie = cookies.stream().filter(c -> c.startsWith("__Host-tollgate-refresh=")).findFirst().orElseThrow();
        assertTrue(refreshCookie.contains("HttpOnly") && refreshCookie.contains("Secure")
                && refreshCookie.contains("SameSite=Strict") && refreshCookie.contains("Path=/"), refreshCookie);
        assertFalse(refreshCookie.contains("Domain"), "__Host- cookies carry no Domain");
        String cookieValue = refreshCookie.substring(0, refreshCookie.indexOf(';'));

        HttpResponse<String> noCsrf = http.send("POST", "/v1/auth/token/refresh", null, Map.of("cookie", cookieValue));
        assertEquals(403, noCsrf.statusCode());
        assertEquals("csrf_failed", LocalHttp.json(noCsrf).get("code").asText());
        HttpResponse<String> wrongCsrf = http.send("POST", "/v1/auth/token/refresh", null,
                Map.of("cookie", cookieValue, "x-csrf-token", "y".repeat(43)));
        assertEquals(403, wrongCsrf.statusCode());

        HttpResponse<String> ok = http.send("POST", "/v1/auth/token/refresh", null,
                Map.of("cookie", cookieValue, "x-csrf-token", csrf));
        assertEquals(200, ok.statusCode(), ok.body());
        assertNull(LocalHttp.json(ok).get("refresh_token"));
        assertTrue(ok.headers().allValues("set-cookie").stream().anyMatch(c -> c.startsWith("__Host-tollgate-refresh=")
                && !c.startsWith(cookieValue)), "a rotated cookie is set");
        String bodyPresented = cookieValue.substring(cookieValue.indexOf('=') + 1);
        assertEquals(401, http.refresh(bodyPresented).statusCode(), "a cookie-mode token is refused from a body");
    }

    @Test
    void logsWhenWholeSessionLifeThenNoTokenHashOrCsrfValueAppears() {
        List<String> secrets = new ArrayList<>();
        try (LogCapture logs = LogCapture.start()) {
            HttpResponse<String> cookieLogin = http.post("/v1/auth/login", "{\"tenant\":\"acme\",\"username\":\"alice@acme.test\","
                    + "\"password\":\"" + PASSWORD + "\",\"audience\":\"admin-panel\"}");
            secrets.add(LocalHttp.json(cookieLogin).get("csrf_token").asText());
            JsonNode login = http.login("acme", "alice@acme.test", PASSWORD);
            String first = login.get("refresh_token").asText();
            secrets.add(first);
            secrets.add(login.get("access_token").asText());
            secrets.add(io.tollgate.token.OpaqueTokens.hash(first));
            String second = LocalHttp.json(http.refresh(first)).get("refresh_token").asText();
            secrets.add(second);
            CLOCK.advance(Duration.ofSeconds(11));
            http.refresh(first);
            http.refresh("x".repeat(43));
            http.post("/v1/auth/logout", "{\"refresh_token\":\"" + second + "\"}");
            http.post("/v1/auth/login", "{\"tenant\":\"acme\",\"username\":\"alice@acme.test\",\"password\":\"wrong-" + PASSWORD + "\"}");
            assertTrue(logs.lines().size() > 5, "the capture sees the runtime's logs: " + logs.lines().size());
            for (String secret : secrets) {
                assertEquals(List.of(), logs.linesContaining(secret), "a secret reached a log line");
                assertEquals(List.of(), logs.linesContaining(secret.substring(0, 16)), "part of a secret reached a log line");
            }
            assertEquals(List.of(), logs.linesContaining(PASSWORD), "a password reached a log line");
        }
        String audit = AUDIT.events().toString();
        for (String secret : secrets) {
            assertFalse(audit.contains(secret.substring(0, 16)), "a secret reached an audit event");
        }
    }

    private static long activeSessions(String username) {
        String userId = userId(username);
        return runtime.dynamoDb().query(r -> r.tableName("SessionsTable")
                .keyConditionExpression("pk = :pk AND begins_with(sk, :s)")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("TENANT#acme#USER#" + userId),
                        ":s", AttributeValue.fromS("SESSION#")))).items().stream()
                .filter(item -> "ACTIVE".equals(Attributes.string(item, "status").orElse(""))).count();
    }

    private static String userId(String username) {
        Map<String, AttributeValue> item = runtime.dynamoDb().getItem(r -> r.tableName("IdentityTable")
                .key(Map.of("pk", AttributeValue.fromS("TENANT#acme"), "sk", AttributeValue.fromS("USER#" + username)))).item();
        return item.get("user_id").s();
    }
}
