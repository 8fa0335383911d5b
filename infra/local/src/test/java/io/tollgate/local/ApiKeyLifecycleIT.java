package io.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.testing.RecordingAuditPublisher;
import io.tollgate.testing.TestClock;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API-key lifecycle over the local runtime (ADR 0054): an expiry stated at creation and
 * enforced by the authorizer; keys refused while their owner is locked (within the 30 s
 * revocation bound) and usable again after an unlock; an administrator's revocation of a user's
 * keys under the rank rules; the tenant-wide emergency revocation, audited CRITICAL; and the limit
 * of 10 under concurrent creates.
 */
class ApiKeyLifecycleIT {

    private static final String PASSWORD = "Velvet-Orbit-Quarry-82";
    private static final String SEED = """
            {"tenants":[{"id":"acme","name":"Acme","organizations":[{"id":"risk","name":"Risk"}],
              "users":[
                {"username":"alice","email":"alice@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"bob","email":"bob@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"carol","email":"carol@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"dave","email":"dave@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"erin","email":"erin@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"ted","email":"ted@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["tenant_admin"]},
                {"username":"tia","email":"tia@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["tenant_admin"]},
                {"username":"sue","email":"sue@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["super_admin"]}]}]}""";

    @TempDir
    static Path temp;
    private static final RecordingAuditPublisher AUDIT = new RecordingAuditPublisher();
    private static final TestClock CLOCK = TestClock.startingNow();
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

    private static String login(String username) {
        HttpResponse<String> response = http.post("/v1/auth/login", "{\"tenant\":\"acme\",\"username\":\""
                + username + "\",\"password\":\"" + PASSWORD + "\"}");
        assertEquals(200, response.statusCode(), username + ": " + AUDIT.ofType("auth_failure").stream()
                .map(e -> e.additionalData().get("reason")).toList());
        return LocalHttp.json(response).get("access_token").asText();
    }

    private static HttpResponse<String> bearer(String method, String path, String body, String token) {
        return http.bearer(token, method, path, body);
    }

    private static JsonNode createKey(String username, String body) {
        HttpResponse<String> created = bearer("POST", "/v1/me/api-keys", body, login(username));
        assertEquals(201, created.statusCode(), created.body());
        return LocalHttp.json(created);
    }

    private static int withKey(String key) {
        return http.send("GET", "/v1/me", null, Map.of("x-api-key", key)).statusCode();
    }

    /** Past the authorizer's API-key and revocation caches (30 s). */
    private static void pastRevocationBound() {
        CLOCK.advance(Duration.ofSeconds(31));
    }

    @Test
    void createWhenExpiresInOneDayThenListedWithExpiryAndRefusedAfterIt() {
        JsonNode key = createKey("alice", "{\"name\":\"ci\",\"expires_in_days\":1}");
        Instant expiresAt = Instant.parse(key.get("expires_at").asText());
        assertEquals(CLOCK.instant().plus(Duration.ofDays(1)).getEpochSecond(), expiresAt.getEpochSecond());
        JsonNode listed = LocalHttp.json(bearer("GET", "/v1/me/api-keys", null, login("alice"))).get("api_keys");
        assertEquals(key.get("expires_at").asText(), listed.get(0).get("expires_at").asText());
        assertEquals(200, withKey(key.get("api_key").asText()));

        CLOCK.advance(Duration.ofDays(1).plusSeconds(1));
        assertEquals(401, withKey(key.get("api_key").asText()), "an expired key is refused");

        JsonNode byDefault = createKey("alice", "{\"name\":\"default\"}");
        assertEquals(CLOCK.instant().plus(Duration.ofDays(90)).getEpochSecond(),
                Instant.parse(byDefault.get("expires_at").asText()).getEpochSecond());
        HttpResponse<String> tooLong = bearer("POST", "/v1/me/api-keys", "{\"name\":\"x\",\"expires_in_days\":366}",
                login("alice"));
        assertEquals(400, tooLong.statusCode(), tooLong.body());
        assertEquals("expires_in_days", LocalHttp.json(tooLong).get("errors").get(0).get("field").asText());
    }

    @Test
    void apiKeyWhenOwnerLockedThenRefusedUntilUnlocked() {
        String key = createKey("bob", "{\"name\":\"ci\"}").get("api_key").asText();
        assertEquals(200, withKey(key));
        for (int i = 0; i < 5; i++) {
            http.post("/v1/auth/login", "{\"tenant\":\"acme\",\"username\":\"bob\",\"password\":\"Wrong-" + i + "\"}");
        }
        assertEquals(1, AUDIT.ofType("account_locked").size());
        pastRevocationBound();
        assertEquals(401, withKey(key), "a locked owner's key is refused");

        JsonNode bob = LocalHttp.json(bearer("GET", "/v1/users?limit=50", null, login("ted"))).get("users");
        String bobId = null;
        for (JsonNode user : bob) {
            if (user.get("username").asText().equals("bob")) {
                bobId = user.get("id").asText();
            }
        }
        HttpResponse<String> unlocked = bearer("POST", "/v1/users/" + bobId + "/unlock", null, login("ted"));
        assertEquals(204, unlocked.statusCode(), unlocked.body());
        pastRevocationBound();
        assertEquals(200, withKey(key), "usable again after the unlock");
    }

