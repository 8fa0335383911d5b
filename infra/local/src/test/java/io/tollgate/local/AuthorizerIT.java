package io.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.testing.RecordingAuditPublisher;
import io.tollgate.testing.TestClock;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The authorizer in front of the API over the local runtime: a login token reaches
 * {@code GET /v1/me}; forged, expired and misused tokens get 401; API keys work until deleted;
 * revocation reaches access tokens within its bound; the 1001st request of a minute gets 429.
 */
class AuthorizerIT {

    private static final String PASSWORD = "Velvet-Orbit-Quarry-82";
    private static final String SEED = """
            {"tenants":[{"id":"acme","name":"Acme","organizations":[{"id":"risk","name":"Risk"}],
              "users":[
                {"username":"alice@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"bob@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["org_admin"],"org":"risk"},
                {"username":"carol@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"dave@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"}]}]}""";

    @TempDir
    static Path temp;
    private static final RecordingAuditPublisher AUDIT = new RecordingAuditPublisher();
    // Start of a minute, so that the rate-limit test stays within one window.
    private static final TestClock CLOCK = new TestClock(Instant.now().truncatedTo(ChronoUnit.MINUTES).plusSeconds(60));
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

    private static HttpResponse<String> me(String bearer) {
        return http.get("/v1/me", bearer);
    }

    private static void assertTokenInvalid(HttpResponse<String> response, String what) {
        assertEquals(401, response.statusCode(), what + ": " + response.body());
        assertEquals("token_invalid", LocalHttp.json(response).get("code").asText(), what);
        assertTrue(response.headers().firstValue("content-type").orElseThrow().startsWith("application/problem+json"));
    }

    @Test
    void meWhenLoginTokenThenPrincipalFromToken() {
        JsonNode login = http.login("acme", "alice@acme.test", PASSWORD);
        HttpResponse<String> response = me(login.get("access_token").asText());
        assertEquals(200, response.statusCode(), response.body());
        JsonNode me = LocalHttp.json(response);
        assertEquals("acme", me.get("tenant").asText());
        assertEquals("risk", me.get("org").asText());
        assertEquals("user", me.get("roles").get(0).asText());
        assertEquals("pwd", me.get("amr").get(0).asText());
        assertEquals("bearer", me.get("auth_method").asText());
    }

    @Test
    void meWhenForgedOrMisusedTokensThenEach401() {
        JsonNode login = http.login("acme", "alice@acme.test", PASSWORD);
        String token = login.get("access_token").asText();
        String[] parts = token.split("\\.");
        String header = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8);
        Map<String, String> forged = Map.of(
                "no header", "",
                "alg none", b64(header.replace("\"RS256\"", "\"none\"")) + "." + parts[1] + ".",
                "alg NoNe", b64(header.replace("\"RS256\"", "\"NoNe\"")) + "." + parts[1] + "." + parts[2],
                "HS256 header", b64(header.replace("\"RS256\"", "\"HS256\"")) + "." + parts[1] + "." + parts[2],
                "tampered payload", parts[0] + "." + b64("{\"sub\":\"x\"}") + "." + parts[2],
                "bad signature", parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 4) + "AAAA",
                "unknown kid", b64(header.replaceAll("\"kid\":\"[^\"]+\"", "\"kid\":\"unknown\"")) + "." + parts[1] + "." + parts[2],
                "refresh token as access token", login.get("refresh_token").asText(),
                "oversized", token + "x".repeat(9 * 1024),
                "garbage", "not.a.jwt");
        forged.forEach((what, value) -> assertTokenInvalid(what.equals("no header")
                ? http.send("GET", "/v1/me", null, Map.of()) : me(value), what));
        assertTokenInvalid(http.send("GET", "/v1/me", null, Map.of("authorization", "Basic " + token)), "wrong scheme");
    }

    @Test
    void meWhenTokenExpiredThen401() {
        String token = http.login("acme", "alice@acme.test", PASSWORD).get("access_token").asText();
        CLOCK.advance(Duration.ofMinutes(16));
        assertTokenInvalid(me(token), "expired");
    }

    @Test
    void apiKeyWhenCreatedThenWorksAndWhenDeletedThenRefusedWithinThirtySeconds() {
        String bearer = http.login("acme", "bob@acme.test", PASSWORD).get("access_token").asText();
        HttpResponse<String> created = http.send("POST", "/v1/me/api-keys", "{\"name\":\"reporting\",\"roles\":[\"org_admin\"]}",
                Map.of("authorization", "Bearer " + bearer));
        assertEquals(201, created.statusCode(), created.body());
        String key = LocalHttp.json(created).get("api_key").asText();
        String id = LocalHttp.json(created).get("id").asText();

        HttpResponse<String> withKey = http.send("GET", "/v1/me", null, Map.of("x-api-key", key));
        assertEquals(200, withKey.statusCode(), withKey.body());
        assertEquals("api_key", LocalHttp.json(withKey).get("auth_method").asText());
        HttpResponse<String> listed = http.get("/v1/me/api-keys", bearer);
        assertTrue(listed.body().contains(id) && !listed.body().contains(key.substring(12)), "listed without its secret");
        assertTokenInvalid(http.send("POST", "/v1/me/api-keys", "{\"name\":\"x\"}", Map.of("x-api-key", key)),
                "an API key cannot mint API keys");
        assertEquals(400, http.send("POST", "/v1/me/api-keys", "{\"name\":\"x\",\"roles\":[\"super_admin\"]}",
                Map.of("authorization", "Bearer " + bearer)).statusCode(), "no role above the creator's");

        assertEquals(204, http.send("DELETE", "/v1/me/api-keys/" + id, null, Map.of("authorization", "Bearer " + bearer))
                .statusCode());
        CLOCK.advance(Duration.ofSeconds(31));
        assertTokenInvalid(http.send("GET", "/v1/me", null, Map.of("x-api-key", key)), "deleted key");
        assertTokenInvalid(http.send("GET", "/v1/me", null, Map.of("x-api-key", key.substring(0, 20) + "A".repeat(35))),
                "forged key");
    }

    @Test
    void accessTokenWhenLogoutAllThenRefusedWithinThirtySeconds() {
        String bearer = http.login("acme", "carol@acme.test", PASSWORD).get("access_token").asText();
        assertEquals(200, me(bearer).statusCode());
        assertEquals(200, http.get("/v1/me/sessions", bearer).statusCode());
        assertEquals(204, http.send("POST", "/v1/auth/logout/all", null, Map.of("authorization", "Bearer " + bearer))
                .statusCode());
        CLOCK.advance(Duration.ofSeconds(31));
        assertTokenInvalid(me(bearer), "token of a revoked session");
        String fresh = http.login("acme", "carol@acme.test", PASSWORD).get("access_token").asText();
        assertEquals(200, me(fresh).statusCode(), "a new login after logout-all works");
    }

    @Test
    void meWhenThousandAndFirstRequestInAMinuteThen429WithRetryAfter() {
        String bearer = http.login("acme", "dave@acme.test", PASSWORD).get("access_token").asText();
        for (int i = 1; i <= 1000; i++) {
            HttpResponse<String> response = me(bearer);
            if (response.statusCode() != 200) {
                throw new AssertionError("request " + i + " refused: " + response.body());
            }
        }
        HttpResponse<String> limited = me(bearer);
        assertEquals(429, limited.statusCode(), limited.body());
        assertEquals("rate_limited", LocalHttp.json(limited).get("code").asText());
        long retryAfter = Long.parseLong(limited.headers().firstValue("retry-after").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
