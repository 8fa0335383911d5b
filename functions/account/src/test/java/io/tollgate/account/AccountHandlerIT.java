package io.tollgate.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.devkit.LocalLambdaContext;
import io.tollgate.json.Json;
import io.tollgate.login.LoginCommand;
import io.tollgate.login.LoginResult;
import io.tollgate.login.LoginServices;
import io.tollgate.otp.Base32;
import io.tollgate.otp.TotpVerifier;
import io.tollgate.testing.LogCapture;
import io.tollgate.testing.Testbed;
import io.tollgate.user.UserAccount;
import io.tollgate.user.UserDirectory;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The account function's session routes through its sample events, against DynamoDB Local. */
class AccountHandlerIT {

    private Testbed bed;
    private UserAccount alice;
    private AccountHandler handler;

    @BeforeEach
    void setUp() {
        bed = new Testbed();
        alice = bed.newTenant();
        handler = new AccountHandler(bed.services);
    }

    private void login() {
        LoginServices.create(bed.services).login(new LoginCommand(alice.tenantId(), "alice@acme.test",
                Testbed.PASSWORD, "203.0.113.10", "test-agent"));
        bed.clock.advance(Duration.ofSeconds(1));
    }

    private APIGatewayV2HTTPEvent sample(String file, String userId) {
        return sample(file, userId, alice.tenantId());
    }

    /** A sample as the authorizer completes it for a token of a complete sign-in just now (ADR 0053). */
    private APIGatewayV2HTTPEvent sample(String file, String userId, String tenantId) {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent("../../events/" + file);
        Map<String, Object> context = new HashMap<>(event.getRequestContext().getAuthorizer().getLambda());
        context.put("sub", userId);
        context.put("tenant", tenantId);
        context.put("auth_time", Long.toString(bed.clock.instant().getEpochSecond()));
        context.put("amr", "pwd,otp");
        event.getRequestContext().getAuthorizer().setLambda(context);
        return event;
    }

    @Test
    void sessionsWhenTwoLoginsThenBothListedNewestFirstWithoutSecrets() throws Exception {
        login();
        login();
        APIGatewayV2HTTPResponse response = handler.handleRequest(sample("me-sessions.json", alice.userId()), null);
        assertEquals(200, response.getStatusCode(), response.getBody());
        JsonNode sessions = Json.mapper().readTree(response.getBody()).get("sessions");
        assertEquals(2, sessions.size());
        assertTrue(sessions.get(0).get("created_at").asText().compareTo(sessions.get(1).get("created_at").asText()) > 0);
        assertFalse(response.getBody().contains("refresh"), "no token or hash is listed");
    }

    @Test
    void deleteSessionWhenOwnThen204AndGoneAndWhenOtherUsersThen404() throws Exception {
        login();
        String id = Json.mapper().readTree(handler.handleRequest(sample("me-sessions.json", alice.userId()), null)
                .getBody()).get("sessions").get(0).get("id").asText();
        APIGatewayV2HTTPEvent foreign = sample("me-session-delete.json", "someone-else");
        foreign.setPathParameters(Map.of("id", id));
        assertEquals(404, handler.handleRequest(foreign, null).getStatusCode(), "another user's session is not found");

        APIGatewayV2HTTPEvent own = sample("me-session-delete.json", alice.userId());
        own.setPathParameters(Map.of("id", id));
        assertEquals(204, handler.handleRequest(own, null).getStatusCode());
        assertEquals(0, Json.mapper().readTree(handler.handleRequest(sample("me-sessions.json", alice.userId()), null)
                .getBody()).get("sessions").size());
        assertEquals(404, handler.handleRequest(own, null).getStatusCode(), "revoking twice finds nothing live");
    }

    @Test
    void meWhenSampleEventThenPrincipalFromAuthorizerContext() throws Exception {
        APIGatewayV2HTTPResponse response = handler.handleRequest(sample("me.json", alice.userId()), null);
        JsonNode me = Json.mapper().readTree(response.getBody());
        assertEquals(alice.userId(), me.get("sub").asText());
        assertEquals(alice.tenantId(), me.get("tenant").asText());
        assertEquals("user", me.get("roles").get(0).asText());
    }

