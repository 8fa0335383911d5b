package io.tollgate.webauthnfn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.json.Json;
import io.tollgate.testing.SoftwareAuthenticator;
import io.tollgate.testing.Testbed;
import io.tollgate.user.UserAccount;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The webauthn handler with the sample events of {@code events/} against DynamoDB Local and a
 * software authenticator: the event shapes the template routes to it, the answers, and bad
 * input refused with the field named before any state changes.
 */
class WebAuthnHandlerIT {

    private static final String ORIGIN = "http://localhost:3000";

    private Testbed testbed;
    private WebAuthnHandler handler;
    private UserAccount alice;
    /** The session the sample events' caller holds, when a test opened a real one. */
    private String sessionId;

    @BeforeEach
    void setUp() {
        testbed = new Testbed();
        handler = new WebAuthnHandler(testbed.services);
        alice = testbed.newTenant();
    }

    private APIGatewayV2HTTPResponse invoke(String eventFile, Object body, Map<String, String> pathParameters) {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent("../../events/" + eventFile);
        if (event.getRequestContext().getAuthorizer() != null) {
            Map<String, Object> context = event.getRequestContext().getAuthorizer().getLambda();
            context.put("sub", alice.userId());
            context.put("tenant", alice.tenantId());
            // A complete sign-in just now: adding or removing a passkey needs a recent one (ADR 0053).
            context.put("auth_time", Long.toString(testbed.clock.instant().getEpochSecond()));
            context.put("amr", "pwd,otp");
            if (sessionId != null) {
                context.put("sid", sessionId);
            }
        }
        if (body != null) {
            event.setBody(body instanceof String text ? text : Json.mapper().valueToTree(body).toString());
            event.getHeaders().remove("content-length");
        }
        if (pathParameters != null) {
            event.setPathParameters(pathParameters);
        }
        return handler.handleRequest(event, null);
    }

    private static JsonNode json(APIGatewayV2HTTPResponse response) throws Exception {
        return Json.mapper().readTree(response.getBody());
    }

    private static String publicKey(JsonNode options) {
        ObjectNode wrapper = Json.mapper().createObjectNode();
        wrapper.set("publicKey", options.get("publicKey"));
        return wrapper.toString();
    }

    private static ObjectNode answer(String ceremonyId, String credential) throws Exception {
        ObjectNode body = Json.mapper().createObjectNode().put("ceremony_id", ceremonyId);
        body.set("credential", Json.mapper().readTree(credential));
        return body;
    }

    @Test
    void sampleEventsWhenPasskeyRegisteredUsedAndDeletedThenEachAnswerIsRight() throws Exception {
        SoftwareAuthenticator key = SoftwareAuthenticator.securityKey();
        APIGatewayV2HTTPResponse options = invoke("me-webauthn-registration-start.json", null, null);
        assertEquals(200, options.getStatusCode(), options.getBody());
        JsonNode created = json(options);
        assertEquals("localhost", created.at("/publicKey/rp/id").asText());

        ObjectNode finish = answer(created.get("ceremony_id").asText(), key.register(publicKey(created), ORIGIN));
        finish.put("name", "Desk key");
        APIGatewayV2HTTPResponse registered = invoke("me-webauthn-registration-finish.json", finish, null);
        assertEquals(201, registered.getStatusCode(), registered.getBody());
        assertEquals(key.credentialId(), json(registered).get("id").asText());

        APIGatewayV2HTTPResponse listed = invoke("me-webauthn-credentials.json", null, null);
        assertEquals(1, json(listed).get("credentials").size());

        APIGatewayV2HTTPResponse login = invoke("passkey-options.json", Map.of("tenant", alice.tenantId()), null);
        assertEquals(200, login.getStatusCode(), login.getBody());
        JsonNode get = json(login);
        APIGatewayV2HTTPResponse tokens = invoke("passkey-verify.json",
                answer(get.get("ceremony_id").asText(), key.authenticate(publicKey(get), ORIGIN)), null);
        assertEquals(200, tokens.getStatusCode(), tokens.getBody());
        assertTrue(json(tokens).hasNonNull("access_token"));

        APIGatewayV2HTTPResponse deleted = invoke("me-webauthn-credential-delete.json", null,
                Map.of("id", key.credentialId()));
        assertEquals(204, deleted.getStatusCode());
        assertEquals(0, json(invoke("me-webauthn-credentials.json", null, null)).get("credentials").size());
    }

    @Test
    void finishWhenSampleEventAsShippedThenRefusedNamingTheCredential() throws Exception {
        APIGatewayV2HTTPResponse response = invoke("me-webauthn-registration-finish.json", null, null);

        assertEquals(400, response.getStatusCode());
        assertEquals("credential", json(response).at("/errors/0/field").asText());
        assertEquals(0, json(invoke("me-webauthn-credentials.json", null, null)).get("credentials").size());
    }

