package io.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.audit.AuditEvent;
import io.tollgate.json.Json;
import io.tollgate.testing.RecordingAuditPublisher;
import io.tollgate.testing.SoftwareAuthenticator;
import io.tollgate.testing.TestClock;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Passkeys end to end over the local runtime: a security key registered over HTTP
 * with a bearer token (through the authorizer), a passwordless login with it, the same key as the
 * second factor of a password login, a cloned key refused, and the key deleted — with a
 * software authenticator answering exactly what a browser would post.
 */
class PasskeyFlowIT {

    private static final String ORIGIN = "http://localhost:3000";
    private static final String SEED = """
            {"tenants":[
              {"id":"acme","name":"Acme Bank","organizations":[{"id":"risk","name":"Risk"}],
               "users":[
                {"username":"alice@acme.test","email":"alice@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"bob@acme.test","email":"bob@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"}]}]}""";

    @TempDir
    static Path temp;
    private static final RecordingAuditPublisher AUDIT = new RecordingAuditPublisher();
    private static final TestClock CLOCK = new TestClock(Instant.now());
    private static LocalRuntime runtime;
    private static LocalHttp http;
    /** Every ceremony id, challenge and signature the tests handled: none may reach an audit event. */
    private static final List<String> SECRETS = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        runtime = LocalHttp.startSeeded(temp, SEED, CLOCK, AUDIT);
        http = new LocalHttp(runtime.baseUri());
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            String audited = Json.mapper().writeValueAsString(AUDIT.events());
            for (String secret : SECRETS) {
                assertFalse(audited.contains(secret), "an audit event carries a ceremony id, challenge or signature");
            }
            assertFalse(SECRETS.isEmpty());
        } finally {
            runtime.close();
        }
    }

    private static JsonNode remember(JsonNode ceremony) {
        if (ceremony.hasNonNull("ceremony_id")) {
            SECRETS.add(ceremony.get("ceremony_id").asText());
        }
        String challenge = ceremony.at("/publicKey/challenge").asText();
        assertFalse(challenge.isEmpty(), "the options carry a challenge");
        SECRETS.add(challenge);
        return ceremony;
    }

    private static String rememberSignature(String assertion) {
        try {
            SECRETS.add(Json.mapper().readTree(assertion).at("/response/signature").asText());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return assertion;
    }

    private static HttpResponse<String> send(String method, String path, Object body, String bearer) {
        return http.send(method, path, body == null ? null : body.toString(),
                bearer == null ? Map.of() : Map.of("authorization", "Bearer " + bearer));
    }

    private static String accessToken(String username) {
        return http.login("acme", username, "Velvet-Orbit-Quarry-82").get("access_token").asText();
    }

    private static String publicKey(JsonNode options) {
        ObjectNode wrapper = Json.mapper().createObjectNode();
        wrapper.set("publicKey", options.get("publicKey"));
        return wrapper.toString();
    }

    private static ObjectNode answer(String field, String token, String credential) {
        ObjectNode body = Json.mapper().createObjectNode().put(field, token);
        try {
            body.set("credential", Json.mapper().readTree(credential));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return body;
    }

    private static SoftwareAuthenticator register(String bearer, SoftwareAuthenticator key) {
        HttpResponse<String> options = send("POST", "/v1/me/webauthn/registrations", null, bearer);
        assertEquals(200, options.statusCode(), options.body());
        JsonNode created = remember(LocalHttp.json(options));
        ObjectNode finish = answer("ceremony_id", created.get("ceremony_id").asText(),
                key.register(publicKey(created), ORIGIN)).put("name", "Desk key");
        HttpResponse<String> registered = send("POST", "/v1/me/webauthn/registrations/finish", finish, bearer);
        assertEquals(201, registered.statusCode(), registered.body());
        return key;
    }

    private static HttpResponse<String> passkeyLogin(SoftwareAuthenticator key, String origin) {
        HttpResponse<String> options = send("POST", "/v1/auth/passkey/options", "{\"tenant\":\"acme\"}", null);
        assertEquals(200, options.statusCode(), options.body());
        JsonNode get = remember(LocalHttp.json(options));
        return send("POST", "/v1/auth/passkey/verify", answer("ceremony_id", get.get("ceremony_id").asText(),
                rememberSignature(key.authenticate(publicKey(get), origin))), null);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(node -> out.add(node.asText()));
        return out;
    }

    @Test
    void passkeyWhenRegisteredThenPasswordlessLoginSecondFactorAndDeletionWorkOverHttp() {
        SoftwareAuthenticator key = register(accessToken("alice@acme.test"), SoftwareAuthenticator.securityKey());

        // Passwordless: the authenticator names the user (discoverable credential).
        HttpResponse<String> passwordless = passkeyLogin(key, ORIGIN);
        assertEquals(200, passwordless.statusCode(), passwordless.body());
        JsonNode claims = LocalHttp.claims(LocalHttp.json(passwordless).get("access_token").asText());
        assertEquals(List.of("hwk", "mfa"), strings(claims.get("amr")));
        String bearer = LocalHttp.json(passwordless).get("access_token").asText();
        JsonNode me = LocalHttp.json(send("GET", "/v1/me", null, bearer));
        assertEquals("acme", me.get("tenant").asText());

        // Second factor: the password login now asks for it and offers webauthn.
        HttpResponse<String> login = http.post("/v1/auth/login",
                "{\"tenant\":\"acme\",\"username\":\"alice@acme.test\",\"password\":\"Velvet-Orbit-Quarry-82\"}");
        JsonNode challenge = LocalHttp.json(login);
        assertTrue(challenge.get("mfa_required").asBoolean(), login.body());
        assertTrue(strings(challenge.get("methods")).contains("webauthn"));
        String mfaToken = challenge.get("mfa_token").asText();
        HttpResponse<String> mfaOptions = send("POST", "/v1/auth/mfa/webauthn",
                Json.mapper().createObjectNode().put("mfa_token", mfaToken), null);
        assertEquals(200, mfaOptions.statusCode(), mfaOptions.body());
        SECRETS.add(mfaToken);
        HttpResponse<String> verified = send("POST", "/v1/auth/mfa/verify", answer("mfa_token", mfaToken,
                rememberSignature(key.authenticate(publicKey(remember(LocalHttp.json(mfaOptions))), ORIGIN))), null);
        assertEquals(200, verified.statusCode(), verified.body());
        assertEquals(List.of("pwd", "hwk"),
                strings(LocalHttp.claims(LocalHttp.json(verified).get("access_token").asText()).get("amr")));

        // Listed, then deleted; the deleted key logs nobody in.
        JsonNode listed = LocalHttp.json(send("GET", "/v1/me/webauthn/credentials", null, bearer));
        assertEquals(1, listed.get("credentials").size());
        assertEquals(3, listed.at("/credentials/0/sign_count").asInt());
        HttpResponse<String> deleted = send("DELETE", "/v1/me/webauthn/credentials/" + key.credentialId(), null, bearer);
        assertEquals(204, deleted.statusCode(), deleted.body());
        assertEquals(0, LocalHttp.json(send("GET", "/v1/me/webauthn/credentials", null, bearer)).get("credentials").size());
        HttpResponse<String> afterDelete = passkeyLogin(key, ORIGIN);
        assertEquals(401, afterDelete.statusCode());
        assertEquals("invalid_credentials", LocalHttp.json(afterDelete).get("code").asText());
        // And the password login no longer asks for a second factor.
        assertTrue(http.login("acme", "alice@acme.test", "Velvet-Orbit-Quarry-82").hasNonNull("access_token"));
    }

    @Test
    void passkeyWhenClonedOrPhishedThenRefusedAndAudited() {
        SoftwareAuthenticator key = register(accessToken("bob@acme.test"), SoftwareAuthenticator.securityKey());
        SoftwareAuthenticator clone = key.cloned();

        HttpResponse<String> phished = passkeyLogin(key, "https://acme-bank.example");
        assertEquals(401, phished.statusCode());
        assertEquals(200, passkeyLogin(key, ORIGIN).statusCode());
        HttpResponse<String> cloned = passkeyLogin(clone, ORIGIN);
        assertEquals(401, cloned.statusCode());
        assertEquals("invalid_credentials", LocalHttp.json(cloned).get("code").asText());

        List<AuditEvent> suspicions = AUDIT.ofType("webauthn_clone_suspected");
        assertEquals(1, suspicions.size());
        assertEquals("HIGH", suspicions.getFirst().severity().name());
        assertFalse(AUDIT.ofType("webauthn_failed").isEmpty());
        // The registration route refuses a caller without a token (authorizer).
        assertEquals(401, send("POST", "/v1/me/webauthn/registrations", null, null).statusCode());
    }
}