    @Test
    void mfaSamplesWhenEnrolActivateRegenerateDeleteThenEachAnswersAsDocumented() throws Exception {
        APIGatewayV2HTTPResponse enrolled = handler.handleRequest(sample("account-mfa-totp-enrol.json", alice.userId()), null);
        assertEquals(200, enrolled.getStatusCode(), enrolled.getBody());
        byte[] secret = Base32.decode(Json.mapper().readTree(enrolled.getBody()).get("secret").asText());

        APIGatewayV2HTTPEvent activate = sample("account-mfa-totp-activate.json", alice.userId());
        activate.setBody("{\"code\":\"" + new TotpVerifier(bed.clock).codeAt(secret, bed.clock.instant()) + "\"}");
        APIGatewayV2HTTPResponse activated = handler.handleRequest(activate, null);
        assertEquals(200, activated.getStatusCode(), activated.getBody());
        JsonNode firstCodes = Json.mapper().readTree(activated.getBody()).get("backup_codes");
        assertEquals(10, firstCodes.size());

        APIGatewayV2HTTPResponse regenerated = handler.handleRequest(
                sample("account-mfa-backup-codes.json", alice.userId()), null);
        assertEquals(200, regenerated.getStatusCode(), regenerated.getBody());
        assertFalse(regenerated.getBody().contains(firstCodes.get(0).asText()), "fresh codes replace the old ones");

        assertEquals(204, handler.handleRequest(sample("account-mfa-totp-delete.json", alice.userId()), null)
                .getStatusCode());
        assertEquals(404, handler.handleRequest(sample("account-mfa-totp-delete.json", alice.userId()), null)
                .getStatusCode(), "nothing left to delete");
        assertEquals(1, bed.audit.ofType("mfa_disabled").size());
    }

    @Test
    void stepUpSampleWhenPasswordRightThenFreshTokenOfTheSessionAndWrongPasswordCounted() throws Exception {
        login();
        String sid = Testbed.dynamoDb().query(r -> r.tableName(Testbed.TABLES.sessions())
                .keyConditionExpression("pk = :pk").expressionAttributeValues(Map.of(":pk",
                        software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(
                                io.tollgate.storage.Keys.userSessionsPartition(alice.tenantId(), alice.userId())))))
                .items().stream().filter(i -> i.containsKey("session_id")).findFirst().orElseThrow()
                .get("session_id").s();
        APIGatewayV2HTTPEvent event = sample("auth-step-up.json", alice.userId());
        Map<String, Object> context = new HashMap<>(event.getRequestContext().getAuthorizer().getLambda());
        context.put("sid", sid);
        event.getRequestContext().getAuthorizer().setLambda(context);
        event.setBody("{\"password\":\"" + Testbed.PASSWORD + "\"}");
        APIGatewayV2HTTPResponse stepped = handler.handleRequest(event, null);
        assertEquals(200, stepped.getStatusCode(), stepped.getBody());
        assertTrue(Json.mapper().readTree(stepped.getBody()).get("access_token").asText().startsWith("ey"));

        APIGatewayV2HTTPEvent wrongEvent = sample("auth-step-up.json", alice.userId());
        wrongEvent.setBody("{\"password\":\"Not-Alices-Password-1\"}");
        APIGatewayV2HTTPResponse wrong = handler.handleRequest(wrongEvent, null);
        assertEquals(401, wrong.getStatusCode(), wrong.getBody());
        assertEquals("invalid_credentials", Json.mapper().readTree(wrong.getBody()).get("code").asText());
        assertEquals(1, bed.audit.ofType("step_up_failed").size());
        assertEquals(1, new UserDirectory(Testbed.dynamoDb(), Testbed.TABLES).findByUsername(alice.tenantId(),
                "alice@acme.test").orElseThrow().failures().count(), "a wrong step-up password counts toward the lockout");
    }

