package io.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.audit.AuditEvent;
import io.tollgate.testing.RecordingAuditPublisher;
import io.tollgate.testing.TestClock;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Invitation / first login over the local runtime (ADR 0045): an administrator creates a
 * user without a password; a one-time set-password link, valid 24 hours, arrives in the outbox;
 * nothing logs in before it is used; it works once, under the tenant's password policy.
 */
class InvitationIT {

    private static final String PASSWORD = "Velvet-Orbit-Quarry-82";
    private static final String CHOSEN = "Copper-Lantern-Meadow-47!";
    private static final Pattern LINK = Pattern.compile("/set-password#token=([A-Za-z0-9_-]+)");
    private static final String SEED = """
            {"tenants":[{"id":"acme","name":"Acme","organizations":[{"id":"risk","name":"Risk"}],
              "users":[
                {"username":"tina@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["tenant_admin"]}]}]}""";

    @TempDir
    static Path temp;
    private static final RecordingAuditPublisher AUDIT = new RecordingAuditPublisher();
    private static final TestClock CLOCK = TestClock.startingNow();
    private static LocalRuntime runtime;
    private static LocalHttp http;
    private static String admin;

    @BeforeAll
    static void start() {
        runtime = LocalHttp.startSeeded(temp, SEED, CLOCK, AUDIT);
        http = new LocalHttp(runtime.baseUri());
        admin = http.login("acme", "tina@acme.test", PASSWORD).get("access_token").asText();
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    private static HttpResponse<String> invite(String username, String email) {
        String mail = email == null ? "" : ",\"email\":\"" + email + "\"";
        return http.send("POST", "/v1/users", "{\"username\":\"" + username + "\"" + mail
                + ",\"roles\":[\"user\"],\"org\":\"risk\"}", Map.of("authorization", "Bearer " + admin));
    }

    private static HttpResponse<String> setPassword(String token, String password) {
        return http.post("/v1/auth/password/set", "{\"token\":\"" + token + "\",\"new_password\":\"" + password + "\"}");
    }

    private static HttpResponse<String> login(String username, String password) {
        return http.post("/v1/auth/login", "{\"tenant\":\"acme\",\"username\":\"" + username + "\",\"password\":\""
                + password + "\"}");
    }

    private static List<JsonNode> mailsTo(String to) {
        List<JsonNode> found = new ArrayList<>();
        LocalHttp.json(http.send("GET", "/_local/outbox", null, Map.of())).get("messages").forEach(m -> {
            if (m.get("to").asText().equals(to)) {
                found.add(m);
            }
        });
        return found;
    }

    private static String linkToken(JsonNode mail) {
        Matcher matcher = LINK.matcher(mail.get("text").asText());
        assertTrue(matcher.find(), mail.toString());
        return matcher.group(1);
    }

    @Test
    void createUserWithoutPasswordThenLinkMailedThatSetsThePasswordOnceAndThenLoginWorks() {
        HttpResponse<String> created = invite("ivy@acme.test", "ivy@acme.test");
        assertEquals(201, created.statusCode(), created.body());
        String userId = LocalHttp.json(created).get("id").asText();
        List<JsonNode> mails = mailsTo("ivy@acme.test");
        assertEquals(1, mails.size());
        String token = linkToken(mails.getFirst());
        assertTrue(mails.getFirst().get("text").asText().contains(runtime.services().config().tokenIssuer()
                .replaceAll("/$", "") + "/set-password#token="), "the link points at the issuer's set-password page");
        assertFalse(created.body().contains(token), "the token travels only in the mail");

        assertEquals(401, login("ivy@acme.test", CHOSEN).statusCode(), "no password logs in before the link is used");
        assertEquals(401, http.post("/v1/auth/password/expired", "{\"password_change_token\":\"" + token
                + "\",\"new_password\":\"" + CHOSEN + "\"}").statusCode(), "an invitation is no expired-password ticket");

        HttpResponse<String> weak = setPassword(token, "password");
        assertEquals(422, weak.statusCode(), weak.body());
        assertEquals("password_policy_violated", LocalHttp.json(weak).get("code").asText());

        assertEquals(204, setPassword(token, CHOSEN).statusCode(), "a refused password leaves the link usable");
        HttpResponse<String> again = setPassword(token, "Another-Harbour-Violet-58!");
        assertEquals(401, again.statusCode(), "the link works once");
        assertEquals("token_invalid", LocalHttp.json(again).get("code").asText());

        JsonNode tokens = http.login("acme", "ivy@acme.test", CHOSEN);
        assertTrue(tokens.has("access_token"));
        List<AuditEvent> invited = AUDIT.ofType("user_invited");
        assertEquals(1, invited.stream().filter(e -> userId.equals(e.additionalData().get("target_user_id"))).count());
        assertTrue(AUDIT.ofType("password_changed").stream().anyMatch(e -> userId.equals(e.userId())
                && "invitation".equals(e.additionalData().get("via")) && "success".equals(e.result())));
        assertTrue(mailsTo("ivy@acme.test").size() == 1, "setting the first password sends no change notice");
    }

    @Test
    void setPasswordWhenLinkOlderThan24HoursThenRefusedAndAccountStaysUnusable() {
        assertEquals(201, invite("late@acme.test", "late@acme.test").statusCode());
        String token = linkToken(mailsTo("late@acme.test").getFirst());
        CLOCK.advance(Duration.ofHours(24).plusSeconds(1));
        try {
            assertEquals(401, setPassword(token, CHOSEN).statusCode());
            assertEquals(401, login("late@acme.test", CHOSEN).statusCode());
        } finally {
            CLOCK.advance(Duration.ofHours(-24).minusSeconds(1));
        }
    }

    @Test
    void inviteWhenNoEmailOrBadInputThen400NamingTheFieldAndNothingWritten() {
        HttpResponse<String> noEmail = invite("nomail@acme.test", null);
        assertEquals(400, noEmail.statusCode(), noEmail.body());
        assertEquals("email", LocalHttp.json(noEmail).get("errors").get(0).get("field").asText());
        HttpResponse<String> badEmail = invite("bad@acme.test", "not-an-email");
        assertEquals(400, badEmail.statusCode());
        assertEquals("email", LocalHttp.json(badEmail).get("errors").get(0).get("field").asText());
        JsonNode users = LocalHttp.json(http.get("/v1/users?limit=100", admin)).get("users");
        users.forEach(u -> assertFalse(List.of("nomail@acme.test", "bad@acme.test").contains(u.get("username").asText())));

        for (String body : List.of("{\"new_password\":\"" + CHOSEN + "\"}", "{\"token\":\"" + "x".repeat(129)
                + "\",\"new_password\":\"" + CHOSEN + "\"}", "{\"token\":\"abc\",\"new_password\":\"" + CHOSEN
                + "\",\"extra\":1}", "{\"token\":7,\"new_password\":\"" + CHOSEN + "\"}")) {
            HttpResponse<String> refused = http.post("/v1/auth/password/set", body);
            assertEquals(400, refused.statusCode(), body + " -> " + refused.body());
        }
        assertEquals(401, setPassword("never-issued-token", CHOSEN).statusCode());
    }
}
