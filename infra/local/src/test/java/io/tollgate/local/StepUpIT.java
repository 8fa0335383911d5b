package io.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.otp.Base32;
import io.tollgate.otp.TotpVerifier;
import io.tollgate.testing.RecordingAuditPublisher;
import io.tollgate.testing.TestClock;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Step-up authentication over the local runtime (ADR 0053): an access token whose
 * {@code auth_time} is older than the tenant's step-up window (default 5 minutes), or that lacks a
 * second factor its user has, cannot change credentials (API keys, TOTP, backup codes, phone,
 * passkeys); {@code POST /v1/auth/step-up} re-authenticates and returns a fresh access token for
 * the same session; failures count toward the lockout; refresh keeps the original
 * {@code auth_time}.
 */
class StepUpIT {

    private static final String PASSWORD = "Velvet-Orbit-Quarry-82";
    private static final String SEED = """
            {"tenants":[{"id":"acme","name":"Acme","organizations":[{"id":"risk","name":"Risk"}],
              "users":[
                {"username":"alice","email":"alice@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"bob","email":"bob@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"carol","email":"carol@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"dave","email":"dave@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"tess","email":"tess@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["tenant_admin"]}]}]}""";

    /** The credential-changing routes and a body each accepts. */
    private static final List<String[]> GUARDED = List.of(
            new String[] {"POST", "/v1/me/api-keys", "{\"name\":\"ci\"}"},
            new String[] {"POST", "/v1/me/mfa/totp", null},
            new String[] {"DELETE", "/v1/me/mfa/totp", null},
            new String[] {"POST", "/v1/me/mfa/backup-codes", null},
            new String[] {"POST", "/v1/me/phone", "{\"phone\":\"+447700900123\"}"},
            new String[] {"POST", "/v1/me/webauthn/registrations", null});

    @TempDir
    static Path temp;
    private static final RecordingAuditPublisher AUDIT = new RecordingAuditPublisher();
    private static final TestClock CLOCK = TestClock.startingNow();
    private static final TotpVerifier TOTP = new TotpVerifier(CLOCK);
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

    private static HttpResponse<String> call(String method, String path, String body, String bearer) {
        return http.send(method, path, body, Map.of("authorization", "Bearer " + bearer));
    }

    private static HttpResponse<String> stepUp(String bearer, String body) {
        return call("POST", "/v1/auth/step-up", body, bearer);
    }

    private static void assertStepUpRequired(HttpResponse<String> response, String what) {
        assertEquals(401, response.statusCode(), what + ": " + response.body());
        assertTrue(response.headers().firstValue("content-type").orElseThrow().startsWith("application/problem+json"));
        assertEquals("step_up_required", LocalHttp.json(response).get("code").asText(), what);
    }

    @Test
    void credentialRoutesWhenAuthTimeOlderThanFiveMinutesThenStepUpRequired() {
        String access = http.login("acme", "alice", PASSWORD).get("access_token").asText();
        CLOCK.advance(Duration.ofMinutes(5).plusSeconds(1));
        for (String[] route : GUARDED) {
            assertStepUpRequired(call(route[0], route[1], route[2], access), route[0] + " " + route[1]);
        }
        assertEquals(0, LocalHttp.json(call("GET", "/v1/me/api-keys", null, access)).get("api_keys").size(),
                "no API key was minted with the stale token");
        assertEquals(200, call("GET", "/v1/me", null, access).statusCode(), "reading stays open");
    }

    @Test
    void stepUpWhenPasswordRightThenFreshTokenOfSameSessionMintsApiKey() {
        JsonNode login = http.login("acme", "bob", PASSWORD);
        String access = login.get("access_token").asText();
        CLOCK.advance(Duration.ofMinutes(6));
        assertStepUpRequired(call("POST", "/v1/me/api-keys", "{\"name\":\"ci\"}", access), "stale");

        HttpResponse<String> stepped = stepUp(access, "{\"password\":\"" + PASSWORD + "\"}");
        assertEquals(200, stepped.statusCode(), stepped.body());
        JsonNode answer = LocalHttp.json(stepped);
        assertFalse(answer.has("refresh_token"), "the refresh token is not replaced");
        String fresh = answer.get("access_token").asText();
        JsonNode before = LocalHttp.claims(access);
        JsonNode after = LocalHttp.claims(fresh);
        assertEquals(before.get("sid").asText(), after.get("sid").asText(), "same session");
        assertEquals(CLOCK.instant().getEpochSecond(), after.get("auth_time").asLong());
        assertNotEquals(before.get("auth_time").asLong(), after.get("auth_time").asLong());
        assertEquals(1, AUDIT.ofType("step_up_success").size());

        HttpResponse<String> minted = call("POST", "/v1/me/api-keys", "{\"name\":\"ci\"}", fresh);
        assertEquals(201, minted.statusCode(), minted.body());

        // Refresh keeps the login's auth_time: it never counts as a re-authentication.
        HttpResponse<String> refreshed = http.refresh(login.get("refresh_token").asText());
        assertEquals(200, refreshed.statusCode(), refreshed.body());
        JsonNode refreshedClaims = LocalHttp.claims(LocalHttp.json(refreshed).get("access_token").asText());
        assertEquals(before.get("auth_time").asLong(), refreshedClaims.get("auth_time").asLong());
    }

