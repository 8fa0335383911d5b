package io.tollgate.privacyfn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.administration.AdministrationRepository;
import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.AuditSeverity;
import io.tollgate.audit.ingest.PersonalDataProtector;
import io.tollgate.audit.query.AuditEventQuery;
import io.tollgate.audit.subject.SubjectKeyStore;
import io.tollgate.audit.testing.AuditTestbed;
import io.tollgate.authz.ApiKeyRepository;
import io.tollgate.authz.ApiKeys;
import io.tollgate.crypto.EncryptionContext;
import io.tollgate.json.Json;
import io.tollgate.login.LoginCommand;
import io.tollgate.login.LoginResult;
import io.tollgate.login.LoginServices;
import io.tollgate.mfa.MfaCredentialRepository;
import io.tollgate.otp.BackupCodes;
import io.tollgate.password.CommonPasswords;
import io.tollgate.privacy.PrivacyRequest;
import io.tollgate.privacy.PrivacyRequestRepository;
import io.tollgate.privacy.PrivacyServices;
import io.tollgate.retention.RetentionPolicy;
import io.tollgate.retention.RetentionSettings;
import io.tollgate.storage.Attributes;
import io.tollgate.storage.Keys;
import io.tollgate.testing.SampleEvents;
import io.tollgate.testing.Testbed;
import io.tollgate.user.UserAccount;
import io.tollgate.user.UserDirectory;
import io.tollgate.user.UserProvisioning;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Data-subject requests through their sample events against DynamoDB Local:
 * an export holds every personal field and no secret; an erasure removes the account, shreds the
 * subject's audit personal data and leaves the chain valid; a legal hold blocks it; bad input
 * writes nothing; deadlines follow the injected clock.
 */
class PrivacyHandlerIT {

    private static final String TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    private static final String KEY_HASH = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private static final String BACKUP_HASH = "c0ffee0c0ffee0c0ffee0c0ffee0c0ffee0c0ffee0c0ffee0c0ffee0c0ffee00";

    private final AuditTestbed bed = new AuditTestbed();
    private final Testbed testbed = bed.testbed;
    private final PrivacyHandler handler = new PrivacyHandler(PrivacyServices.of(bed.audit).requests(), testbed.clock);
    private final AdministrationRepository users = AdministrationRepository.of(testbed.services);
    private UserAccount alice;
    private UserAccount bob;
    private UserAccount tenantAdmin;

    @BeforeEach
    void setUp() {
        alice = testbed.newTenant();
        UserDirectory directory = testbed.services.userDirectory();
        UserProvisioning provisioning = new UserProvisioning(directory, testbed.services.passwordHasher(),
                CommonPasswords.load(), testbed.services.audit(), testbed.clock);
        var tenant = directory.tenant(alice.tenantId()).orElseThrow();
        provisioning.createUser(tenant, new UserProvisioning.NewUserRequest("tina@acme.test", "tina@acme.test",
                Testbed.PASSWORD, List.of("tenant_admin"), null), UserProvisioning.Requester.system(alice.tenantId()));
        provisioning.createUser(tenant, new UserProvisioning.NewUserRequest("bob@acme.test", "bob@acme.test",
                Testbed.PASSWORD, List.of("user"), "risk"), UserProvisioning.Requester.system(alice.tenantId()));
        tenantAdmin = directory.findByUsername(alice.tenantId(), "tina@acme.test").orElseThrow();
        bob = directory.findByUsername(alice.tenantId(), "bob@acme.test").orElseThrow();
        testbed.audit.clear();
    }

    private static APIGatewayV2HTTPEvent sample(String file, UserAccount caller) {
        return SampleEvents.asCaller(EventLoader.loadApiGatewayHttpEvent("../../events/" + file), caller);
    }

    private APIGatewayV2HTTPResponse erase(UserAccount caller, String subject) {
        APIGatewayV2HTTPEvent event = sample("privacy-request-erasure.json", caller);
        event.setBody("{\"type\":\"erasure\",\"subject\":\"" + subject + "\"}");
        return handler.handleRequest(event, null);
    }

