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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v1/me/password} over the local runtime (ADR 0025): the change itself with
 * every session revoked and a notice in the outbox, the password history, the lockout counting of
 * a wrong current password, every broken rule at once, bad input naming the field, and two
 * concurrent changes of which exactly one wins.
 */
class PasswordChangeIT {

    private static final String PASSWORD = "Velvet-Orbit-Quarry-82";
    private static final String SEED = """
            {"tenants":[{"id":"acme","name":"Acme","organizations":[{"id":"risk","name":"Risk"}],
              "users":[
                {"username":"alice","email":"alice@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"bob","email":"bob@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"carol","email":"carol@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"dave","email":"dave@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"erin","email":"erin@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"}]}]}""";

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

    private static HttpResponse<String> change(String accessToken, String body) {
        return http.send("POST", "/v1/me/password", body, Map.of("authorization", "Bearer " + accessToken));
    }

    private static String body(String current, String next) {
        return "{\"current_password\":\"" + current + "\",\"new_password\":\"" + next + "\"}";
    }

    private static JsonNode outbox() {
        return LocalHttp.json(http.send("GET", "/_local/outbox", null, Map.of()));
    }

    private static long mailsTo(String to) {
        JsonNode messages = outbox().get("messages");
        long count = 0;
        for (JsonNode message : messages) {
            count += message.get("to").asText().equals(to) ? 1 : 0;
        }
        return count;
    }

    private static Set<String> codes(HttpResponse<String> response) {
        Set<String> codes = new HashSet<>();
        LocalHttp.json(response).get("errors").forEach(e -> codes.add(e.get("field").asText() + "/"
                + e.get("code").asText()));
        return codes;
    }

    @Test
    void changeWhenCurrentCorrectThenEverySessionRevokedNoticeMailedAndOnlyNewPasswordLogsIn() {
        JsonNode first = http.login("acme", "alice", PASSWORD);
        JsonNode second = http.login("acme", "alice", PASSWORD);
        CLOCK.advance(Duration.ofSeconds(1));
        long mailsBefore = mailsTo("alice@acme.test");

        HttpResponse<String> changed = change(first.get("access_token").asText(),
                body(PASSWORD, "Copper-Lantern-Meadow-47!"));
        assertEquals(204, changed.statusCode(), changed.body());

        assertEquals(401, http.refresh(first.get("refresh_token").asText()).statusCode());
        assertEquals(401, http.refresh(second.get("refresh_token").asText()).statusCode(), "every session, not one");
        CLOCK.advance(Duration.ofSeconds(31));
        assertEquals(401, http.get("/v1/me", second.get("access_token").asText()).statusCode(),
                "access tokens issued before the change are void once the authorizer's cache turns");
        assertEquals(mailsBefore + 1, mailsTo("alice@acme.test"));
        assertFalse(outbox().toString().contains("Copper-Lantern"), "the notice carries no password");
        assertEquals(401, http.post("/v1/auth/login", "{\"tenant\":\"acme\",\"username\":\"alice\",\"password\":\""
                + PASSWORD + "\"}").statusCode(), "the old password is gone");
        http.login("acme", "alice", "Copper-Lantern-Meadow-47!");
        assertEquals("success", AUDIT.ofType("password_changed").get(0).result());
        assertFalse(AUDIT.events().toString().contains("Copper-Lantern"));
    }

    @Test
    void changeWhenNewPasswordWasUsedBeforeThen422ReusedAndOldestForgottenAfterHistorySize() {
        String current = PASSWORD;
        // Twelve passwords are remembered (the current one and eleven before it).
        for (int i = 1; i <= 12; i++) {
            String next = "Copper-Lantern-Meadow-" + (40 + i) + "!";
            JsonNode login = http.login("acme", "bob", current);
            if (i == 2 || i == 12) {
                HttpResponse<String> reused = change(login.get("access_token").asText(), body(current, PASSWORD));
                assertEquals(422, reused.statusCode(), reused.body());
                assertEquals(Set.of("new_password/reused"), codes(reused));
            }
            HttpResponse<String> changed = change(login.get("access_token").asText(), body(current, next));
            assertEquals(204, changed.statusCode(), "change " + i + ": " + changed.body());
            current = next;
            CLOCK.advance(Duration.ofSeconds(1));
        }
        JsonNode login = http.login("acme", "bob", current);
        HttpResponse<String> again = change(login.get("access_token").asText(), body(current, current));
        assertEquals(422, again.statusCode(), "the current password is one of the remembered ones");
        HttpResponse<String> forgotten = change(login.get("access_token").asText(), body(current, PASSWORD));
        assertEquals(204, forgotten.statusCode(), "twelve changes later the first password may return: "
                + forgotten.body());
    }