    @Test
    void apiKeySamplesWhenCreateListRevokeThenSecretShownOnceAndRevokedKeyListedAsRevoked() throws Exception {
        APIGatewayV2HTTPResponse created = handler.handleRequest(sample("me-api-key-create.json", alice.userId()), null);
        assertEquals(201, created.getStatusCode(), created.getBody());
        JsonNode key = Json.mapper().readTree(created.getBody());
        String id = key.get("id").asText();
        assertTrue(key.get("api_key").asText().startsWith("tg_"));

        APIGatewayV2HTTPResponse listed = handler.handleRequest(sample("me-api-keys.json", alice.userId()), null);
        assertEquals(200, listed.getStatusCode());
        assertFalse(listed.getBody().contains(key.get("api_key").asText()), "the secret is shown once only");
        assertEquals("ACTIVE", Json.mapper().readTree(listed.getBody()).get("api_keys").get(0).get("status").asText());

        APIGatewayV2HTTPEvent sampleDelete = sample("me-api-key-delete.json", alice.userId());
        assertEquals(404, handler.handleRequest(sampleDelete, null).getStatusCode(), "the sample's id is nobody's key");
        APIGatewayV2HTTPEvent revoke = sample("me-api-key-delete.json", alice.userId());
        revoke.setPathParameters(Map.of("id", id));
        assertEquals(204, handler.handleRequest(revoke, null).getStatusCode());
        assertEquals("REVOKED", Json.mapper().readTree(handler.handleRequest(sample("me-api-keys.json", alice.userId()),
                null).getBody()).get("api_keys").get(0).get("status").asText());
        assertEquals(1, bed.audit.ofType("api_key_revoked").size());
    }

    private String storedHash() {
        return new UserDirectory(Testbed.dynamoDb(), Testbed.TABLES).findByUsername(alice.tenantId(), "alice@acme.test")
                .orElseThrow().passwordHash();
    }

    @Test
    void passwordSampleWhenCurrentCorrectThen204AndSessionsRevokedAndNoticeMailedAndAudited() throws Exception {
        login();
        APIGatewayV2HTTPResponse changed = handler.handleRequest(sample("me-password.json", alice.userId()), null);
        assertEquals(204, changed.getStatusCode(), changed.getBody());
        assertEquals(0, Json.mapper().readTree(handler.handleRequest(sample("me-sessions.json", alice.userId()), null)
                .getBody()).get("sessions").size(), "every session is revoked");
        assertEquals(1, bed.mails.size());
        assertEquals("alice@acme.test", bed.mails.get(0).to());
        assertFalse(bed.mails.get(0).text().contains("Copper-Lantern"), "the notice carries no password");
        assertEquals("success", bed.audit.ofType("password_changed").get(0).result());
        assertFalse(bed.audit.events().toString().contains("Copper-Lantern"), "no password reaches the audit trail");

        APIGatewayV2HTTPResponse again = handler.handleRequest(sample("me-password.json", alice.userId()), null);
        assertEquals(401, again.getStatusCode(), "the old password is no longer the current one");
        assertEquals("invalid_credentials", Json.mapper().readTree(again.getBody()).get("code").asText());
    }

