package io.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Jwk;
import io.jsonwebtoken.security.Jwks;
import io.tollgate.json.Json;
import io.tollgate.testing.RecordingAuditPublisher;
import io.tollgate.testing.TestClock;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full signing-key rotation cycle over the local runtime (which runs the real rotation function
 * against the local Secrets Manager): keys are published before they sign, new tokens carry the
 * new {@code kid}, and tokens signed by the old key keep verifying through JWKS until they expire.
 */
class KeyRotationIT {

    private static final String SEED = """
            {"tenants":[{"id":"acme","name":"Acme","organizations":[{"id":"risk","name":"Risk"}],
              "users":[{"username":"alice@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"}]}]}""";

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

    @Test
    void rotationWhenFullCycleThenOldTokensVerifyUntilExpiryAndNewTokensCarryNewKid() throws Exception {
        JsonNode jwks = jwks();
        assertEquals(2, jwks.get("keys").size(), "first start publishes the current and the next key");
        String k1 = jwks.get("keys").get(0).get("kid").asText();
        String k2 = jwks.get("keys").get(1).get("kid").asText();
        String oldToken = login();
        assertEquals(k1, kid(oldToken));

        HttpResponse<String> early = http.post("/_local/rotate-keys", "");
        assertEquals(409, early.statusCode(), "the next key was published only now: " + early.body());
        assertEquals(k1, kid(login()), "a refused rotation changes nothing");

        CLOCK.advance(Duration.ofMinutes(11));
        HttpResponse<String> rotated = http.post("/_local/rotate-keys", "");
        assertEquals(200, rotated.statusCode(), rotated.body());
        assertEquals(2, AUDIT.ofType("key_rotation").size(), "bootstrap and this rotation are audited");

        JsonNode after = jwks();
        List<String> kids = kids(after);
        assertEquals(k2, kids.get(0), "the old next key is now current");
        assertTrue(kids.contains(k1), "the previous key stays published");
        assertEquals(3, kids.size(), "current, a fresh next, previous");
        assertTrue(verifies(oldToken, after), "a token of the previous key still verifies");

        CLOCK.advance(Duration.ofMinutes(6));
        String newToken = login();
        assertEquals(k2, kid(newToken), "once the key cache expired, new tokens are signed by the new key");
        assertTrue(verifies(newToken, after));

        CLOCK.advance(Duration.ofHours(2));
        assertEquals(200, http.post("/_local/rotate-keys", "").statusCode());
        List<String> later = kids(jwks());
        assertFalse(later.contains(k1), "the previous key is retired once every token it signed has expired");
        assertTrue(later.contains(k2));
    }

    @Test
    void openidConfigurationWhenRequestedThenIssuerJwksUriAndAlgorithms() {
        HttpResponse<String> response = http.get("/.well-known/openid-configuration", null);
        assertEquals(200, response.statusCode());
        JsonNode body = LocalHttp.json(response);
        String issuer = body.get("issuer").asText();
        assertEquals(issuer + "/.well-known/jwks.json", body.get("jwks_uri").asText());
        assertEquals("RS256", body.get("id_token_signing_alg_values_supported").get(0).asText());
        assertEquals("public, max-age=300", response.headers().firstValue("cache-control").orElseThrow());
    }

    private static JsonNode jwks() {
        HttpResponse<String> response = http.get("/.well-known/jwks.json", null);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("public, max-age=300", response.headers().firstValue("cache-control").orElseThrow());
        JsonNode body = LocalHttp.json(response);
        for (JsonNode key : body.get("keys")) {
            assertFalse(key.has("d") || key.has("p") || key.has("q"), "no private parameter is ever published");
        }
        return body;
    }

    private static List<String> kids(JsonNode jwks) {
        List<String> kids = new ArrayList<>();
        jwks.get("keys").forEach(k -> kids.add(k.get("kid").asText()));
        return kids;
    }

    private static String login() {
        return http.login("acme", "alice@acme.test", "Velvet-Orbit-Quarry-82").get("access_token").asText();
    }

    private static String kid(String jwt) throws Exception {
        String header = new String(Base64.getUrlDecoder().decode(jwt.substring(0, jwt.indexOf('.'))), StandardCharsets.UTF_8);
        return Json.mapper().readTree(header).get("kid").asText();
    }

    private static boolean verifies(String jwt, JsonNode jwks) throws Exception {
        String kid = kid(jwt);
        for (JsonNode key : jwks.get("keys")) {
            if (key.get("kid").asText().equals(kid)) {
                Jwk<?> jwk = Jwks.parser().build().parse(key.toString());
                Jwts.parser().verifyWith((PublicKey) jwk.toKey()).clock(() -> java.util.Date.from(CLOCK.instant()))
                        .build().parseSignedClaims(jwt);
                return true;
            }
        }
        return false;
    }
}
