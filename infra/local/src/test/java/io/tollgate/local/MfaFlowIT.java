package io.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.json.Json;
import io.tollgate.otp.Base32;
import io.tollgate.otp.TotpVerifier;
import io.tollgate.platform.TollgateServices;
import io.tollgate.settings.SecuritySettings;
import io.tollgate.tenant.Tenant;
import io.tollgate.testing.LogCapture;
import io.tollgate.testing.RecordingAuditPublisher;
import io.tollgate.testing.TestClock;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * MFA end to end over the local runtime: TOTP enrolment and activation, login with a
 * TOTP code computed here from the secret, replay refused, a backup code used once, an e-mail
 * code read from the outbox, the attempt limit, the lockout, concurrency, the tenant that
 * requires MFA, and no secret in any log line or audit event.
 *
 * <p>Every call goes over HTTP; the {@code /v1/me/mfa/...} calls carry the bearer access token of
 * a real login and pass the authorizer ({@link #me}).
 */
class MfaFlowIT {

    private static final String PASSWORD = "Velvet-Orbit-Quarry-82";
    private static final String SEED = """
            {"tenants":[
              {"id":"acme","name":"Acme Bank","organizations":[{"id":"risk","name":"Risk"}],
               "users":[
                {"username":"alice@acme.test","email":"alice@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"bob@acme.test","email":"bob@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"carol@acme.test","email":"carol@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"dave@acme.test","email":"dave@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"erin@acme.test","email":"erin@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"gina@acme.test","email":"gina@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"ivan@acme.test","email":"ivan@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"judy@acme.test","email":"judy@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"kim@acme.test","email":"kim@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"hank@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"}]},
              {"id":"strict","name":"Strict Credit","organizations":[{"id":"ops","name":"Ops"}],
               "users":[
                {"username":"frank@strict.test","email":"frank@strict.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"ops"}]}]}""";
    private static final Pattern EMAIL_CODE = Pattern.compile("sign-in code is ([0-9]{6})");

    @TempDir
    static Path temp;
    private static final RecordingAuditPublisher AUDIT = new RecordingAuditPublisher();
    private static final TestClock CLOCK = new TestClock(Instant.now());
    private static final TotpVerifier TOTP = new TotpVerifier(CLOCK);
    private static LocalRuntime runtime;
    private static LocalHttp http;
    private static LogCapture logs;
    /** Every secret the tests saw: none may appear in a log line or an audit event. */
    private static final List<String> SECRETS = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        logs = LogCapture.atProductionLevel();
        Path seed = temp.resolve("seed.json");
        Files.writeString(seed, SEED);
        runtime = LocalRuntime.start(new RuntimeOptions(0, Optional.of(temp.resolve("data")), Optional.of(seed),
                Optional.empty()), TollgateServices.builder().auditPublisher(AUDIT).clock(CLOCK));
        http = new LocalHttp(runtime.baseUri());
        requireMfa("strict");
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            assertNoSecretLeaked();
        } finally {
            logs.close();
            runtime.close();
        }
    }

    // ------------------------------------------------------------------ the issue's "done when" flow

    @Test
    void mfaWhenTotpEnrolledThenTotpReplayBackupCodeAndEmailCodeBehaveAsSpecified() throws Exception {
        Enrolled alice = enrolAndActivate("alice@acme.test");
        assertEquals(10, alice.backupCodes().size());

        // The code that activated TOTP used its time step: it cannot complete a login.
        JsonNode challenge = loginExpectingMfa("alice@acme.test");
        assertEquals(List.of("totp", "backup_code", "email"), strings(challenge.get("methods")));
        String mfaToken = challenge.get("mfa_token").asText();
        HttpResponse<String> replayOfActivation = verify(mfaToken, alice.activationCode());
        assertMfaInvalid(replayOfActivation);

        CLOCK.advance(Duration.ofSeconds(30));
        String code = code(alice.secret());
        HttpResponse<String> verified = verify(mfaToken, code);
        assertEquals(200, verified.statusCode(), verified.body());
        JsonNode tokens = LocalHttp.json(verified);
        assertEquals(List.of("pwd", "otp"), strings(LocalHttp.claims(tokens.get("access_token").asText()).get("amr")));
        assertEquals("no-store", verified.headers().firstValue("cache-control").orElseThrow());
        assertMfaInvalid(verify(mfaToken, code(alice.secret())));

        // Replay: the same code, within its 30 s, on a fresh login.
        String second = loginExpectingMfa("alice@acme.test").get("mfa_token").asText();
        assertMfaInvalid(verify(second, code));
        assertEquals("code_replayed", AUDIT.ofType("mfa_failed").getLast().additionalData().get("reason"));

        // A backup code works once (the replayed TOTP used one attempt of this challenge).
        String backup = alice.backupCodes().get(3);
        HttpResponse<String> withBackup = verify(second, backup);
        assertEquals(200, withBackup.statusCode(), withBackup.body());
        assertEquals(List.of("pwd", "backup"),
                strings(LocalHttp.claims(LocalHttp.json(withBackup).get("access_token").asText()).get("amr")));
        String third = loginExpectingMfa("alice@acme.test").get("mfa_token").asText();
        assertMfaInvalid(verify(third, backup));
        assertMfaInvalid(verify(third, backup.toUpperCase(java.util.Locale.ROOT).replace("-", " ")));
        String aliceId = userId("acme", "alice@acme.test");
        assertEquals(1, audited("mfa_backup_code_used", aliceId).size());
        assertEquals(9, audited("mfa_backup_code_used", aliceId).getFirst().additionalData().get("remaining"));

        // E-mail code, read from the outbox.
        HttpResponse<String> sent = http.post("/v1/auth/mfa/email", "{\"mfa_token\":\"" + third + "\"}");
        assertEquals(202, sent.statusCode(), sent.body());
        String emailCode = latestEmailCode("alice@acme.test");
        SECRETS.add(emailCode);
        HttpResponse<String> byEmail = verify(third, emailCode);
        assertEquals(200, byEmail.statusCode(), byEmail.body());
        assertEquals(List.of("pwd", "email"),
                strings(LocalHttp.claims(LocalHttp.json(byEmail).get("access_token").asText()).get("amr")));
        assertMfaInvalid(verify(third, emailCode));

        assertEquals(1, audited("mfa_enrolled", aliceId).size());
        assertEquals(1, audited("mfa_activated", aliceId).size());
        assertEquals(3, audited("mfa_verified", aliceId).size());
        assertEquals(1, audited("mfa_email_code_sent", aliceId).size());
        assertEquals(4, audited("mfa_failed", aliceId).size());
        assertEquals(3, audited("login_success", aliceId).stream()
                .filter(e -> e.additionalData().get("amr") instanceof List<?> amr && amr.size() == 2).count());
    }

    @Test
    void verifyWhenFiveWrongCodesThenChallengeDiesEvenForTheRightCode() {
        Enrolled bob = enrolAndActivate("bob@acme.test");
        CLOCK.advance(Duration.ofSeconds(30));
        String token = loginExpectingMfa("bob@acme.test").get("mfa_token").asText();
        for (int i = 0; i < 5; i++) {
            assertMfaInvalid(verify(token, wrong(bob.secret())));
        }
        assertEquals(5, audited("mfa_failed", userId("acme", "bob@acme.test")).getLast().additionalData().get("attempt"));
        assertMfaInvalid(verify(token, code(bob.secret())));
        // The 5th wrong answer used the last attempt and deleted the challenge: the right code finds
        // nothing to answer (audited without a user, since the token no longer names one). This test
        // used to look for "challenge_exhausted" anywhere in the trail, which only another test's
        // race could produce, so it passed or failed with the test order and timing.
        assertEquals("unknown_challenge", AUDIT.ofType("mfa_failed").getLast().additionalData().get("reason"));
    }

    @Test
    void verifyWhenFiveFailuresAcrossLoginsThenAccountLockedAndPasswordRefused() {
        Enrolled carol = enrolAndActivate("carol@acme.test");
        for (int login = 0; login < 2; login++) {
            String token = loginExpectingMfa("carol@acme.test").get("mfa_token").asText();
            for (int i = 0; i < (login == 0 ? 3 : 2); i++) {
                assertMfaInvalid(verify(token, wrong(carol.secret())));
            }
        }
        assertTrue(AUDIT.events().stream().anyMatch(e -> e.eventType().equals("account_locked")
                && "mfa".equals(e.additionalData().get("step"))), "MFA failures count towards the lockout");
        HttpResponse<String> locked = http.post("/v1/auth/login",
                "{\"tenant\":\"acme\",\"username\":\"carol@acme.test\",\"password\":\"" + PASSWORD + "\"}");
        assertEquals(401, locked.statusCode());
        assertEquals("invalid_credentials", LocalHttp.json(locked).get("code").asText());
    }

    @Test
    void emailWhenFourthSendForOneChallengeThen429AndNewCodeReplacesOld() {
        String token = loginExpectingMfaAfterEnrolment("dave@acme.test");
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            assertEquals(202, http.post("/v1/auth/mfa/email", "{\"mfa_token\":\"" + token + "\"}").statusCode());
            codes.add(latestEmailCode("dave@acme.test"));
        }
        SECRETS.addAll(codes);
        HttpResponse<String> fourth = http.post("/v1/auth/mfa/email", "{\"mfa_token\":\"" + token + "\"}");
        assertEquals(429, fourth.statusCode());
        assertEquals("rate_limited", LocalHttp.json(fourth).get("code").asText());
        assertTrue(fourth.headers().firstValue("retry-after").isPresent());
        if (!codes.get(0).equals(codes.get(2))) {
            assertMfaInvalid(verify(token, codes.get(0)));
        }
        assertEquals(200, verify(token, codes.get(2)).statusCode(), "the latest code works");
    }

    @Test
    void emailWhenChallengeExpiredThenItsCodeIsRefused() {
        String token = loginExpectingMfaAfterEnrolment("ivan@acme.test");
        assertEquals(202, http.post("/v1/auth/mfa/email", "{\"mfa_token\":\"" + token + "\"}").statusCode());
        String emailCode = latestEmailCode("ivan@acme.test");
        SECRETS.add(emailCode);
        CLOCK.advance(Duration.ofMinutes(5));
        assertMfaInvalid(verify(token, emailCode));
        assertEquals("challenge_expired", AUDIT.ofType("mfa_failed").getLast().additionalData().get("reason"),
                "the mfa_token lives 5 minutes, so its e-mail code cannot outlive it");
    }

    @Test
    void emailWhenUserHasNoAddressThen409AndNothingSent() {
        Enrolled hank = enrolAndActivate("hank@acme.test");
        SECRETS.add(hank.base32());
        String token = loginExpectingMfa("hank@acme.test").get("mfa_token").asText();
        int before = outbox().get("messages").size();
        HttpResponse<String> response = http.post("/v1/auth/mfa/email", "{\"mfa_token\":\"" + token + "\"}");
        assertEquals(409, response.statusCode(), response.body());
        assertEquals(before, outbox().get("messages").size());
    }

    @Test
    void verifyWhenSameCodeSentEightTimesInParallelThenExactlyOneSession() throws Exception {
        Enrolled erin = enrolAndActivate("erin@acme.test");
        CLOCK.advance(Duration.ofSeconds(30));
        String token = loginExpectingMfa("erin@acme.test").get("mfa_token").asText();
        String code = code(erin.secret());
        long sessionsBefore = activeSessions("acme", "erin@acme.test");
        int ok = 0;
        for (HttpResponse<String> response : LocalHttp.race(8, () -> verify(token, code))) {
            if (response.statusCode() == 200) {
                ok++;
            } else {
                assertMfaInvalid(response);
            }
        }
        assertEquals(1, ok, "one mfa_token and one code open exactly one session");
        assertEquals(sessionsBefore + 1, activeSessions("acme", "erin@acme.test"));
    }

    @Test
    void loginWhenTenantRequiresMfaAndNoneEnrolledThenEnrolmentOnlyAndActivationCompletesLogin() {
        HttpResponse<String> login = http.post("/v1/auth/login",
                "{\"tenant\":\"strict\",\"username\":\"frank@strict.test\",\"password\":\"" + PASSWORD + "\"}");
        assertEquals(200, login.statusCode(), login.body());
        JsonNode body = LocalHttp.json(login);
        assertTrue(body.get("mfa_enrolment_required").asBoolean());
        assertNull(body.get("access_token"), "no tokens before a second factor exists");
        String token = body.get("mfa_token").asText();
        SECRETS.add(token);
        assertMfaInvalid(verify(token, "123456"));

        HttpResponse<String> started = http.post("/v1/auth/mfa/enrolment/totp", "{\"mfa_token\":\"" + token + "\"}");
        assertEquals(200, started.statusCode(), started.body());
        String secret = LocalHttp.json(started).get("secret").asText();
        SECRETS.add(secret);
        assertTrue(LocalHttp.json(started).get("otpauth_uri").asText().startsWith("otpauth://totp/Strict%20Credit:"));
        HttpResponse<String> done = http.post("/v1/auth/mfa/enrolment/totp/activate",
                "{\"mfa_token\":\"" + token + "\",\"code\":\"" + code(Base32.decode(secret)) + "\"}");
        assertEquals(200, done.statusCode(), done.body());
        JsonNode tokens = LocalHttp.json(done);
        assertEquals(10, tokens.get("backup_codes").size());
        tokens.get("backup_codes").forEach(c -> SECRETS.add(c.asText()));
        assertEquals(List.of("pwd", "otp"), strings(LocalHttp.claims(tokens.get("access_token").asText()).get("amr")));
        assertMfaInvalid(http.post("/v1/auth/mfa/enrolment/totp/activate",
                "{\"mfa_token\":\"" + token + "\",\"code\":\"" + code(Base32.decode(secret)) + "\"}"));

        JsonNode next = loginExpectingMfa("strict", "frank@strict.test");
        assertEquals(List.of("totp", "backup_code", "email"), strings(next.get("methods")));
    }

    @Test
    void backupCodesWhenRegeneratedThenOldOnesVoidAndTotpDeletionEndsMfa() {
        Enrolled gina = enrolAndActivate("gina@acme.test");
        Principal passwordOnly = gina.me();
        assertEquals(401, me("POST /v1/me/mfa/backup-codes", null, passwordOnly).getStatusCode(),
                "a token without the second factor the user now has cannot regenerate codes (ADR 0053)");
        APIGatewayV2HTTPResponse stepped = me("POST /v1/auth/step-up", "{\"password\":\"" + PASSWORD
                + "\",\"code\":\"" + gina.backupCodes().get(1) + "\"}", passwordOnly);
        assertEquals(200, stepped.getStatusCode(), stepped.getBody());
        String steppedToken = json(stepped.getBody()).get("access_token").asText();
        SECRETS.add(steppedToken);
        Principal me = new Principal(passwordOnly.userId(), passwordOnly.tenantId(), steppedToken);
        APIGatewayV2HTTPResponse fresh = me("POST /v1/me/mfa/backup-codes", null, me);
        assertEquals(200, fresh.getStatusCode(), fresh.getBody());
        List<String> newCodes = strings(json(fresh.getBody()).get("backup_codes"));
        SECRETS.addAll(newCodes);
        assertEquals(10, newCodes.size());

        String token = loginExpectingMfa("gina@acme.test").get("mfa_token").asText();
        assertMfaInvalid(verify(token, gina.backupCodes().getFirst()));
        assertEquals(200, verify(token, newCodes.getFirst()).statusCode());

        assertEquals(204, me("DELETE /v1/me/mfa/totp", null, me).getStatusCode());
        assertEquals(404, me("DELETE /v1/me/mfa/totp", null, me).getStatusCode());
        JsonNode plain = http.login("acme", "gina@acme.test", PASSWORD);
        assertTrue(plain.has("access_token"), "without a second factor the tenant's default login applies");
        assertEquals(1, audited("mfa_disabled", me.userId()).size());
        assertEquals(1, audited("mfa_backup_codes_regenerated", me.userId()).size());
    }

    @Test
    void meMfaWhenActivationCodeWrongOrInputBadThenClear4xxAndNothingChanges() {
        Principal me = principalOf("acme", "judy@acme.test");
        APIGatewayV2HTTPResponse noPending = me("POST /v1/me/mfa/totp/activate", "{\"code\":\"123456\"}", me);
        assertEquals(409, noPending.getStatusCode(), noPending.getBody());
        APIGatewayV2HTTPResponse enrolled = me("POST /v1/me/mfa/totp", null, me);
        SECRETS.add(json(enrolled.getBody()).get("secret").asText());
        byte[] secret = Base32.decode(json(enrolled.getBody()).get("secret").asText());
        APIGatewayV2HTTPResponse wrongCode = me("POST /v1/me/mfa/totp/activate",
                "{\"code\":\"" + wrong(secret) + "\"}", me);
        assertEquals(400, wrongCode.getStatusCode(), wrongCode.getBody());
        assertEquals("invalid_code", json(wrongCode.getBody()).get("errors").get(0).get("code").asText());
        assertTrue(http.login("acme", "judy@acme.test", PASSWORD).has("access_token"),
                "a pending enrolment does not turn MFA on");
        assertEquals(409, me("POST /v1/me/mfa/backup-codes", null, me).getStatusCode());
        assertEquals(400, me("POST /v1/me/mfa/totp/activate", "{\"code\":123456}", me).getStatusCode());
        assertEquals(400, me("POST /v1/me/mfa/totp/activate", "{\"code\":\"1\",\"extra\":true}", me).getStatusCode());
        APIGatewayV2HTTPResponse anonymous = me("POST /v1/me/mfa/totp", null, null);
        assertEquals(401, anonymous.getStatusCode());

        assertEquals(400, http.post("/v1/auth/mfa/verify", "{\"mfa_token\":\"x\"}").statusCode());
        assertEquals(400, http.post("/v1/auth/mfa/verify", "{\"mfa_token\":\"x\",\"code\":42}").statusCode());
        assertEquals(400, http.post("/v1/auth/mfa/verify", "not json").statusCode());
        HttpResponse<String> unknown = verify("A".repeat(43), "123456");
        assertMfaInvalid(unknown);
    }

    @Test
    void verifyWhenAnyReasonThenIdenticalProblemBody() {
        Enrolled kim = enrolAndActivate("kim@acme.test");
        String token = loginExpectingMfa("kim@acme.test").get("mfa_token").asText();
        List<String> bodies = List.of(
                verify("B".repeat(43), "123456").body(),
                verify(token, wrong(kim.secret())).body(),
                verify(token, "aaaaa-bbbbb").body());
        for (String body : bodies) {
            JsonNode problem = json(body);
            problem = ((com.fasterxml.jackson.databind.node.ObjectNode) problem).without("instance");
            assertEquals(json(bodies.getFirst()).get("detail"), problem.get("detail"));
            assertEquals("mfa_invalid", problem.get("code").asText());
            assertEquals(401, problem.get("status").asInt());
        }
    }

    // ------------------------------------------------------------------ helpers

    /** An enrolled user: the secret (bytes and Base32), the code that activated it, the backup codes and the caller who enrolled. */
    private record Enrolled(byte[] secret, String base32, String activationCode, List<String> backupCodes,
            Principal me) {
    }

    /** Enrols and activates TOTP through the account routes. */
    private static Enrolled enrolAndActivate(String username) {
        Principal me = principalOf("acme", username);
        APIGatewayV2HTTPResponse enrolled = me("POST /v1/me/mfa/totp", null, me);
        assertEquals(200, enrolled.getStatusCode(), enrolled.getBody());
        JsonNode body = json(enrolled.getBody());
        String base32 = body.get("secret").asText();
        SECRETS.add(base32);
        assertEquals(32, base32.length(), "160-bit secret");
        String uri = body.get("otpauth_uri").asText();
        assertTrue(uri.startsWith("otpauth://totp/Acme%20Bank:" + username.replace("@", "%40") + "?secret=" + base32
                + "&issuer=Acme%20Bank&algorithm=SHA1&digits=6&period=30"), uri);
        byte[] png = Base64.getDecoder().decode(body.get("qr_png_base64").asText());
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
        byte[] secret = Base32.decode(base32);
        String activation = code(secret);
        APIGatewayV2HTTPResponse activated = me("POST /v1/me/mfa/totp/activate",
                "{\"code\":\"" + activation + "\"}", me);
        assertEquals(200, activated.getStatusCode(), activated.getBody());
        List<String> codes = strings(json(activated.getBody()).get("backup_codes"));
        SECRETS.addAll(codes);
        Map<String, AttributeValue> stored = runtime.dynamoDb().getItem(r -> r.tableName("IdentityTable")
                .key(Map.of("pk", AttributeValue.fromS("TENANT#acme#USER#" + me.userId()),
                        "sk", AttributeValue.fromS("MFA#TOTP")))).item();
        assertEquals("ACTIVE", stored.get("status").s());
        assertFalse(stored.toString().contains(base32), "the secret is stored only envelope-encrypted");
        return new Enrolled(secret, base32, activation, codes, me);
    }

    private static String loginExpectingMfaAfterEnrolment(String username) {
        enrolAndActivate(username);
        return loginExpectingMfa(username).get("mfa_token").asText();
    }

    private static JsonNode loginExpectingMfa(String username) {
        return loginExpectingMfa("acme", username);
    }

    private static JsonNode loginExpectingMfa(String tenant, String username) {
        JsonNode answer = http.login(tenant, username, PASSWORD);
        assertTrue(answer.path("mfa_required").asBoolean(), answer.toString());
        assertFalse(answer.has("access_token"));
        SECRETS.add(answer.get("mfa_token").asText());
        return answer;
    }

    private static HttpResponse<String> verify(String mfaToken, String code) {
        return http.post("/v1/auth/mfa/verify", "{\"mfa_token\":\"" + mfaToken + "\",\"code\":\"" + code + "\"}");
    }

    private static void assertMfaInvalid(HttpResponse<String> response) {
        assertEquals(401, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("content-type").orElseThrow().startsWith("application/problem+json"));
        JsonNode problem = LocalHttp.json(response);
        assertEquals("mfa_invalid", problem.get("code").asText());
        assertEquals("The verification failed.", problem.get("detail").asText());
    }

    private static String code(byte[] secret) {
        String code = TOTP.codeAt(secret, CLOCK.instant());
        SECRETS.add(code);
        return code;
    }

    /** A 6-digit code that is none of the codes valid now (±1 step). */
    private static String wrong(byte[] secret) {
        List<String> valid = List.of(TOTP.codeAt(secret, CLOCK.instant().minusSeconds(30)),
                TOTP.codeAt(secret, CLOCK.instant()), TOTP.codeAt(secret, CLOCK.instant().plusSeconds(30)));
        for (int candidate = 0; ; candidate++) {
            String code = String.format("%06d", candidate);
            if (!valid.contains(code)) {
                return code;
            }
        }
    }

    private static JsonNode outbox() {
        return LocalHttp.json(http.send("GET", "/_local/outbox", null, Map.of()));
    }

    private static String latestEmailCode(String to) {
        JsonNode messages = outbox().get("messages");
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).get("to").asText().equals(to)) {
                Matcher matcher = EMAIL_CODE.matcher(messages.get(i).get("text").asText());
                assertTrue(matcher.find());
                return matcher.group(1);
            }
        }
        throw new AssertionError("no mail to " + to);
    }

    /** The caller: the claims and the access token of a real password login. */
    private record Principal(String userId, String tenantId, String accessToken) {
    }

    private static Principal principalOf(String tenant, String username) {
        JsonNode body = http.login(tenant, username, PASSWORD);
        String accessToken = body.get("access_token").asText();
        SECRETS.add(accessToken);
        JsonNode claims = LocalHttp.claims(accessToken);
        return new Principal(claims.get("sub").asText(), claims.get("tid").asText(), accessToken);
    }

    /** Calls a {@code /v1/me} route over HTTP as {@code me} (through the authorizer), or anonymously. */
    private static APIGatewayV2HTTPResponse me(String routeKey, String body, Principal me) {
        String[] route = routeKey.split(" ", 2);
        HttpResponse<String> response = http.send(route[0], route[1], body,
                me == null ? Map.of() : Map.of("authorization", "Bearer " + me.accessToken()));
        return APIGatewayV2HTTPResponse.builder().withStatusCode(response.statusCode()).withBody(response.body()).build();
    }

    private static void requireMfa(String tenantId) throws Exception {
        Map<String, AttributeValue> key = Map.of("pk", AttributeValue.fromS("TENANT#" + tenantId),
                "sk", AttributeValue.fromS("TENANT"));
        Tenant tenant = Tenant.fromItem(runtime.dynamoDb().getItem(r -> r.tableName("IdentityTable").key(key)).item());
        SecuritySettings strict = tenant.settings().withMfa(new SecuritySettings.MfaSettings(true));
        runtime.dynamoDb().updateItem(r -> r.tableName("IdentityTable").key(key)
                .updateExpression("SET settings = :s")
                .expressionAttributeValues(Map.of(":s", AttributeValue.fromS(
                        uncheckedJson(strict)))));
    }

    private static String uncheckedJson(Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long activeSessions(String tenant, String username) {
        Map<String, AttributeValue> user = runtime.dynamoDb().getItem(r -> r.tableName("IdentityTable")
                .key(Map.of("pk", AttributeValue.fromS("TENANT#" + tenant),
                        "sk", AttributeValue.fromS("USER#" + username)))).item();
        return runtime.dynamoDb().query(r -> r.tableName("SessionsTable")
                .keyConditionExpression("pk = :pk AND begins_with(sk, :s)")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("TENANT#" + tenant + "#USER#"
                        + user.get("user_id").s()), ":s", AttributeValue.fromS("SESSION#")))).items().stream()
                .filter(item -> "ACTIVE".equals(item.get("status").s())).count();
    }

    private static List<io.tollgate.audit.AuditEvent> audited(String type, String userId) {
        return AUDIT.ofType(type).stream().filter(e -> userId.equals(e.userId())).toList();
    }

    private static String userId(String tenant, String username) {
        return runtime.dynamoDb().getItem(r -> r.tableName("IdentityTable")
                .key(Map.of("pk", AttributeValue.fromS("TENANT#" + tenant),
                        "sk", AttributeValue.fromS("USER#" + username)))).item().get("user_id").s();
    }

    private static JsonNode json(String body) {
        try {
            return Json.mapper().readTree(body);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(node -> out.add(node.asText()));
        return out;
    }

    /** No TOTP secret, code, backup code, e-mail code or mfa_token in any log line or audit event. */
    private static void assertNoSecretLeaked() throws Exception {
        String audit = Json.mapper().writeValueAsString(AUDIT.events());
        List<String> lines = new ArrayList<>(logs.lines());
        assertFalse(lines.isEmpty(), "the capture saw the runtime's log lines");
        lines.addAll(logs.jsonLines()); // as production writes them, correlation fields included
        assertTrue(SECRETS.size() > 30, "the tests collected the secrets they handled");
        List<String> leaks = new ArrayList<>();
        for (String secret : SECRETS) {
            List<String> forms = List.of(secret, secret.replace("-", ""));
            for (String form : forms) {
                if (audit.contains(form)) {
                    leaks.add("audit contains a secret of length " + form.length());
                }
                for (String line : lines) {
                    if (line.contains(form)) {
                        leaks.add("log line contains a secret of length " + form.length() + ": "
                                + line.substring(0, Math.min(80, line.indexOf(form))));
                    }
                }
            }
        }
        assertEquals(List.of(), leaks);
        assertNotEquals(0, AUDIT.ofType("mfa_failed").size());
    }
}