    @Test
    void passwordWhenCurrentWrongThenRefusalLoggedAsJsonWithLambdaContextAndCorrelationIdsAndNoSecret() throws Exception {
        APIGatewayV2HTTPEvent event = sample("me-password.json", alice.userId());
        event.setBody("{\"current_password\":\"Wrong-Guess-Orchard-19\",\"new_password\":\"Copper-Lantern-Meadow-47!\"}");
        LocalLambdaContext lambda = new LocalLambdaContext("lambda-req-1", "tollgate-account", Duration.ofSeconds(10),
                bed.clock);
        List<String> lines;
        try (LogCapture logs = LogCapture.atProductionLevel()) {
            assertEquals(401, handler.handleRequest(event, lambda).getStatusCode());
            lines = logs.jsonLines();
        }

        JsonNode refusal = lines.stream().map(AccountHandlerIT::json)
                .filter(line -> line.path("message").asText().startsWith("request refused"))
                .findFirst().orElseThrow(() -> new AssertionError("no refusal line in " + lines));
        assertEquals("INFO", refusal.get("level").asText());
        assertEquals("lambda-req-1", refusal.get("function_request_id").asText(), "the Lambda request id");
        assertEquals("tollgate-account", refusal.get("function_name").asText());
        assertTrue(refusal.get("cold_start").isBoolean(), "the cold start flag: " + refusal);
        assertEquals(event.getRequestContext().getRequestId(), refusal.get("request_id").asText(), "the API request id");
        assertEquals("POST /v1/me/password", refusal.get("route").asText());
        assertEquals(alice.tenantId(), refusal.get("tenant").asText());
        assertEquals(alice.userId(), refusal.get("user").asText());
        assertEquals(event.getRequestContext().getAuthorizer().getLambda().get("sid"), refusal.get("session").asText());
        for (String secret : List.of("Wrong-Guess-Orchard-19", "Copper-Lantern-Meadow-47!",
                event.getHeaders().get("authorization").substring("Bearer ".length()))) {
            assertTrue(lines.stream().noneMatch(line -> line.contains(secret)), "a secret reached a log line");
        }
    }

    private static JsonNode json(String line) {
        try {
            return Json.mapper().readTree(line);
        } catch (java.io.IOException e) {
            throw new AssertionError("not a JSON log line: " + line, e);
        }
    }

    @Test
    void passwordWhenBackToAnEarlierOneThen422ReusedAndNothingWritten() throws Exception {
        APIGatewayV2HTTPResponse first = handler.handleRequest(sample("me-password.json", alice.userId()), null);
        assertEquals(204, first.getStatusCode(), first.getBody());
        String hashAfterFirst = storedHash();

        APIGatewayV2HTTPEvent back = sample("me-password.json", alice.userId());
        back.setBody("{\"current_password\":\"Copper-Lantern-Meadow-47!\",\"new_password\":\"" + Testbed.PASSWORD
                + "\"}");
        APIGatewayV2HTTPResponse refused = handler.handleRequest(back, null);
        assertEquals(422, refused.getStatusCode(), refused.getBody());
        JsonNode errors = Json.mapper().readTree(refused.getBody()).get("errors");
        assertEquals("new_password", errors.get(0).get("field").asText());
        assertEquals("reused", errors.get(0).get("code").asText());
        assertEquals(hashAfterFirst, storedHash(), "nothing written");
    }

    @Test
    void passwordWhenWeakThen422WithEveryBrokenRule() throws Exception {
        APIGatewayV2HTTPEvent weak = sample("me-password.json", alice.userId());
        weak.setBody("{\"current_password\":\"" + Testbed.PASSWORD + "\",\"new_password\":\"abc\"}");
        APIGatewayV2HTTPResponse refused = handler.handleRequest(weak, null);
        assertEquals(422, refused.getStatusCode(), refused.getBody());
        JsonNode body = Json.mapper().readTree(refused.getBody());
        assertEquals("password_policy_violated", body.get("code").asText());
        Set<String> rules = new HashSet<>();
        body.get("errors").forEach(e -> rules.add(e.get("code").asText()));
        assertTrue(rules.containsAll(Set.of("min_length", "uppercase", "digit", "special")), rules.toString());
        assertEquals(0, bed.mails.size());
    }

    @Test
    void expiredPasswordSampleWhenTicketFromAnExpiredLoginThen204OnceAndWhenSampleTokenThen401() throws Exception {
        APIGatewayV2HTTPEvent unknown = EventLoader.loadApiGatewayHttpEvent("../../events/auth-password-expired.json");
        APIGatewayV2HTTPResponse refused = handler.handleRequest(unknown, null);
        assertEquals(401, refused.getStatusCode(), "the sample's token was never issued");
        assertEquals("token_invalid", Json.mapper().readTree(refused.getBody()).get("code").asText());

        bed.clock.advance(Duration.ofDays(91));
        LoginResult result = LoginServices.create(bed.services).login(new LoginCommand(alice.tenantId(),
                "alice@acme.test", Testbed.PASSWORD, "203.0.113.10", "test-agent"));
        String ticket = ((LoginResult.PasswordChangeRequired) result).passwordChangeToken();
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent("../../events/auth-password-expired.json");
        event.setBody("{\"password_change_token\":\"" + ticket + "\",\"new_password\":\"Copper-Lantern-Meadow-47!\"}");
        APIGatewayV2HTTPResponse changed = handler.handleRequest(event, null);
        assertEquals(204, changed.getStatusCode(), changed.getBody());
        assertEquals(401, handler.handleRequest(event, null).getStatusCode(), "a ticket works once");
        assertTrue(LoginServices.create(bed.services).login(new LoginCommand(alice.tenantId(), "alice@acme.test",
                "Copper-Lantern-Meadow-47!", "203.0.113.10", "test-agent")) instanceof LoginResult.Authenticated);
    }

