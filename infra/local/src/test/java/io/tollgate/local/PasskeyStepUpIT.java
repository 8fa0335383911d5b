package io.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.audit.AuditEvent;
import io.tollgate.json.Json;
import io.tollgate.testing.RecordingAuditPublisher;
import io.tollgate.testing.SoftwareAuthenticator;
import io.tollgate.testing.TestClock;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Step-up with a passkey over the local runtime (ADR 0053): a user whose only second factor is a
 * passkey cannot step up with the password alone, and re-proves itself with a WebAuthn assertion
 * (challenge bound to its session, its own credentials, user verification) that gives a fresh
 * access token of the same session; a replayed challenge, another user's key or ceremony and a
 * cloned key are refused, and failures count toward the lockout.
 */
class PasskeyStepUpIT {

    private static final String PASSWORD = "Velvet-Orbit-Quarry-82";
    private static final String ORIGIN = "http://localhost:3000";
    private static final String SEED = """
            {"tenants":[{"id":"acme","name":"Acme","organizations":[{"id":"risk","name":"Risk"}],
              "users":[
                {"username":"alice","email":"alice@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"bob","email":"bob@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"carol","email":"carol@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"dave","email":"dave@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"erin","email":"erin@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"frank","email":"frank@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"}]}]}""";

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

    private static HttpResponse<String> call(String method, String path, Object body, String bearer) {
        return http.send(method, path, body == null ? null : body.toString(),
                Map.of("authorization", "Bearer " + bearer));
    }

    private static String login(String username) {
        return http.accessToken("acme", username, PASSWORD, null);
    }

    private static String publicKey(JsonNode options) {
        ObjectNode wrapper = Json.mapper().createObjectNode();
        wrapper.set("publicKey", options.get("publicKey"));
        return wrapper.toString();
    }