    @Test
    void apiKeyWhenOwnerDisabledThenRefusedAndWhenDeletedThenGone() {
        String key = createKey("erin", "{\"name\":\"ci\"}").get("api_key").asText();
        String erinId = LocalHttp.claims(login("erin")).get("sub").asText();
        assertEquals(200, withKey(key));
        HttpResponse<String> disabled = bearer("PATCH", "/v1/users/" + erinId, "{\"status\":\"DISABLED\"}",
                login("ted"));
        assertEquals(200, disabled.statusCode(), disabled.body());
        pastRevocationBound();
        assertEquals(401, withKey(key), "a disabled owner's key is refused");
        HttpResponse<String> deleted = bearer("DELETE", "/v1/users/" + erinId, null, login("ted"));
        assertEquals(204, deleted.statusCode(), deleted.body());
        pastRevocationBound();
        assertEquals(401, withKey(key), "a deleted owner's key is gone");
    }

    @Test
    void revokeUserKeysWhenAdministratorThenRefusedAndPlainUserForbidden() {
        JsonNode key = createKey("carol", "{\"name\":\"ci\"}");
        String carolId = LocalHttp.claims(login("carol")).get("sub").asText();
        assertEquals(403, bearer("DELETE", "/v1/users/" + carolId + "/api-keys", null, login("dave")).statusCode(),
                "a plain user may not");
        String sueId = LocalHttp.claims(login("sue")).get("sub").asText();
        createKey("sue", "{\"name\":\"ops\"}");
        // Another tenant_admin: the refused attempt is a privilege escalation, which locks the actor.
        assertEquals(403, bearer("DELETE", "/v1/users/" + sueId + "/api-keys", null, login("tia")).statusCode(),
                "a tenant_admin may not act on a super_admin");
        assertEquals(1, AUDIT.ofType("privilege_escalation").size());

        HttpResponse<String> revoked = bearer("DELETE", "/v1/users/" + carolId + "/api-keys", null, login("ted"));
        assertEquals(200, revoked.statusCode(), revoked.body());
        assertEquals(key.get("id").asText(), LocalHttp.json(revoked).get("revoked").get(0).asText());
        assertEquals(1, AUDIT.ofType("api_keys_revoked").size());
        pastRevocationBound();
        assertEquals(401, withKey(key.get("api_key").asText()));
    }

    @Test
    void revokeAllWhenTenantAdminThenEveryKeyOfTheTenantRefusedAndAuditedCritical() {
        String alice = createKey("alice", "{\"name\":\"a\"}").get("api_key").asText();
        String dave = createKey("dave", "{\"name\":\"d\"}").get("api_key").asText();
        assertEquals(403, bearer("POST", "/v1/tenants/acme/api-keys/revoke-all", null, login("dave")).statusCode());
        HttpResponse<String> all = bearer("POST", "/v1/tenants/acme/api-keys/revoke-all", null, login("ted"));
        assertEquals(200, all.statusCode(), all.body());
        assertTrue(LocalHttp.json(all).get("revoked").asInt() >= 2);
        assertEquals(1, AUDIT.ofType("api_keys_revoked_all").size());
        assertEquals("CRITICAL", AUDIT.ofType("api_keys_revoked_all").get(0).severity().name());
        pastRevocationBound();
        assertEquals(401, withKey(alice));
        assertEquals(401, withKey(dave));
    }

    @Test
    void createWhenFifteenConcurrentRequestsThenAtMostTenActive() throws Exception {
        String token = login("dave");
        String revokeAll = bearer("POST", "/v1/tenants/acme/api-keys/revoke-all", null, login("ted")).body();
        assertTrue(revokeAll.contains("revoked"), revokeAll);
        List<HttpResponse<String>> answers = LocalHttp.race(15,
                () -> bearer("POST", "/v1/me/api-keys", "{\"name\":\"race\"}", token));
        long created = answers.stream().filter(a -> a.statusCode() == 201).count();
        long refused = answers.stream().filter(a -> a.statusCode() == 409).count();
        assertEquals(15, created + refused, answers.toString());
        long active = 0;
        for (JsonNode key : LocalHttp.json(bearer("GET", "/v1/me/api-keys", null, token)).get("api_keys")) {
            if (key.get("status").asText().equals("ACTIVE")) {
                active++;
            }
        }
        assertEquals(10, active);
        assertEquals(10, created);
    }
}