    @Test
    void setPasswordSampleWhenInvitationTicketThen204OnceAndWhenSampleTokenThen401() throws Exception {
        APIGatewayV2HTTPEvent unknown = EventLoader.loadApiGatewayHttpEvent("../../events/auth-password-set.json");
        APIGatewayV2HTTPResponse refused = handler.handleRequest(unknown, null);
        assertEquals(401, refused.getStatusCode(), "the sample's token was never issued");
        assertEquals("token_invalid", Json.mapper().readTree(refused.getBody()).get("code").asText());

        var directory = bed.services.userDirectory();
        var provisioning = new io.tollgate.user.UserProvisioning(directory, bed.services.passwordHasher(),
                io.tollgate.password.CommonPasswords.load(), bed.services.audit(), bed.clock);
        var tickets = new io.tollgate.password.PasswordChangeTickets(Testbed.dynamoDb(), Testbed.TABLES,
                new io.tollgate.token.OpaqueTokens(bed.services.random()), bed.clock);
        var invited = provisioning.invite(directory.tenant(alice.tenantId()).orElseThrow(),
                new io.tollgate.user.UserProvisioning.NewUserRequest("ivy@acme.test", "ivy@acme.test", null,
                        java.util.List.of("user"), "risk"),
                io.tollgate.user.UserProvisioning.Requester.system(alice.tenantId()), tickets);
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent("../../events/auth-password-set.json");
        event.setBody("{\"token\":\"" + invited.ticket().token() + "\",\"new_password\":\"Copper-Lantern-Meadow-47!\"}");
        APIGatewayV2HTTPResponse set = handler.handleRequest(event, null);
        assertEquals(204, set.getStatusCode(), set.getBody());
        assertEquals(401, handler.handleRequest(event, null).getStatusCode(), "an invitation works once");
        assertTrue(LoginServices.create(bed.services).login(new LoginCommand(alice.tenantId(), "ivy@acme.test",
                "Copper-Lantern-Meadow-47!", "203.0.113.10", "test-agent")) instanceof LoginResult.Authenticated);
    }

    @Test
    void phoneSamplesWhenTenantAllowsSmsThenPendingNumberVerifiedWithTheTextedCode() throws Exception {
        UserAccount bob = bed.newTenant(io.tollgate.settings.SecuritySettings.defaults()
                .withMfa(io.tollgate.settings.SecuritySettings.MfaSettings.defaults().withSmsAllowed(true)));
        APIGatewayV2HTTPResponse registered = handler.handleRequest(sampleFor("me-phone.json", bob), null);
        assertEquals(202, registered.getStatusCode(), registered.getBody());
        JsonNode view = Json.mapper().readTree(registered.getBody());
        assertEquals("23", view.get("phone_last2").asText());
        assertFalse(view.get("verified").asBoolean());
        assertFalse(registered.getBody().contains("7700900123"), "the number is not echoed");
        assertEquals(1, bed.texts.size());
        assertEquals("+447700900123", bed.texts.getFirst().to());
        String code = bed.texts.getFirst().text().replaceAll("(?s).*code is ([0-9]{6}).*", "$1");

        APIGatewayV2HTTPResponse shipped = handler.handleRequest(sampleFor("me-phone-verify.json", bob), null);
        if (!code.equals("385021")) {
            assertEquals(400, shipped.getStatusCode(), shipped.getBody());
            assertEquals("code", Json.mapper().readTree(shipped.getBody()).get("errors").get(0).get("field").asText());
        }
        APIGatewayV2HTTPEvent verify = sampleFor("me-phone-verify.json", bob);
        verify.setBody("{\"code\":\"" + code + "\"}");
        APIGatewayV2HTTPResponse verified = handler.handleRequest(verify, null);
        assertEquals(200, verified.getStatusCode(), verified.getBody());
        assertTrue(Json.mapper().readTree(verified.getBody()).get("verified").asBoolean());
        assertTrue(new UserDirectory(Testbed.dynamoDb(), Testbed.TABLES).findByUsername(bob.tenantId(), "alice@acme.test")
                .orElseThrow().mfaMethods().contains("sms"), "a verified number enrols SMS as a second factor");
        assertEquals(1, bed.audit.ofType("mfa_phone_verified").size());
    }