    private static JsonNode json(APIGatewayV2HTTPResponse response) throws Exception {
        return Json.mapper().readTree(response.getBody());
    }

    /** An audit event about {@code user} carrying their e-mail, chained like every event. */
    private void chainEventWithEmail(UserAccount user, String email) {
        AuditEvent event = new AuditEvent(testbed.clock.instant(), UUID.randomUUID().toString(), "data_query",
                AuditSeverity.LOW, user.userId(), user.tenantId(), "risk", "192.0.2.7", "curl/8", "accounts", "read",
                "success", Map.of("email", email, "plan", "gold"), List.of("gdpr"));
        assertEquals(1, bed.audit.ingestion().ingest(List.of(AuditTestbed.message(event))).stored());
    }

    private Map<String, Object> revealed(UserAccount user) {
        AuditEventQuery.About about = bed.audit.query().about(user.tenantId(), user.userId(), 100,
                e -> bed.audit.protector().reveal(user.tenantId(), e.userId(), user.userId(), e.additionalData()));
        return about.events().stream().map(e -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> data = (Map<String, Object>) e.get("additional_data");
            return data;
        }).filter(d -> d.containsKey("email")).findFirst().orElseThrow();
    }

    private long requestItems(String tenant) {
        return Testbed.dynamoDb().query(r -> r.tableName(Testbed.TABLES.identity())
                .keyConditionExpression("pk = :pk AND begins_with(sk, :dsr)")
                .expressionAttributeValues(Map.of(":pk", Attributes.s(Keys.tenantPartition(tenant)),
                        ":dsr", Attributes.s(PrivacyRequestRepository.PREFIX)))).count();
    }

    @Test
    void exportWhenSubjectAsksThenEveryPersonalFieldAndNoSecret() throws Exception {
        String tenant = alice.tenantId();
        LoginResult login = LoginServices.create(testbed.services).login(new LoginCommand(tenant, "alice@acme.test",
                Testbed.PASSWORD, "203.0.113.10", "export-test-agent"));
        assertTrue(login instanceof LoginResult.Authenticated);
        MfaCredentialRepository mfa = new MfaCredentialRepository(Testbed.dynamoDb(), Testbed.TABLES, testbed.services.encryptor());
        String secretCiphertext = testbed.services.encryptor().encryptToBase64(TOTP_SECRET,
                new EncryptionContext(tenant, "totp-secret"));
        Instant now = testbed.clock.instant();
        assertTrue(mfa.putPendingTotp(tenant, alice.userId(), secretCiphertext, now, now.plus(Duration.ofMinutes(10))));
        mfa.commit(List.of(mfa.putBackupCodes(tenant, alice.userId(), new BackupCodes.Stored("c2FsdA", List.of(BACKUP_HASH)), now)));
        assertEquals(ApiKeyRepository.Created.CREATED, new ApiKeyRepository(Testbed.dynamoDb(), Testbed.TABLES,
                testbed.clock).create(new ApiKeys.StoredApiKey("tgk_export01", KEY_HASH), new ApiKeyRepository.NewKey(
                        tenant, alice.userId(), alice.username(), "risk", List.of("user"), "reporting laptop",
                        now.plus(Duration.ofDays(90))), 10));
        chainEventWithEmail(alice, "alice.private@example.com");
        // The SMS factor's number is personal data too: registered, verified, then exported in clear.
        AdministrationRepository.of(testbed.services).replaceSettings(tenant, io.tollgate.settings.SecuritySettings
                .defaults().withMfa(io.tollgate.settings.SecuritySettings.MfaSettings.defaults().withSmsAllowed(true)), now);
        io.tollgate.audit.AuditRecorder.Actor me = new io.tollgate.audit.AuditRecorder.Actor(tenant, alice.userId(),
                "risk", "203.0.113.10", "export-test-agent");
        var phones = io.tollgate.mfa.MfaServices.smsEnrolment(testbed.services);
        phones.register(me, "+447700900123");
        String smsCode = testbed.texts.getLast().text().replaceAll("(?s).*code is ([0-9]{6}).*", "$1");
        phones.verify(me, smsCode);

        APIGatewayV2HTTPResponse response = handler.handleRequest(sample("privacy-request-export.json", alice), null);

        assertEquals(201, response.getStatusCode(), response.getBody());
        String body = response.getBody();
        JsonNode answer = json(response);
        assertEquals("export", answer.get("type").asText());
        assertEquals("completed", answer.get("status").asText());
        JsonNode data = answer.get("data");
        assertEquals("alice@acme.test", data.get("profile").get("username").asText());
        assertEquals("alice@acme.test", data.get("profile").get("email").asText());
        assertEquals("203.0.113.10", data.get("sessions").get(0).get("source_ip").asText());
        assertEquals("export-test-agent", data.get("sessions").get(0).get("user_agent").asText());
        assertEquals("PENDING", data.get("mfa").get("totp").get("status").asText());
        assertEquals(1, data.get("mfa").get("backup_codes").get("remaining").asInt());
        assertEquals("tgk_export01", data.get("api_keys").get(0).get("prefix").asText());
        assertEquals("+447700900123", data.get("mfa").get("sms").get("phone").asText());
        assertTrue(data.get("mfa").get("sms").get("verified").asBoolean());
        assertEquals("reporting laptop", data.get("api_keys").get(0).get("name").asText());
        assertTrue(body.contains("alice.private@example.com"), "the subject's own audit personal data, decrypted");
        for (String secret : List.of(Testbed.PASSWORD, TOTP_SECRET, secretCiphertext, KEY_HASH, BACKUP_HASH, "argon2",
                "password_hash", "secret_ciphertext", "sha256", "enc:v", "code_hash")) {
            assertFalse(body.contains(secret), "export leaks " + secret);
        }
        assertTrue(testbed.audit.events().stream().anyMatch(e -> e.eventType().equals("data_export")));
    }

    @Test
    void erasureWhenAdminFilesThenAccountGoneAuditDataShreddedOthersReadableAndChainValid() throws Exception {
        chainEventWithEmail(alice, "alice.private@example.com");
        chainEventWithEmail(bob, "bob.private@example.com");
        assertEquals("alice.private@example.com", revealed(alice).get("email").toString().replace("\"", ""));

        APIGatewayV2HTTPResponse response = erase(tenantAdmin, alice.userId());

        assertEquals(201, response.getStatusCode(), response.getBody());
        assertEquals("completed", json(response).get("status").asText());
        assertTrue(users.findUser(alice.tenantId(), alice.userId()).isEmpty());
        assertTrue(bed.audit.subjectKeys().find(alice.tenantId(), alice.userId()).orElseThrow()
                instanceof SubjectKeyStore.Destroyed);
        assertEquals(PersonalDataProtector.ERASED, revealed(alice).get("email"));
        assertEquals("bob.private@example.com", revealed(bob).get("email").toString().replace("\"", ""));
        assertTrue(bed.audit.verifier().verify(alice.tenantId(), Optional.empty(), Optional.empty()).valid());

        APIGatewayV2HTTPEvent get = sample("privacy-request-get.json", tenantAdmin);
        get.setPathParameters(Map.of("id", json(response).get("id").asText()));
        APIGatewayV2HTTPResponse status = handler.handleRequest(get, null);
        assertEquals(200, status.getStatusCode(), status.getBody());
        assertEquals("erasure", json(status).get("type").asText());
        assertEquals("completed", json(status).get("status").asText());
    }

    @Test
    void erasureWhenLegalHoldThenConflictAndNothingErased() throws Exception {
        chainEventWithEmail(alice, "alice.private@example.com");
        new RetentionSettings(Testbed.dynamoDb(), Testbed.TABLES.identity(), RetentionPolicy.bundled(), testbed.clock)
                .holdUser(alice.tenantId(), alice.userId(), "litigation 2026-17", "legal@acme.test");

        APIGatewayV2HTTPResponse response = erase(tenantAdmin, alice.userId());

        assertEquals(409, response.getStatusCode(), response.getBody());
        assertEquals("legal_hold", json(response).get("code").asText());
        assertTrue(users.findUser(alice.tenantId(), alice.userId()).isPresent());
        assertEquals("alice.private@example.com", revealed(alice).get("email").toString().replace("\"", ""));
        assertTrue(testbed.audit.events().stream().anyMatch(e -> e.eventType().equals("privacy_request_completed")
                && e.result().equals("denied")));
    }

    @Test
    void fileWhenInputBadThenValidationFailedAndNothingWritten() throws Exception {
        for (String body : List.of("{\"type\":\"delete\"}", "{\"type\":\"erasure\",\"subject\":\"not-a-user\"}",
                "{\"type\":\"rectification\",\"changes\":{\"email\":\"not an email\"}}",
                "{\"type\":\"access\",\"changes\":{\"email\":\"a@b.test\"}}")) {
            APIGatewayV2HTTPEvent event = sample("privacy-request-rectification.json", alice);
            event.setBody(body);
            APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);
            assertEquals(400, response.getStatusCode(), body + " -> " + response.getBody());
            assertEquals("validation_failed", json(response).get("code").asText());
        }
        assertEquals(0, requestItems(alice.tenantId()));
        assertTrue(testbed.audit.events().isEmpty(), "nothing audited as filed");
        assertEquals("alice@acme.test", users.findUser(alice.tenantId(), alice.userId()).orElseThrow().email().orElseThrow());
    }

    @Test
    void rectificationWhenSubjectCorrectsEmailThenStoredThroughAdministration() throws Exception {
        APIGatewayV2HTTPResponse response = handler.handleRequest(sample("privacy-request-rectification.json", alice), null);
        assertEquals(201, response.getStatusCode(), response.getBody());
        assertEquals("alice.new@acme.test", users.findUser(alice.tenantId(), alice.userId()).orElseThrow().email().orElseThrow());
        assertTrue(testbed.audit.events().stream().anyMatch(e -> e.eventType().equals("user_updated")));
    }

    @Test
    void fileWhenOtherUserWithoutAdminRightsThenForbiddenAndNothingWritten() throws Exception {
        APIGatewayV2HTTPResponse response = erase(bob, alice.userId());
        assertEquals(403, response.getStatusCode(), response.getBody());
        assertEquals(0, requestItems(alice.tenantId()));
        assertTrue(users.findUser(alice.tenantId(), alice.userId()).isPresent());
    }

    @Test
    void requestWhenClockPassesDeadlineThenDueIn30DaysAndOverdueWhileOpen() throws Exception {
        APIGatewayV2HTTPResponse filed = handler.handleRequest(sample("privacy-request-export.json", alice), null);
        JsonNode view = json(filed);
        Instant received = Instant.parse(view.get("received_at").asText());
        assertEquals(testbed.clock.instant(), received);
        assertEquals(received.plus(Duration.ofDays(30)), Instant.parse(view.get("due_at").asText()));
        assertFalse(view.get("overdue").asBoolean());

        PrivacyRequestRepository repository = new PrivacyRequestRepository(Testbed.dynamoDb(), Testbed.TABLES.identity());
        PrivacyRequest open = new PrivacyRequest(UUID.randomUUID().toString(), alice.tenantId(), alice.userId(),
                PrivacyRequest.Type.ACCESS, PrivacyRequest.Status.RECEIVED, alice.userId(), received,
                received.plus(PrivacyRequest.DEADLINE), Optional.empty());
        repository.create(open);
        testbed.clock.advance(Duration.ofDays(31));
        APIGatewayV2HTTPEvent get = sample("privacy-request-get.json", alice);
        get.setPathParameters(Map.of("id", open.id()));
        JsonNode late = json(handler.handleRequest(get, null));
        assertEquals("received", late.get("status").asText());
        assertTrue(late.get("overdue").asBoolean());
        get.setPathParameters(Map.of("id", view.get("id").asText()));
        assertFalse(json(handler.handleRequest(get, null)).get("overdue").asBoolean(), "completed in time");
    }
}
