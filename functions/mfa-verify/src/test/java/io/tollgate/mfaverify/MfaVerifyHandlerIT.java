package io.tollgate.mfaverify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.audit.AuditRecorder.Actor;
import io.tollgate.crypto.EnvelopeEncryptor;
import io.tollgate.crypto.LocalKeyRing;
import io.tollgate.json.Json;
import io.tollgate.login.LoginCommand;
import io.tollgate.login.LoginResult;
import io.tollgate.login.LoginServices;
import io.tollgate.mail.MailMessage;
import io.tollgate.mfa.MfaEnrolmentService;
import io.tollgate.mfa.MfaServices;
import io.tollgate.otp.Base32;
import io.tollgate.otp.TotpVerifier;
import io.tollgate.password.CommonPasswords;
import io.tollgate.platform.TollgateConfig;
import io.tollgate.platform.TollgateServices;
import io.tollgate.storage.Keys;
import io.tollgate.storage.TableNames;
import io.tollgate.tenant.Tenant;
import io.tollgate.testing.RecordingAuditPublisher;
import io.tollgate.testing.TestClock;
import io.tollgate.testing.Testbed;
import io.tollgate.testing.TestSettings;
import io.tollgate.token.LocalSigningKeyStore;
import io.tollgate.token.OpaqueTokens;
import io.tollgate.user.UserDirectory;
import io.tollgate.user.UserProvisioning;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The mfa-verify handler with the sample events of {@code events/} against DynamoDB Local:
 * the event shapes the template routes to it, the answers, and bad input refused before any
 * state changes.
 */
class MfaVerifyHandlerIT {

    private static final String PASSWORD = "Velvet-Orbit-Quarry-82";
    private static final TableNames TABLES = new TableNames("IdentityTable", "SessionsTable", "SecurityTable");
    private static DynamoDbClient dynamoDb;

    private final List<MailMessage> mails = new CopyOnWriteArrayList<>();
    private TestClock clock;
    private TollgateServices services;
    private MfaVerifyHandler handler;
    private String tenant;
    private byte[] secret;
    private String mfaToken;

    @BeforeAll
    static void startDynamoDb() {
        dynamoDb = Testbed.dynamoDb();
    }