    private static ObjectNode answer(String ceremonyId, String credential) {
        ObjectNode body = Json.mapper().createObjectNode().put("ceremony_id", ceremonyId);
        try {
            body.set("credential", Json.mapper().readTree(credential));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return body;
    }

    /** Registers a passkey with a fresh password-only token (the user has no second factor yet). */
    private static SoftwareAuthenticator register(String username, SoftwareAuthenticator key) {
        String bearer = login(username);
        HttpResponse<String> options = call("POST", "/v1/me/webauthn/registrations", null, bearer);
        assertEquals(200, options.statusCode(), options.body());
        JsonNode created = LocalHttp.json(options);
        HttpResponse<String> registered = call("POST", "/v1/me/webauthn/registrations/finish",
                answer(created.get("ceremony_id").asText(), key.register(publicKey(created), ORIGIN)), bearer);
        assertEquals(201, registered.statusCode(), registered.body());
        return key;
    }

    /** A passwordless login with {@code key} (a user with a passkey gets an MFA challenge from the password login). */
    private static String passkeyLogin(SoftwareAuthenticator key) {
        JsonNode get = LocalHttp.json(http.post("/v1/auth/passkey/options", "{\"tenant\":\"acme\"}"));
        HttpResponse<String> verified = http.post("/v1/auth/passkey/verify", answer(get.get("ceremony_id").asText(),
                key.authenticate(publicKey(get), ORIGIN)).toString());
        assertEquals(200, verified.statusCode(), verified.body());
        return LocalHttp.json(verified).get("access_token").asText();
    }

    private static JsonNode stepUpOptions(String bearer) {
        HttpResponse<String> options = call("POST", "/v1/auth/step-up/passkey/options", null, bearer);
        assertEquals(200, options.statusCode(), options.body());
        return LocalHttp.json(options);
    }

    private static HttpResponse<String> stepUp(String bearer, JsonNode options, SoftwareAuthenticator key,
            String origin) {
        return call("POST", "/v1/auth/step-up/passkey/verify", answer(options.get("ceremony_id").asText(),
                key.authenticate(publicKey(options), origin)), bearer);
    }

    private static void assertRefused(HttpResponse<String> response, String what) {
        assertEquals(401, response.statusCode(), what + ": " + response.body());
        assertEquals("invalid_credentials", LocalHttp.json(response).get("code").asText(), what);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(node -> out.add(node.asText()));
        return out;
    }

    private static List<String> failureReasons() {
        return AUDIT.ofType("step_up_failed").stream().map(e -> String.valueOf(e.additionalData().get("reason"))).toList();
    }

    @Test
    void stepUpWhenOnlySecondFactorIsPasskeyThenPasswordAloneRefusedAndAssertionRefreshesAuthTime() {
        SoftwareAuthenticator key = register("alice", SoftwareAuthenticator.securityKey());
        // A passwordless login, then the step-up window passes.
        String access = passkeyLogin(key);
        CLOCK.advance(Duration.ofMinutes(6));
        HttpResponse<String> stale = call("POST", "/v1/me/api-keys", "{\"name\":\"ci\"}", access);
        assertEquals("step_up_required", LocalHttp.json(stale).get("code").asText(), stale.body());

        // The password alone is not enough: the passkey is a second factor the code step-up cannot check.
        HttpResponse<String> passwordOnly = call("POST", "/v1/auth/step-up", "{\"password\":\"" + PASSWORD + "\"}",
                access);
        assertEquals(401, passwordOnly.statusCode(), passwordOnly.body());

        JsonNode options = stepUpOptions(access);
        assertEquals("required", options.at("/publicKey/userVerification").asText());
        List<String> allowed = new ArrayList<>();
        options.at("/publicKey/allowCredentials").forEach(c -> allowed.add(c.get("id").asText()));
        assertEquals(List.of(key.credentialId()), allowed, "only the caller's own credentials are allowed");

        HttpResponse<String> stepped = stepUp(access, options, key, ORIGIN);
        assertEquals(200, stepped.statusCode(), stepped.body());
        JsonNode answer = LocalHttp.json(stepped);
        assertTrue(!answer.has("refresh_token") || answer.get("refresh_token").isNull(),
                "the refresh token is not replaced");
        String fresh = answer.get("access_token").asText();
        JsonNode before = LocalHttp.claims(access);
        JsonNode after = LocalHttp.claims(fresh);
        assertEquals(before.get("sid").asText(), after.get("sid").asText(), "same session");
        assertEquals(CLOCK.instant().getEpochSecond(), after.get("auth_time").asLong());
        assertNotEquals(before.get("auth_time").asLong(), after.get("auth_time").asLong());
        assertEquals(List.of("hwk", "mfa"), strings(after.get("amr")));
        List<AuditEvent> success = AUDIT.ofType("step_up_success");
        assertEquals(1, success.size());

        HttpResponse<String> minted = call("POST", "/v1/me/api-keys", "{\"name\":\"ci\"}", fresh);
        assertEquals(201, minted.statusCode(), minted.body());
        assertEquals(key.counter(), LocalHttp.json(call("GET", "/v1/me/webauthn/credentials", null, fresh))
                .at("/credentials/0/sign_count").asLong(), "the assertion's counter was recorded");
    }

    @Test
    void stepUpWhenChallengeReplayedOrKeyClonedThenRefused() {
        SoftwareAuthenticator key = register("bob", SoftwareAuthenticator.syncedPasskey());
        SoftwareAuthenticator clone = key.cloned();
        String access = passkeyLogin(key);

        JsonNode options = stepUpOptions(access);
        HttpResponse<String> first = stepUp(access, options, key, ORIGIN);
        assertEquals(200, first.statusCode(), first.body());
        assertEquals(List.of("swk", "mfa"),
                strings(LocalHttp.claims(LocalHttp.json(first).get("access_token").asText()).get("amr")));
        assertRefused(stepUp(access, options, key, ORIGIN), "replayed challenge");

        // The clone still holds the counter the original had before the step-up.
        assertRefused(stepUp(access, stepUpOptions(access), clone, ORIGIN), "cloned key");
        assertEquals(1, AUDIT.ofType("webauthn_clone_suspected").size());
        assertEquals(List.of("unknown_ceremony", "sign_count_regression"), failureReasons());
        assertEquals("passkey", AUDIT.ofType("step_up_failed").getFirst().additionalData().get("method"));
    }

    @Test
    void stepUpWhenAnotherUsersKeyOrCeremonyThenRefused() {
        SoftwareAuthenticator carols = register("carol", SoftwareAuthenticator.securityKey());
        SoftwareAuthenticator daves = register("dave", SoftwareAuthenticator.securityKey());
        String carol = passkeyLogin(carols);
        String dave = passkeyLogin(daves);

        // Dave's key answering Carol's challenge.
        assertRefused(stepUp(carol, stepUpOptions(carol), daves, ORIGIN), "another user's credential");
        // Dave's ceremony (bound to his session) answered by Dave's key but posted with Carol's token.
        assertRefused(stepUp(carol, stepUpOptions(dave), daves, ORIGIN), "another user's ceremony");
        // Carol's ceremony of another of her sessions.
        String carolElsewhere = passkeyLogin(carols);
        assertRefused(stepUp(carol, stepUpOptions(carolElsewhere), carols, ORIGIN), "another session's ceremony");
        assertEquals(List.of("unknown_credential", "unknown_ceremony", "unknown_ceremony"), failureReasons());
        assertEquals(200, stepUp(carol, stepUpOptions(carol), carols, ORIGIN).statusCode());

        // A user without a passkey gets no challenge.
        HttpResponse<String> none = call("POST", "/v1/auth/step-up/passkey/options", null, login("frank"));
        assertEquals(409, none.statusCode(), none.body());
    }

    @Test
    void stepUpWhenAssertionFailsFiveTimesThenAccountLockedAndAudited() {
        SoftwareAuthenticator key = register("erin", SoftwareAuthenticator.securityKey());
        String access = passkeyLogin(key);
        for (int i = 0; i < 5; i++) {
            assertRefused(stepUp(access, stepUpOptions(access), key, "https://acme-bank.example"), "phished " + i);
        }
        assertEquals(5, AUDIT.ofType("step_up_failed").size());
        List<AuditEvent> locked = AUDIT.ofType("account_locked");
        assertEquals(1, locked.size());
        assertEquals("step_up", locked.getFirst().additionalData().get("step"));
        assertRefused(stepUp(access, stepUpOptions(access), key, ORIGIN), "locked account, right origin");
        assertEquals(401, http.post("/v1/auth/login", "{\"tenant\":\"acme\",\"username\":\"erin\",\"password\":\""
                + PASSWORD + "\"}").statusCode(), "the step-up failures locked the login too");
    }
}