    @Test
    void changeWhenCurrentWrongThen401LikeLoginAndFiveFailuresLockTheAccount() {
        JsonNode login = http.login("acme", "carol", PASSWORD);
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> refused = change(login.get("access_token").asText(),
                    body("Wrong-Guess-Number-" + i + "x", "Copper-Lantern-Meadow-47!"));
            assertEquals(401, refused.statusCode());
            assertEquals("invalid_credentials", LocalHttp.json(refused).get("code").asText());
        }
        assertEquals(1, AUDIT.ofType("account_locked").size(), "wrong current passwords count towards the lockout");
        HttpResponse<String> locked = change(login.get("access_token").asText(),
                body(PASSWORD, "Copper-Lantern-Meadow-47!"));
        assertEquals(401, locked.statusCode(), "a locked account cannot change its password either");
        assertEquals(401, http.post("/v1/auth/login", "{\"tenant\":\"acme\",\"username\":\"carol\",\"password\":\""
                + PASSWORD + "\"}").statusCode(), "and cannot log in");
    }

    @Test
    void changeWhenWeakOrBadInputThen422Or400NamingTheFieldAndNothingWritten() {
        JsonNode login = http.login("acme", "dave", PASSWORD);
        String token = login.get("access_token").asText();
        HttpResponse<String> weak = change(token, body(PASSWORD, "short"));
        assertEquals(422, weak.statusCode());
        assertEquals("password_policy_violated", LocalHttp.json(weak).get("code").asText());
        assertTrue(codes(weak).containsAll(Set.of("new_password/min_length", "new_password/uppercase",
                "new_password/digit", "new_password/special")), codes(weak).toString());

        HttpResponse<String> unknown = change(token, "{\"current_password\":\"" + PASSWORD
                + "\",\"new_password\":\"Copper-Lantern-Meadow-47!\",\"admin\":true}");
        assertEquals(400, unknown.statusCode(), unknown.body());
        assertTrue(unknown.body().contains("admin"), "the unknown field is named: " + unknown.body());
        HttpResponse<String> wrongType = change(token, "{\"current_password\":\"" + PASSWORD
                + "\",\"new_password\":47}");
        assertEquals(400, wrongType.statusCode(), wrongType.body());
        assertTrue(wrongType.body().contains("new_password"), wrongType.body());
        HttpResponse<String> missing = change(token, "{\"current_password\":\"" + PASSWORD + "\"}");
        assertEquals(400, missing.statusCode());
        assertEquals(Set.of("new_password/required"), codes(missing));
        HttpResponse<String> oversized = change(token, body(PASSWORD, "A1-" + "x".repeat(2000)));
        assertEquals(400, oversized.statusCode());
        assertEquals(Set.of("new_password/too_long"), codes(oversized));

        assertEquals(0, AUDIT.ofType("password_changed").stream().filter(e -> "success".equals(e.result())).count());
        assertEquals(200, http.refresh(login.get("refresh_token").asText()).statusCode(),
                "no refused request revoked anything");
        http.login("acme", "dave", PASSWORD);
    }

    @Test
    void changeWhenTwoConcurrentChangesThenExactlyOneWins() throws Exception {
        JsonNode login = http.login("acme", "erin", PASSWORD);
        String token = login.get("access_token").asText();
        List<HttpResponse<String>> answers = LocalHttp.race(2, () -> change(token,
                body(PASSWORD, "Copper-Lantern-Meadow-" + Thread.currentThread().threadId() + "!")));
        List<Integer> statuses = answers.stream().map(HttpResponse::statusCode).sorted().toList();
        assertEquals(204, statuses.get(0), statuses.toString());
        assertTrue(statuses.get(1) == 409 || statuses.get(1) == 401,
                "the loser either lost the conditional write or already saw the new hash: " + statuses);
        assertEquals(1, AUDIT.ofType("password_changed").stream().filter(e -> "success".equals(e.result())).count());
    }
}