    @BeforeEach
    void enrolledUserWithOpenChallenge() {
        clock = TestClock.startingNow();
        SecureRandom random = new SecureRandom();
        services = TollgateServices.builder()
                .config(new TollgateConfig(TABLES, "https://auth.test", Optional.empty(), Optional.empty()))
                .dynamoDb(dynamoDb).signingKeys(LocalSigningKeyStore.inMemory(clock, random))
                .auditPublisher(new RecordingAuditPublisher()).clock(clock).random(random)
                .defaultSettings(TestSettings.fastHashing())
                .encryptor(EnvelopeEncryptor.withDefaultCache(LocalKeyRing.inMemory(random), clock, random))
                .mailSender(mails::add)
                .emailIndexKey("email-index-key-of-at-least-16-bytes".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .backupCodePepper("pepper-of-at-least-16-bytes".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .build();
        handler = new MfaVerifyHandler(services);
        tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
        UserProvisioning provisioning = new UserProvisioning(services.userDirectory(),
                services.passwordHasher(), CommonPasswords.load(), services.audit(), clock);
        Tenant created = provisioning.createTenant(tenant, "Acme", TestSettings.fastHashing(),
                UserProvisioning.Requester.system(tenant));
        String userId = provisioning.createUser(created, new UserProvisioning.NewUserRequest("alice@acme.test",
                "alice@acme.test", PASSWORD, List.of("user"), null), UserProvisioning.Requester.system(tenant));
        Actor alice = new Actor(tenant, userId, null, "203.0.113.10", "it");
        MfaEnrolmentService enrolment = MfaServices.enrolment(services);
        secret = Base32.decode(enrolment.enrol(alice).secret());
        enrolment.activate(alice, new TotpVerifier(clock).codeAt(secret, clock.instant()));
        clock.advance(Duration.ofSeconds(30));
        LoginResult result = LoginServices.create(services).login(new LoginCommand(tenant, "alice@acme.test", PASSWORD,
                "203.0.113.10", "it"));
        mfaToken = ((LoginResult.MfaRequired) result).mfaToken();
    }

    private APIGatewayV2HTTPResponse invoke(String eventFile, String body) {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent("../../events/" + eventFile);
        if (body != null) {
            event.setBody(body);
        }
        return handler.handleRequest(event, null);
    }

    private static JsonNode json(APIGatewayV2HTTPResponse response) throws Exception {
        return json(response.getBody());
    }

    private static JsonNode json(String body) throws Exception {
        return Json.mapper().readTree(body);
    }

    private long attempts() {
        return Long.parseLong(dynamoDb.getItem(r -> r.tableName("SecurityTable")
                .key(Keys.mfaChallenge(OpaqueTokens.hash(mfaToken))).consistentRead(true)).item().get("attempts").n());
    }

    @Test
    void verifyWhenSampleEventWithCurrentCodeThenTokenPair() throws Exception {
        String code = new TotpVerifier(clock).codeAt(secret, clock.instant());
        APIGatewayV2HTTPResponse response = invoke("mfa-verify-totp.json",
                "{\"mfa_token\":\"" + mfaToken + "\",\"code\":\"" + code + "\"}");
        assertEquals(200, response.getStatusCode(), response.getBody());
        JsonNode body = json(response);
        assertEquals("Bearer", body.get("token_type").asText());
        assertEquals(43, body.get("refresh_token").asText().length());
        assertEquals("no-store", response.getHeaders().get("Cache-Control"));
    }

    @Test
    void verifyWhenSampleEventsAsShippedThenMfaInvalid() throws Exception {
        for (String sample : List.of("mfa-verify-totp.json", "mfa-verify-backup-code.json", "mfa-verify-email-code.json")) {
            APIGatewayV2HTTPResponse response = invoke(sample, null);
            assertEquals(401, response.getStatusCode(), sample);
            assertEquals("mfa_invalid", json(response).get("code").asText());
            assertTrue(response.getHeaders().get("Content-Type").startsWith("application/problem+json"));
        }
    }

    @Test
    void emailWhenSampleEventWithRealTokenThen202AndOneMail() throws Exception {
        APIGatewayV2HTTPResponse response = invoke("mfa-email-send.json", "{\"mfa_token\":\"" + mfaToken + "\"}");
        assertEquals(202, response.getStatusCode(), response.getBody());
        assertEquals(1, mails.size());
        assertEquals("alice@acme.test", mails.getFirst().to());
        assertTrue(mails.getFirst().text().matches("(?s).*code is [0-9]{6}\\..*"));
    }

    @Test
    void verifyWhenBadInputThen400AndNoAttemptCounted() {
        List<String> bodies = List.of("", "[]", "not json", "{\"mfa_token\":\"" + mfaToken + "\"}",
                "{\"mfa_token\":\"" + mfaToken + "\",\"code\":123456}",
                "{\"mfa_token\":\"" + mfaToken + "\",\"code\":\"123456\",\"remember\":true}",
                "{\"mfa_token\":\"" + mfaToken + "\",\"code\":\"" + "1".repeat(65) + "\"}",
                "{\"mfa_token\":\"" + "x".repeat(600) + "\",\"code\":\"123456\"}");
        for (String body : bodies) {
            APIGatewayV2HTTPResponse response = invoke("mfa-verify-totp.json", body);
            assertEquals(400, response.getStatusCode(), body);
        }
        assertEquals(0, attempts(), "refused input counts no attempt");
    }

    @Test
    void webauthnOptionsWhenUserHasNoSecurityKeyThenMfaInvalid() throws Exception {
        APIGatewayV2HTTPResponse response = invoke("mfa-webauthn-options.json", "{\"mfa_token\":\"" + mfaToken + "\"}");

        assertEquals(401, response.getStatusCode(), response.getBody());
        assertEquals("mfa_invalid", json(response).get("code").asText());
    }

    @Test
    void verifyWhenAssertionWithoutOptionsThenMfaInvalidAndOneAttemptCounted() throws Exception {
        JsonNode sample = json(EventLoader.loadApiGatewayHttpEvent("../../events/mfa-verify-webauthn.json").getBody());
        ((com.fasterxml.jackson.databind.node.ObjectNode) sample).put("mfa_token", mfaToken);

        APIGatewayV2HTTPResponse response = invoke("mfa-verify-webauthn.json", sample.toString());

        assertEquals(401, response.getStatusCode(), response.getBody());
        assertEquals(1, attempts());
    }

    @Test
    void verifyWhenCodeAndCredentialBothThen400NamingCodeAndNoAttemptCounted() throws Exception {
        APIGatewayV2HTTPResponse response = invoke("mfa-verify-webauthn.json", "{\"mfa_token\":\"" + mfaToken
                + "\",\"code\":\"123456\",\"credential\":{\"id\":\"AQ\"}}");

        assertEquals(400, response.getStatusCode());
        assertEquals("code", json(response).at("/errors/0/field").asText());
        assertEquals(0, attempts());
    }

    @Test
    void enrolmentRoutesWhenVerifyChallengeThenMfaInvalid() throws Exception {
        APIGatewayV2HTTPResponse response = invoke("mfa-enrolment-totp.json", "{\"mfa_token\":\"" + mfaToken + "\"}");
        assertEquals(401, response.getStatusCode());
        assertEquals("mfa_invalid", json(response).get("code").asText());
        String code = new TotpVerifier(clock).codeAt(secret, clock.instant());
        APIGatewayV2HTTPResponse activation = invoke("mfa-enrolment-totp-activate.json",
                "{\"mfa_token\":\"" + mfaToken + "\",\"code\":\"" + code + "\"}");
        assertEquals(401, activation.getStatusCode(), "a verification challenge cannot complete an enrolment");
        assertEquals("mfa_invalid", json(activation).get("code").asText());
    }

    @Test
    void smsSamplesWhenShippedTokenUnknownThenMfaInvalid() throws Exception {
        for (String sample : List.of("mfa-sms-send.json", "mfa-verify-sms-code.json")) {
            APIGatewayV2HTTPResponse response = invoke(sample, null);
            assertEquals(401, response.getStatusCode(), sample);
            assertEquals("mfa_invalid", json(response).get("code").asText());
        }
    }

    @Test
    void verifyWhenMethodUnknownThen400NamingMethodAndNoAttemptUsed() throws Exception {
        APIGatewayV2HTTPResponse response = invoke("mfa-verify-sms-code.json",
                "{\"mfa_token\":\"" + mfaToken + "\",\"code\":\"123456\",\"method\":\"pigeon\"}");
        assertEquals(400, response.getStatusCode(), response.getBody());
        assertEquals("method", json(response).get("errors").get(0).get("field").asText());
        assertEquals(0, attempts());
    }

    @Test
    void verifyWhenMethodNamesAnotherFactorThenTheTotpCodeDoesNotCount() throws Exception {
        String code = new TotpVerifier(clock).codeAt(secret, clock.instant());
        APIGatewayV2HTTPResponse asSms = invoke("mfa-verify-sms-code.json",
                "{\"mfa_token\":\"" + mfaToken + "\",\"code\":\"" + code + "\",\"method\":\"sms\"}");
        assertEquals(401, asSms.getStatusCode(), asSms.getBody());
        APIGatewayV2HTTPResponse asTotp = invoke("mfa-verify-sms-code.json",
                "{\"mfa_token\":\"" + mfaToken + "\",\"code\":\"" + code + "\",\"method\":\"totp\"}");
        assertEquals(200, asTotp.getStatusCode(), asTotp.getBody());
    }
}
