package io.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.audit.AuditEvent;
import io.tollgate.otp.Base32;
import io.tollgate.otp.TotpVerifier;
import io.tollgate.platform.TollgateServices;
import io.tollgate.storage.Keys;
import io.tollgate.testing.LogCapture;
import io.tollgate.testing.RecordingAuditPublisher;
import io.tollgate.testing.TestClock;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * SMS codes end to end over the local runtime (ADR 0032): a tenant administrator opts
 * the tenant in through the settings API, a user registers and verifies a phone number, signs in
 * and completes MFA with a code read from the local outbox ({@code /_local/outbox?channel=sms});
 * and every refusal — wrong, reused and expired code, the 4th send of a challenge, the per-number
 * daily cap, a tenant that has not opted in, an unverified number, an invalid number — with its
 * audit event, and no phone number or code in clear in any audit event or log line.
 *
 * <p>The runtime's per-number daily cap is set to {@value #DAILY_CAP} so the cap can be reached
 * with a handful of logins; every test uses its own user and number.
 */
class SmsFlowIT {

    private static final String PASSWORD = "Velvet-Orbit-Quarry-82";
    private static final int DAILY_CAP = 5;
    private static final String SEED = """
            {"tenants":[
              {"id":"acme","name":"Acme Bank","organizations":[{"id":"risk","name":"Risk"}],
               "users":[
                {"username":"tina@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["tenant_admin"]},
                {"username":"alice@acme.test","email":"alice@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"bob@acme.test","email":"bob@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"carol@acme.test","email":"carol@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"dave@acme.test","email":"dave@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"erin@acme.test","email":"erin@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"ivan@acme.test","email":"ivan@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"olga@acme.test","email":"olga@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"dora@acme.test","email":"dora@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"}]},
              {"id":"globex","name":"Globex Credit","organizations":[{"id":"ops","name":"Ops"}],
               "users":[
                {"username":"gabe@globex.test","password":"Velvet-Orbit-Quarry-82","roles":["tenant_admin"]},
                {"username":"gina@globex.test","email":"gina@globex.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"ops"},
                {"username":"frank@globex.test","email":"frank@globex.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"ops"}]}]}""";
    private static final Pattern CODE = Pattern.compile("code is ([0-9]{6})");