    @Test
    void patchOwnEmailWhenAuthTimeStaleThenStepUpRequiredButAnotherUsersEmailIsAdministration() {
        String access = http.login("acme", "tess", PASSWORD).get("access_token").asText();
        String tessId = LocalHttp.claims(access).get("sub").asText();
        String aliceId = LocalHttp.claims(http.login("acme", "alice", PASSWORD).get("access_token").asText())
                .get("sub").asText();
        CLOCK.advance(Duration.ofMinutes(6));
        assertStepUpRequired(call("PATCH", "/v1/users/" + tessId, "{\"email\":\"tess@evil.test\"}", access),
                "own e-mail");
        HttpResponse<String> other = call("PATCH", "/v1/users/" + aliceId, "{\"email\":\"alice@acme.example\"}",
                access);
        assertEquals(200, other.statusCode(), "administering another user's address is no credential change: "
                + other.body());
        String fresh = LocalHttp.json(stepUp(access, "{\"password\":\"" + PASSWORD + "\"}")).get("access_token")
                .asText();
        HttpResponse<String> own = call("PATCH", "/v1/users/" + tessId, "{\"email\":\"tess@acme.example\"}", fresh);
        assertEquals(200, own.statusCode(), own.body());
    }

    @Test
    void stepUpWhenPasswordWrongFiveTimesThenAccountLockedAndAudited() {
        String access = http.login("acme", "carol", PASSWORD).get("access_token").asText();
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> refused = stepUp(access, "{\"password\":\"Wrong-Password-" + i + "\"}");
            assertEquals(401, refused.statusCode(), refused.body());
            assertEquals("invalid_credentials", LocalHttp.json(refused).get("code").asText());
        }
        assertEquals(5, AUDIT.ofType("step_up_failed").size());
        assertEquals(1, AUDIT.ofType("account_locked").size());
        HttpResponse<String> locked = stepUp(access, "{\"password\":\"" + PASSWORD + "\"}");
        assertEquals(401, locked.statusCode(), "a locked account cannot step up, even with the right password");
        assertEquals(401, http.post("/v1/auth/login", "{\"tenant\":\"acme\",\"username\":\"carol\",\"password\":\""
                + PASSWORD + "\"}").statusCode(), "the step-up failures locked the login too");
        HttpResponse<String> bad = stepUp(access, "{}");
        assertEquals(400, bad.statusCode(), bad.body());
    }

    @Test
    void stepUpWhenUserHasTotpThenCodeRequiredAndFreshPasswordOnlyTokenRefused() {
        String access = http.login("acme", "dave", PASSWORD).get("access_token").asText();
        HttpResponse<String> enrolled = call("POST", "/v1/me/mfa/totp", null, access);
        assertEquals(200, enrolled.statusCode(), enrolled.body());
        byte[] secret = Base32.decode(LocalHttp.json(enrolled).get("secret").asText());
        HttpResponse<String> activated = call("POST", "/v1/me/mfa/totp/activate",
                "{\"code\":\"" + TOTP.codeAt(secret, CLOCK.instant()) + "\"}", access);
        assertEquals(200, activated.statusCode(), activated.body());
        // The password-only token is recent, but its user now has a second factor it does not show.
        assertStepUpRequired(call("POST", "/v1/me/api-keys", "{\"name\":\"ci\"}", access), "amr without otp");

        HttpResponse<String> noCode = stepUp(access, "{\"password\":\"" + PASSWORD + "\"}");
        assertEquals(401, noCode.statusCode(), noCode.body());
        assertEquals("mfa_invalid", LocalHttp.json(noCode).get("code").asText());

        CLOCK.advance(Duration.ofSeconds(30));
        HttpResponse<String> stepped = stepUp(access, "{\"password\":\"" + PASSWORD + "\",\"code\":\""
                + TOTP.codeAt(secret, CLOCK.instant()) + "\"}");
        assertEquals(200, stepped.statusCode(), stepped.body());
        String fresh = LocalHttp.json(stepped).get("access_token").asText();
        assertEquals(List.of("pwd", "otp"), List.of(LocalHttp.claims(fresh).get("amr").get(0).asText(),
                LocalHttp.claims(fresh).get("amr").get(1).asText()));
        HttpResponse<String> minted = call("POST", "/v1/me/api-keys", "{\"name\":\"ci\"}", fresh);
        assertEquals(201, minted.statusCode(), minted.body());

        HttpResponse<String> replay = stepUp(fresh, "{\"password\":\"" + PASSWORD + "\",\"code\":\""
                + TOTP.codeAt(secret, CLOCK.instant()) + "\"}");
        assertEquals(401, replay.statusCode(), "a TOTP step is used once: " + replay.body());
    }
}