    @Test
    void phoneSampleWhenTenantNotOptedInThen403AndNothingSent() throws Exception {
        APIGatewayV2HTTPResponse refused = handler.handleRequest(sample("me-phone.json", alice.userId()), null);
        assertEquals(403, refused.getStatusCode(), refused.getBody());
        assertEquals("forbidden", Json.mapper().readTree(refused.getBody()).get("code").asText());
        assertTrue(bed.texts.isEmpty());
        assertEquals("sms_not_allowed", bed.audit.ofType("mfa_sms_refused").getFirst().additionalData().get("reason"));
    }

    private APIGatewayV2HTTPEvent sampleFor(String file, UserAccount user) {
        return sample(file, user.userId(), user.tenantId());
    }

    @Test
    void consentsWhenSampleEventsThenGrantedListedWithdrawnAndApiKeyRefusedWithoutWriting() throws Exception {
        io.tollgate.settings.SecuritySettings settings = io.tollgate.settings.SecuritySettings.defaults().withConsent(
                new io.tollgate.settings.ConsentSettings(List.of(new io.tollgate.settings.ConsentSettings.Purpose(
                        "analytics", "Product analytics", 1))));
        String stored = Json.mapper().writeValueAsString(settings);
        Testbed.dynamoDb().updateItem(r -> r.tableName(Testbed.TABLES.identity())
                .key(io.tollgate.storage.Keys.tenant(alice.tenantId())).updateExpression("SET settings = :s")
                .expressionAttributeValues(Map.of(":s", software.amazon.awssdk.services.dynamodb.model.AttributeValue
                        .fromS(stored))));

        APIGatewayV2HTTPEvent byKey = sample("me-consent-grant.json", alice.userId());
        Map<String, Object> keyContext = new HashMap<>(byKey.getRequestContext().getAuthorizer().getLambda());
        keyContext.put("auth_method", "api_key");
        keyContext.remove("sid");
        byKey.getRequestContext().getAuthorizer().setLambda(keyContext);
        assertEquals(403, handler.handleRequest(byKey, null).getStatusCode(), "an API key never gives consent");
        assertTrue(bed.audit.ofType("consent_granted").isEmpty());

        APIGatewayV2HTTPResponse granted = handler.handleRequest(sample("me-consent-grant.json", alice.userId()), null);
        assertEquals(200, granted.getStatusCode(), granted.getBody());
        JsonNode listed = Json.mapper().readTree(handler.handleRequest(sample("me-consents.json", alice.userId()), null)
                .getBody()).get("consents");
        assertEquals("granted", listed.get(0).get("status").asText());
        assertEquals(Map.of("purpose", "analytics", "version", 1),
                Map.copyOf(bed.audit.ofType("consent_granted").getFirst().additionalData()));

        assertEquals(204, handler.handleRequest(sample("me-consent-withdraw.json", alice.userId()), null).getStatusCode());
        assertEquals(1, bed.audit.ofType("consent_withdrawn").size());
        assertEquals("withdrawn", Json.mapper().readTree(handler.handleRequest(sample("me-consents.json",
                alice.userId()), null).getBody()).get("consents").get(0).get("status").asText());
    }
}