    @Test
    void finishWhenCredentialIsMissingThenRefusedNamingTheField() throws Exception {
        APIGatewayV2HTTPResponse response = invoke("me-webauthn-registration-finish.json",
                Map.of("ceremony_id", "abc"), null);

        assertEquals(400, response.getStatusCode());
        assertEquals("credential", json(response).at("/errors/0/field").asText());
    }

    @Test
    void passkeyOptionsWhenTenantIsMissingThenRefusedNamingTheField() throws Exception {
        APIGatewayV2HTTPResponse response = invoke("passkey-options.json", Map.of("tenant", "Not A Tenant!"), null);

        assertEquals(400, response.getStatusCode());
        assertEquals("tenant", json(response).at("/errors/0/field").asText());
    }

    @Test
    void passkeyVerifyWhenSampleEventAsShippedThenRefusedNamingTheCredential() throws Exception {
        APIGatewayV2HTTPResponse response = invoke("passkey-verify.json", null, null);

        assertEquals(400, response.getStatusCode());
        assertEquals("credential", json(response).at("/errors/0/field").asText());
    }

    @Test
    void passkeyVerifyWhenCeremonyIsUnknownThenInvalidCredentials() throws Exception {
        SoftwareAuthenticator key = SoftwareAuthenticator.securityKey();
        APIGatewayV2HTTPResponse start = invoke("me-webauthn-registration-start.json", null, null);
        key.register(publicKey(json(start)), ORIGIN);
        JsonNode get = json(invoke("passkey-options.json", Map.of("tenant", alice.tenantId()), null));

        APIGatewayV2HTTPResponse response = invoke("passkey-verify.json",
                answer("not-a-ceremony", key.authenticate(publicKey(get), ORIGIN)), null);

        assertEquals(401, response.getStatusCode());
        assertEquals("invalid_credentials", json(response).get("code").asText());
    }

    @Test
    void deleteWhenCredentialIsUnknownThenNotFound() {
        assertEquals(404, invoke("me-webauthn-credential-delete.json", null, null).getStatusCode());
    }

    @Test
    void sampleEventsWhenPasskeyStepUpThenFreshTokenOfTheSameSession() throws Exception {
        SoftwareAuthenticator key = SoftwareAuthenticator.syncedPasskey();
        JsonNode created = json(invoke("me-webauthn-registration-start.json", null, null));
        assertEquals(201, invoke("me-webauthn-registration-finish.json",
                answer(created.get("ceremony_id").asText(), key.register(publicKey(created), ORIGIN)), null)
                .getStatusCode());
        JsonNode get = json(invoke("passkey-options.json", Map.of("tenant", alice.tenantId()), null));
        String access = json(invoke("passkey-verify.json",
                answer(get.get("ceremony_id").asText(), key.authenticate(publicKey(get), ORIGIN)), null))
                .get("access_token").asText();
        JsonNode claims = Json.mapper().readTree(java.util.Base64.getUrlDecoder().decode(access.split("\\.")[1]));

        // The shipped sample names a session that does not exist: the ceremony opens, the proof cannot complete.
        JsonNode foreign = json(invoke("auth-step-up-passkey-options.json", null, null));
        APIGatewayV2HTTPResponse noSession = invoke("auth-step-up-passkey-verify.json",
                answer(foreign.get("ceremony_id").asText(), key.authenticate(publicKey(foreign), ORIGIN)), null);
        assertEquals(401, noSession.getStatusCode(), noSession.getBody());

        sessionId = claims.get("sid").asText();
        APIGatewayV2HTTPResponse options = invoke("auth-step-up-passkey-options.json", null, null);
        assertEquals(200, options.getStatusCode(), options.getBody());
        JsonNode challenge = json(options);
        assertEquals("required", challenge.at("/publicKey/userVerification").asText());
        APIGatewayV2HTTPResponse stepped = invoke("auth-step-up-passkey-verify.json",
                answer(challenge.get("ceremony_id").asText(), key.authenticate(publicKey(challenge), ORIGIN)), null);
        assertEquals(200, stepped.getStatusCode(), stepped.getBody());
        String fresh = json(stepped).get("access_token").asText();
        JsonNode after = Json.mapper().readTree(java.util.Base64.getUrlDecoder().decode(fresh.split("\\.")[1]));
        assertEquals(sessionId, after.get("sid").asText());
        assertEquals("swk", after.at("/amr/0").asText());
        assertEquals("mfa", after.at("/amr/1").asText());
        assertEquals(1, testbed.audit.ofType("step_up_success").size());
    }

    @Test
    void stepUpOptionsWhenCallerIsAnApiKeyThenForbidden() {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent("../../events/auth-step-up-passkey-options.json");
        Map<String, Object> context = event.getRequestContext().getAuthorizer().getLambda();
        context.put("sub", alice.userId());
        context.put("tenant", alice.tenantId());
        context.put("auth_method", "api_key");
        context.remove("sid");

        assertEquals(403, handler.handleRequest(event, null).getStatusCode());
    }
}
