package io.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
 * Maximum password age over the local runtime (seed 000: 90 days; ADR 0025): a login with an
 * expired password gets a one-time ticket and no tokens; the ticket changes the password once,
 * under the policy and history rules, and the user then logs in with the new password.
 */
class PasswordExpiryIT {

    private static final String PASSWORD = "Velvet-Orbit-Quarry-82";
    private static final String NEW_PASSWORD = "Copper-Lantern-Meadow-47!";
    private static final String SEED = """
            {"tenants":[{"id":"acme","name":"Acme","organizations":[{"id":"risk","name":"Risk"}],
              "users":[
                {"username":"alice","email":"alice@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"}]}]}""";

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

    private static HttpResponse<String> loginRaw(String password) {
        return http.post("/v1/auth/login", "{\"tenant\":\"acme\",\"username\":\"alice\",\"password\":\"" + password
                + "\"}");
    }

    private static HttpResponse<String> changeExpired(String token, String newPassword) {
        return http.post("/v1/auth/password/expired", "{\"password_change_token\":\"" + token
                + "\",\"new_password\":\"" + newPassword + "\"}");
    }

    @Test
    void loginWhenPasswordOlderThanMaxAgeThenOnlyATicketThatChangesThePasswordOnce() {
        JsonNode fresh = http.login("acme", "alice", PASSWORD);
        assertTrue(fresh.has("access_token"), "a password younger than 90 days logs in");

        CLOCK.advance(Duration.ofDays(90).plusMinutes(1));
        HttpResponse<String> expired = loginRaw(PASSWORD);
        assertEquals(200, expired.statusCode(), expired.body());
        JsonNode answer = LocalHttp.json(expired);
        assertTrue(answer.get("password_change_required").asBoolean());
        assertFalse(answer.has("access_token"), "no tokens for an expired password");
        assertFalse(answer.has("refresh_token"));
        assertEquals(600, answer.get("expires_in").asInt());
        String ticket = answer.get("password_change_token").asText();
        assertEquals(1, AUDIT.ofType("password_expired").size());

        assertEquals(401, http.get("/v1/me", ticket).statusCode(), "the ticket is no bearer token");
        assertEquals(401, http.send("POST", "/v1/me/password", "{\"current_password\":\"" + PASSWORD
                + "\",\"new_password\":\"" + NEW_PASSWORD + "\"}", Map.of("authorization", "Bearer " + ticket))
                .statusCode(), "nor does it open the authenticated route");

        HttpResponse<String> reused = changeExpired(ticket, PASSWORD);
        assertEquals(422, reused.statusCode(), reused.body());
        assertTrue(reused.body().contains("reused"), reused.body());
        HttpResponse<String> weak = changeExpired(ticket, "short");
        assertEquals(422, weak.statusCode(), "a refused password leaves the ticket usable");

        HttpResponse<String> changed = changeExpired(ticket, NEW_PASSWORD);
        assertEquals(204, changed.statusCode(), changed.body());
        assertEquals(401, changeExpired(ticket, "Another-Fresh-Harbor-93!").statusCode(), "single use");
        assertEquals("token_invalid", LocalHttp.json(changeExpired(ticket, "Another-Fresh-Harbor-93!"))
                .get("code").asText());
        assertEquals(401, http.refresh(fresh.get("refresh_token").asText()).statusCode(),
                "sessions from before the change are revoked");

        assertEquals(401, loginRaw(PASSWORD).statusCode(), "the expired password is gone");
        assertTrue(http.login("acme", "alice", NEW_PASSWORD).has("access_token"), "the new one logs in normally");
        assertEquals("expired_password_ticket",
                AUDIT.ofType("password_changed").stream().filter(e -> "success".equals(e.result())).findFirst()
                        .orElseThrow().additionalData().get("via"));
    }

    @Test
    void changeExpiredWhenTicketUnknownOrMalformedThen401Or400() {
        HttpResponse<String> unknown = changeExpired("not-a-ticket-at-all", NEW_PASSWORD);
        assertEquals(401, unknown.statusCode());
        assertEquals("token_invalid", LocalHttp.json(unknown).get("code").asText());
        HttpResponse<String> missing = http.post("/v1/auth/password/expired", "{\"new_password\":\"" + NEW_PASSWORD
                + "\"}");
        assertEquals(400, missing.statusCode());
        assertTrue(missing.body().contains("password_change_token"), missing.body());
        HttpResponse<String> extra = http.post("/v1/auth/password/expired", "{\"password_change_token\":\"x\","
                + "\"new_password\":\"" + NEW_PASSWORD + "\",\"username\":\"alice\"}");
        assertEquals(400, extra.statusCode());
        assertTrue(extra.body().contains("username"), extra.body());
    }
}
