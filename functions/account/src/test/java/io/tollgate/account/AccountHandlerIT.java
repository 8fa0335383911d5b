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
}