    @TempDir
    static Path temp;
    private static final RecordingAuditPublisher AUDIT = new RecordingAuditPublisher();
    private static final TestClock CLOCK = TestClock.startingNow();
    private static LocalRuntime runtime;
    private static LocalHttp http;
    private static LogCapture logs;
    /** Every phone number and token the tests used: none may appear in a log line or an audit event. */
    private static final List<String> SECRETS = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Every code read from the outbox: no audit value may be one, no log line may carry a message text. */
    private static final List<String> CODES = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        logs = LogCapture.atProductionLevel();
        Path seed = temp.resolve("seed.json");
        Files.writeString(seed, SEED);
        runtime = LocalRuntime.start(new RuntimeOptions(0, Optional.empty(), Optional.of(seed), Optional.empty()),
                TollgateServices.builder().auditPublisher(AUDIT).clock(CLOCK).smsDailyLimitPerNumber(DAILY_CAP));
        http = new LocalHttp(runtime.baseUri());
        assertEquals(200, allowSms("tina@acme.test", "acme", true).statusCode());
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            assertNoNumberOrCodeLeaked();
        } finally {
            logs.close();
            runtime.close();
        }
    }

    // ------------------------------------------------------------------ the issue's "done when" flow

    @Test
    void smsWhenPhoneVerifiedThenSignInCompletedWithCodeFromOutboxAndCodeWorksOnce() {
        String phone = "+447700900101";
        String token = accessToken("acme", "alice@acme.test");
        HttpResponse<String> registered = me("POST", "/v1/me/phone", "{\"phone\":\"" + phone + "\"}", token);
        assertEquals(202, registered.statusCode(), registered.body());
        assertEquals("01", LocalHttp.json(registered).get("phone_last2").asText());
        assertFalse(registered.body().contains("7700900101"));
        String aliceId = userId("acme", "alice@acme.test");
        Map<String, AttributeValue> stored = item(Keys.mfaSms("acme", aliceId));
        assertFalse(stored.toString().contains("7700900101"), "the number is stored encrypted only");
        assertFalse(stored.containsKey("phone_ciphertext"), "not verified yet");

        HttpResponse<String> verified = me("POST", "/v1/me/phone/verify", "{\"code\":\"" + latestCode(phone) + "\"}",
                token);
        assertEquals(200, verified.statusCode(), verified.body());
        assertTrue(LocalHttp.json(verified).get("verified").asBoolean());
        assertTrue(item(Keys.mfaSms("acme", aliceId)).containsKey("phone_ciphertext"));

        JsonNode challenge = loginExpectingMfa("acme", "alice@acme.test");
        assertTrue(strings(challenge.get("methods")).contains("sms"), challenge.toString());
        String mfaToken = challenge.get("mfa_token").asText();
        HttpResponse<String> sent = http.post("/v1/auth/mfa/sms", "{\"mfa_token\":\"" + mfaToken + "\"}");
        assertEquals(202, sent.statusCode(), sent.body());
        String code = latestCode(phone);
        HttpResponse<String> completed = verify(mfaToken, code);
        assertEquals(200, completed.statusCode(), completed.body());
        String accessToken = LocalHttp.json(completed).get("access_token").asText();
        SECRETS.add(accessToken);
        assertEquals(List.of("pwd", "sms"), strings(LocalHttp.claims(accessToken).get("amr")));

        // Single use: the same code neither completes the consumed challenge nor a new one.
        assertMfaInvalid(verify(mfaToken, code));
        String second = loginExpectingMfa("acme", "alice@acme.test").get("mfa_token").asText();
        assertMfaInvalid(verify(second, code));

        AuditEvent verifiedEvent = audited("mfa_verified", aliceId).getLast();
        assertEquals("sms", verifiedEvent.additionalData().get("method"));
        assertEquals(1, audited("mfa_phone_added", aliceId).size());
        assertEquals("01", audited("mfa_phone_added", aliceId).getFirst().additionalData().get("phone_last2"));
        assertEquals(1, audited("mfa_phone_verified", aliceId).size());
        assertEquals(List.of("phone_verification", "sign_in"), audited("mfa_sms_code_sent", aliceId).stream()
                .map(e -> String.valueOf(e.additionalData().get("purpose"))).toList());
    }

    @Test
    void smsVerifyWhenWrongCodeThenRefusedAuditedAndTheRightCodeStillWorks() {
        String phone = "+447700900102";
        enrolPhone("acme", "bob@acme.test", phone);
        String mfaToken = loginExpectingMfa("acme", "bob@acme.test").get("mfa_token").asText();
        assertEquals(202, sendSms(mfaToken).statusCode());
        String code = latestCode(phone);
        String wrong = code.equals("000000") ? "000001" : "000000";
        assertMfaInvalid(verify(mfaToken, wrong));
        AuditEvent failed = audited("mfa_failed", userId("acme", "bob@acme.test")).getLast();
        assertEquals("wrong_code", failed.additionalData().get("reason"));
        assertEquals("sms", failed.additionalData().get("method"));
        assertEquals(200, verify(mfaToken, code).statusCode());
    }

    @Test
    void smsVerifyWhenCodeExpiredThenRefused() {
        String phone = "+447700900103";
        enrolPhone("acme", "carol@acme.test", phone);
        String mfaToken = loginExpectingMfa("acme", "carol@acme.test").get("mfa_token").asText();
        assertEquals(202, sendSms(mfaToken).statusCode());
        String code = latestCode(phone);
        CLOCK.advance(Duration.ofMinutes(5).plusSeconds(1));
        assertMfaInvalid(verify(mfaToken, code));
        assertMfaInvalid(sendSms(mfaToken));
    }

    @Test
    void smsSendWhenFourthSendForOneChallengeThen429AndOnlyTheLastCodeWorks() {
        String phone = "+447700900104";
        enrolPhone("acme", "dave@acme.test", phone);
        String mfaToken = loginExpectingMfa("acme", "dave@acme.test").get("mfa_token").asText();
        List<String> codes = new ArrayList<>();
        for (int send = 1; send <= 3; send++) {
            assertEquals(202, sendSms(mfaToken).statusCode(), "send " + send);
            codes.add(latestCode(phone));
        }
        int before = texts(phone).size();
        HttpResponse<String> fourth = sendSms(mfaToken);
        assertEquals(429, fourth.statusCode(), fourth.body());
        assertEquals("rate_limited", LocalHttp.json(fourth).get("code").asText());
        assertTrue(fourth.headers().firstValue("retry-after").isPresent());
        assertEquals(before, texts(phone).size(), "nothing sent");
        AuditEvent cap = audited("mfa_sms_cap_reached", userId("acme", "dave@acme.test")).getLast();
        assertEquals("challenge", cap.additionalData().get("scope"));
        if (!codes.getFirst().equals(codes.getLast())) {
            assertMfaInvalid(verify(mfaToken, codes.getFirst()));
        }
        assertEquals(200, verify(mfaToken, codes.getLast()).statusCode(), "a re-send replaces the code; the last one works");
    }

    @Test
    void smsSendWhenNumberDailyCapReachedThen429WithoutTheNumberInTheAudit() {
        String phone = "+447700900105";
        enrolPhone("acme", "erin@acme.test", phone); // 1 text
        String first = loginExpectingMfa("acme", "erin@acme.test").get("mfa_token").asText();
        for (int send = 0; send < 3; send++) {
            assertEquals(202, sendSms(first).statusCode()); // 2, 3, 4
        }
        String second = loginExpectingMfa("acme", "erin@acme.test").get("mfa_token").asText();
        assertEquals(202, sendSms(second).statusCode()); // 5 = the cap
        assertEquals(DAILY_CAP, texts(phone).size());
        HttpResponse<String> capped = sendSms(second);
        assertEquals(429, capped.statusCode(), capped.body());
        assertEquals(DAILY_CAP, texts(phone).size(), "nothing sent beyond the cap");
        AuditEvent cap = audited("mfa_sms_cap_reached", userId("acme", "erin@acme.test")).getLast();
        assertEquals("number_daily", cap.additionalData().get("scope"));
        assertEquals(DAILY_CAP, ((Number) cap.additionalData().get("limit")).intValue());
        assertEquals("05", cap.additionalData().get("phone_last2"));
        Map<String, AttributeValue> counter = runtime.dynamoDb().scan(r -> r.tableName("SecurityTable")
                .filterExpression("begins_with(pk, :p)")
                .expressionAttributeValues(Map.of(":p", AttributeValue.fromS("SMSCAP#N#")))).items().stream()
                .filter(i -> Integer.parseInt(i.get("count").n()) == DAILY_CAP).findFirst().orElseThrow();
        assertFalse(counter.toString().contains("7700900105"), "counted under a keyed hash, never the number");
        assertEquals(200, verify(second, latestCode(phone)).statusCode(), "codes sent before the cap still work");
    }

    @Test
    void smsWhenTenantNotOptedInThenPhoneRefused403AndWhenOptedOutThenSendRefused403() {
        String frank = accessToken("globex", "frank@globex.test");
        HttpResponse<String> refused = me("POST", "/v1/me/phone", "{\"phone\":\"+447700900106\"}", frank);
        assertEquals(403, refused.statusCode(), refused.body());
        assertEquals("forbidden", LocalHttp.json(refused).get("code").asText());
        assertTrue(LocalHttp.json(refused).get("detail").asText().contains("SMS"));
        assertTrue(texts("+447700900106").isEmpty());
        assertEquals("sms_not_allowed", audited("mfa_sms_refused", userId("globex", "frank@globex.test")).getLast()
                .additionalData().get("reason"));

        // A tenant that allowed SMS and then withdrew it: the verified number no longer gets codes.
        assertEquals(200, allowSms("gabe@globex.test", "globex", true).statusCode());
        String phone = "+447700900107";
        enrolPhone("globex", "gina@globex.test", phone);
        assertEquals(200, allowSms("gabe@globex.test", "globex", false).statusCode());
        JsonNode challenge = loginExpectingMfa("globex", "gina@globex.test");
        assertFalse(strings(challenge.get("methods")).contains("sms"), challenge.toString());
        HttpResponse<String> send = sendSms(challenge.get("mfa_token").asText());
        assertEquals(403, send.statusCode(), send.body());
        assertEquals(1, texts(phone).size(), "only the verification code was ever sent");
    }

    @Test
    void smsSendWhenNumberRegisteredButUnverifiedThenRefusedAndNothingSent() {
        String token = accessToken("acme", "ivan@acme.test");
        byte[] secret = Base32.decode(LocalHttp.json(me("POST", "/v1/me/mfa/totp", null, token)).get("secret").asText());
        assertEquals(200, me("POST", "/v1/me/mfa/totp/activate", "{\"code\":\""
                + new TotpVerifier(CLOCK).codeAt(secret, CLOCK.instant()) + "\"}", token).statusCode());
        // Now a user with a second factor: a phone change needs a token that shows it (step-up, ADR 0053).
        CLOCK.advance(java.time.Duration.ofSeconds(30));
        HttpResponse<String> stepped = me("POST", "/v1/auth/step-up", "{\"password\":\"" + PASSWORD
                + "\",\"code\":\"" + new TotpVerifier(CLOCK).codeAt(secret, CLOCK.instant()) + "\"}", token);
        assertEquals(200, stepped.statusCode(), stepped.body());
        token = LocalHttp.json(stepped).get("access_token").asText();
        String phone = "+447700900108";
        assertEquals(202, me("POST", "/v1/me/phone", "{\"phone\":\"" + phone + "\"}", token).statusCode());
        String wrong = latestCode(phone).equals("111111") ? "222222" : "111111";
        HttpResponse<String> wrongVerification = me("POST", "/v1/me/phone/verify", "{\"code\":\"" + wrong + "\"}", token);
        assertEquals(400, wrongVerification.statusCode(), wrongVerification.body());
        assertEquals("code", LocalHttp.json(wrongVerification).get("errors").get(0).get("field").asText());

        JsonNode challenge = loginExpectingMfa("acme", "ivan@acme.test");
        assertFalse(strings(challenge.get("methods")).contains("sms"), challenge.toString());
        assertMfaInvalid(sendSms(challenge.get("mfa_token").asText()));
        assertEquals(1, texts(phone).size(), "the unverified number got its verification code only");
        assertEquals("no_verified_number", audited("mfa_sms_refused", userId("acme", "ivan@acme.test")).getLast()
                .additionalData().get("reason"));
    }

    @Test
    void phoneWhenInvalidNumberThen400NamingPhoneAndNothingWritten() {
        String token = accessToken("acme", "olga@acme.test");
        String olgaId = userId("acme", "olga@acme.test");
        for (String invalid : List.of("07700 900109", "+44 7700 900109", "447700900109", "+0447700900109",
                "+4477009001090123")) {
            HttpResponse<String> response = me("POST", "/v1/me/phone", "{\"phone\":\"" + invalid + "\"}", token);
            assertEquals(400, response.statusCode(), invalid + " " + response.body());
            assertEquals("phone", LocalHttp.json(response).get("errors").get(0).get("field").asText(), invalid);
            assertFalse(response.body().contains(invalid));
        }
        assertEquals(400, me("POST", "/v1/me/phone", "{}", token).statusCode());
        assertTrue(item(Keys.mfaSms("acme", olgaId)).isEmpty(), "nothing written");
        assertTrue(texts("+447700900109").isEmpty());
        assertEquals("invalid_number", audited("mfa_sms_refused", olgaId).getLast().additionalData().get("reason"));
    }

    @Test
    void deleteUserWhenPhoneVerifiedThenSmsItemDeletedWithTheIdentity() {
        String dora = userId("acme", "dora@acme.test");
        enrolPhone("acme", "dora@acme.test", "+447700900110");
        assertFalse(item(Keys.mfaSms("acme", dora)).isEmpty());
        HttpResponse<String> deleted = me("DELETE", "/v1/users/" + dora, null, accessToken("acme", "tina@acme.test"));
        assertEquals(204, deleted.statusCode(), deleted.body());
        assertTrue(item(Keys.mfaSms("acme", dora)).isEmpty(), "the encrypted number is deleted with the user");
    }

    // ------------------------------------------------------------------ helpers

    private static HttpResponse<String> allowSms(String admin, String tenant, boolean allowed) {
        String token = accessToken(tenant, admin);
        HttpResponse<String> current = me("GET", "/v1/tenants/" + tenant + "/settings", null, token);
        ObjectNode settings = (ObjectNode) LocalHttp.json(current);
        ((ObjectNode) settings.get("mfa")).put("smsAllowed", allowed);
        return me("PUT", "/v1/tenants/" + tenant + "/settings", settings.toString(), token);
    }

    /** Registers and verifies {@code phone} for a user who has no other factor (password-only login). */
    private static void enrolPhone(String tenant, String username, String phone) {
        String token = accessToken(tenant, username);
        assertEquals(202, me("POST", "/v1/me/phone", "{\"phone\":\"" + phone + "\"}", token).statusCode());
        HttpResponse<String> verified = me("POST", "/v1/me/phone/verify", "{\"code\":\"" + latestCode(phone) + "\"}",
                token);
        assertEquals(200, verified.statusCode(), verified.body());
    }

    private static String accessToken(String tenant, String username) {
        JsonNode body = http.login(tenant, username, PASSWORD);
        assertTrue(body.has("access_token"), body.toString());
        String token = body.get("access_token").asText();
        SECRETS.add(token);
        return token;
    }

    private static HttpResponse<String> me(String method, String path, String body, String token) {
        return http.bearer(token, method, path, body);
    }

    private static JsonNode loginExpectingMfa(String tenant, String username) {
        JsonNode answer = http.login(tenant, username, PASSWORD);
        assertTrue(answer.path("mfa_required").asBoolean(), answer.toString());
        SECRETS.add(answer.get("mfa_token").asText());
        return answer;
    }

    private static HttpResponse<String> sendSms(String mfaToken) {
        return http.post("/v1/auth/mfa/sms", "{\"mfa_token\":\"" + mfaToken + "\"}");
    }

    private static HttpResponse<String> verify(String mfaToken, String code) {
        return http.post("/v1/auth/mfa/verify", "{\"mfa_token\":\"" + mfaToken + "\",\"code\":\"" + code
                + "\",\"method\":\"sms\"}");
    }

    private static void assertMfaInvalid(HttpResponse<String> response) {
        assertEquals(401, response.statusCode(), response.body());
        assertEquals("mfa_invalid", LocalHttp.json(response).get("code").asText());
    }

    /** The text messages to {@code phone} in the local outbox, oldest first. */
    private static List<JsonNode> texts(String phone) {
        SECRETS.add(phone);
        JsonNode outbox = LocalHttp.json(http.send("GET", "/_local/outbox?channel=sms", null, Map.of()));
        assertEquals("sms", outbox.get("channel").asText());
        List<JsonNode> out = new ArrayList<>();
        outbox.get("messages").forEach(message -> {
            assertEquals("sms", message.get("channel").asText());
            if (message.get("to").asText().equals(phone)) {
                out.add(message);
            }
        });
        return out;
    }

    private static String latestCode(String phone) {
        List<JsonNode> texts = texts(phone);
        assertFalse(texts.isEmpty(), "no text to " + phone);
        Matcher matcher = CODE.matcher(texts.getLast().get("text").asText());
        assertTrue(matcher.find(), texts.getLast().toString());
        CODES.add(matcher.group(1));
        return matcher.group(1);
    }

    private static Map<String, AttributeValue> item(Map<String, AttributeValue> key) {
        Map<String, AttributeValue> item = runtime.dynamoDb().getItem(r -> r.tableName("IdentityTable").key(key)
                .consistentRead(true)).item();
        return item == null ? Map.of() : item;
    }

    private static String userId(String tenant, String username) {
        return runtime.dynamoDb().getItem(r -> r.tableName("IdentityTable")
                .key(Map.of("pk", AttributeValue.fromS("TENANT#" + tenant),
                        "sk", AttributeValue.fromS("USER#" + username)))).item().get("user_id").s();
    }

    private static List<AuditEvent> audited(String type, String userId) {
        return AUDIT.ofType(type).stream().filter(e -> userId.equals(e.userId())).toList();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(node -> out.add(node.asText()));
        return out;
    }

    private static void assertNoNumberOrCodeLeaked() throws Exception {
        assertFalse(CODES.isEmpty() || SECRETS.isEmpty(), "the tests saw numbers and codes");
        String audit = io.tollgate.json.Json.mapper().writeValueAsString(AUDIT.events());
        for (String secret : SECRETS) {
            String digits = secret.startsWith("+") ? secret.substring(1) : secret;
            assertFalse(audit.contains(digits), "an audit event holds a number or token");
            assertTrue(logs.linesContaining(digits).isEmpty(), "a log line holds a number or token");
        }
        for (AuditEvent event : AUDIT.events()) {
            for (Object value : event.additionalData().values()) {
                assertFalse(CODES.contains(String.valueOf(value)), event.eventType() + " holds a code");
            }
        }
        assertTrue(logs.linesContaining("code is").isEmpty(), "a log line holds a message text");
    }
}
