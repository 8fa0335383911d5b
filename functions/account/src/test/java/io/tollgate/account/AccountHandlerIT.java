package io.tollgate.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.json.Json;
import io.tollgate.login.LoginCommand;
import io.tollgate.login.LoginServices;
import io.tollgate.otp.Base32;
import io.tollgate.otp.TotpVerifier;
import io.tollgate.testing.Testbed;
import io.tollgate.user.UserAccount;
import java.time.Duration;
import java.util.HashMap;
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
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent("../../events/" + file);
        Map<String, Object> context = new HashMap<>(event.getRequestContext().getAuthorizer().getLambda());
        context.put("sub", userId);
        context.put("tenant", alice.tenantId());
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
}

