package io.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.otp.Base32;
import io.tollgate.otp.TotpVerifier;
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
 * An expired password of a user with a second factor (ADR 0025, ADR 0053): the password alone
 * no longer yields the password-change ticket; the login asks for the second factor first, and
 * only its success answers with the ticket (never with tokens).
 */
class PasswordExpirySecondFactorIT {

    private static final String PASSWORD = "Velvet-Orbit-Quarry-82";
    private static final String NEW_PASSWORD = "Copper-Lantern-Meadow-47!";
    private static final String SEED = """
            {"tenants":[{"id":"acme","name":"Acme","organizations":[{"id":"risk","name":"Risk"}],
              "users":[
                {"username":"mia","email":"mia@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"}]}]}""";

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

    private static HttpResponse<String> login(String password) {
        return http.post("/v1/auth/login", "{\"tenant\":\"acme\",\"username\":\"mia\",\"password\":\"" + password
                + "\"}");
    }

    @Test
    void loginWhenPasswordExpiredAndTotpEnrolledThenTicketOnlyAfterTheSecondFactor() {
        String access = http.login("acme", "mia", PASSWORD).get("access_token").asText();
        Map<String, String> bearer = Map.of("authorization", "Bearer " + access);
        HttpResponse<String> enrolled = http.send("POST", "/v1/me/mfa/totp", null, bearer);
        assertEquals(200, enrolled.statusCode(), enrolled.body());
        byte[] secret = Base32.decode(LocalHttp.json(enrolled).get("secret").asText());
        HttpResponse<String> activated = http.send("POST", "/v1/me/mfa/totp/activate",
                "{\"code\":\"" + TOTP.codeAt(secret, CLOCK.instant()) + "\"}", bearer);
        assertEquals(200, activated.statusCode(), activated.body());

        CLOCK.advance(Duration.ofDays(90).plusMinutes(1));
        HttpResponse<String> first = login(PASSWORD);
        assertEquals(200, first.statusCode(), first.body());
        JsonNode challenge = LocalHttp.json(first);
        assertFalse(challenge.has("password_change_token"), "the password alone earns no ticket: " + first.body());
        assertTrue(challenge.path("mfa_required").asBoolean(), first.body());

        HttpResponse<String> verified = http.post("/v1/auth/mfa/verify", "{\"mfa_token\":\""
                + challenge.get("mfa_token").asText() + "\",\"code\":\"" + TOTP.codeAt(secret, CLOCK.instant()) + "\"}");
        assertEquals(200, verified.statusCode(), verified.body());
        JsonNode answer = LocalHttp.json(verified);
        assertTrue(answer.get("password_change_required").asBoolean(), verified.body());
        assertFalse(answer.has("access_token"), "no tokens for an expired password");
        assertFalse(answer.has("refresh_token"));
        assertEquals(1, AUDIT.ofType("password_expired").size());

        HttpResponse<String> changed = http.post("/v1/auth/password/expired", "{\"password_change_token\":\""
                + answer.get("password_change_token").asText() + "\",\"new_password\":\"" + NEW_PASSWORD + "\"}");
        assertEquals(204, changed.statusCode(), changed.body());
        JsonNode next = http.login("acme", "mia", NEW_PASSWORD);
        assertTrue(next.path("mfa_required").asBoolean(), "the new password leads to the normal second step");
    }
}
