package io.tollgate.tokenrefresh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.json.Json;
import io.tollgate.login.LoginCommand;
import io.tollgate.login.LoginResult;
import io.tollgate.login.LoginServices;
import io.tollgate.session.SessionServices;
import io.tollgate.testing.Testbed;
import io.tollgate.user.UserAccount;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The token-refresh function through its sample events, against DynamoDB Local. */
class TokenRefreshHandlerIT {

    private Testbed bed;
    private UserAccount alice;
    private TokenRefreshHandler handler;

    @BeforeEach
    void setUp() {
        bed = new Testbed();
        alice = bed.newTenant();
        handler = new TokenRefreshHandler(SessionServices.create(bed.services));
    }

    private String login() {
        LoginResult result = LoginServices.create(bed.services).login(new LoginCommand(alice.tenantId(),
                "alice@acme.test", Testbed.PASSWORD, "203.0.113.10", "test"));
        return ((LoginResult.Authenticated) result).tokens().refreshToken();
    }

    private static APIGatewayV2HTTPEvent sample(String file, String refreshToken) {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent("../../events/" + file);
        if (refreshToken != null) {
            event.setBody("{\"refresh_token\":\"" + refreshToken + "\"}");
        }
        return event;
    }

    @Test
    void refreshWhenSampleEventWithLiveTokenThenNewPair() throws Exception {
        String token = login();
        APIGatewayV2HTTPResponse response = handler.handleRequest(sample("token-refresh.json", token), null);
        assertEquals(200, response.getStatusCode(), response.getBody());
        JsonNode body = Json.mapper().readTree(response.getBody());
        assertFalse(body.get("refresh_token").asText().equals(token));
        assertEquals(1, bed.audit.ofType("token_refreshed").size());
    }

    @Test
    void refreshWhenSampleEventAsShippedThen401WithoutTouchingAnything() {
        APIGatewayV2HTTPResponse response = handler.handleRequest(sample("token-refresh.json", null), null);
        assertEquals(401, response.getStatusCode());
        assertTrue(response.getBody().contains("\"token_invalid\""));
        assertTrue(bed.audit.events().isEmpty(), "an unknown token names no tenant to audit");
    }

    @Test
    void logoutWhenSampleEventThen204AndTokenDead() {
        String token = login();
        assertEquals(204, handler.handleRequest(sample("logout.json", token), null).getStatusCode());
        assertEquals(401, handler.handleRequest(sample("token-refresh.json", token), null).getStatusCode());
    }

    @Test
    void logoutAllWhenAuthorizerContextThenEverySessionRevoked() {
        String first = login();
        bed.clock.advance(Duration.ofSeconds(1));
        String second = login();
        APIGatewayV2HTTPEvent event = sample("logout-all.json", null);
        event.getRequestContext().getAuthorizer().setLambda(Map.of("sub", alice.userId(), "tenant", alice.tenantId(),
                "org", "risk", "roles", "user", "sid", "x", "auth_method", "bearer", "decision", "allow"));
        assertEquals(204, handler.handleRequest(event, null).getStatusCode());
        assertEquals(401, handler.handleRequest(sample("token-refresh.json", first), null).getStatusCode());
        assertEquals(401, handler.handleRequest(sample("token-refresh.json", second), null).getStatusCode());
        assertEquals(1, bed.audit.ofType("logout_all").size());
    }

    @Test
    void logoutAllWhenNoAuthorizerContextThen401() {
        APIGatewayV2HTTPEvent event = sample("logout-all.json", null);
        event.getRequestContext().setAuthorizer(null);
        assertEquals(401, handler.handleRequest(event, null).getStatusCode());
    }
}
