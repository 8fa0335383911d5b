package io.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.admin.FirstSuperAdminHandler;
import io.tollgate.audit.AuditEvent;
import io.tollgate.json.Json;
import io.tollgate.testing.RecordingAuditPublisher;
import io.tollgate.testing.TestClock;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fresh stack's first {@code super_admin} (docs/deploy.md, ADR 0065) over the local runtime: the operator's
 * invocation with {@code events/first-super-admin.json} creates the platform tenant and an invited super_admin
 * with no password, audited; the one-time token sets the password over HTTP, and the new administrator can do
 * what only a super_admin may (create a tenant). A second invocation changes nothing.
 */
class FirstSuperAdminIT {

    private static final String CHOSEN = "Copper-Lantern-Meadow-47!";

    @TempDir
    static Path temp;
    private static final RecordingAuditPublisher AUDIT = new RecordingAuditPublisher();
    private static LocalRuntime runtime;
    private static LocalHttp http;

    @BeforeAll
    static void start() {
        runtime = LocalHttp.startSeeded(temp, "{\"tenants\":[]}", TestClock.startingNow(), AUDIT);
        http = new LocalHttp(runtime.baseUri());
    }

    private static io.tollgate.devkit.LocalLambdaContext context() {
        return new io.tollgate.devkit.LocalLambdaContext(java.util.UUID.randomUUID().toString(), "FirstSuperAdminFunction",
                java.time.Duration.ofSeconds(30), java.time.Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    @Test
    @SuppressWarnings("unchecked")
    void firstSuperAdminWhenInvokedOnAFreshStackThenInvitedOnceAuditedAndAbleToCreateTenants() throws Exception {
        Map<String, Object> event = Json.mapper().readValue(Files.readString(
                Path.of("../../events/first-super-admin.json")), Map.class);
        FirstSuperAdminHandler handler = new FirstSuperAdminHandler(runtime.services());

        Map<String, Object> created = handler.handleRequest(event, context());
        String token = (String) created.get("invitation_token");
        assertTrue(token != null && token.length() >= 32, created.keySet().toString());
        assertEquals("platform", created.get("tenant"));

        Map<String, Object> again = handler.handleRequest(Map.of("tenant", "other", "tenant_name", "Other",
                "email", "someone@bank.example"), context());
        assertTrue(String.valueOf(again.get("error")).contains("created already"), again.toString());
        assertFalse(again.containsKey("invitation_token"));

        List<AuditEvent> users = AUDIT.ofType("user_creation");
        assertEquals(1, users.size(), "one administrator, however often the function is invoked");
        assertEquals(List.of("super_admin"), users.getFirst().additionalData().get("roles"));
        assertEquals(true, users.getFirst().additionalData().get("invitation"));
        assertEquals(1, AUDIT.ofType("tenant_created").size());
        assertTrue(AUDIT.events().stream().noneMatch(e -> e.toString().contains(token)), "the token is never audited");

        HttpResponse<String> noPasswordYet = http.post("/v1/auth/login",
                "{\"tenant\":\"platform\",\"username\":\"ops@bank.example\",\"password\":\"" + CHOSEN + "\"}");
        assertEquals(401, noPasswordYet.statusCode(), "the account has no usable password before the token is used");
        HttpResponse<String> set = http.post("/v1/auth/password/set",
                "{\"token\":\"" + token + "\",\"new_password\":\"" + CHOSEN + "\"}");
        assertEquals(204, set.statusCode(), set.body());
        JsonNode login = http.login("platform", "ops@bank.example", CHOSEN);
        String access = login.get("access_token").asText();
        assertEquals(List.of("super_admin"), Json.mapper().convertValue(LocalHttp.claims(access).get("roles"), List.class));

        HttpResponse<String> tenant = http.send("POST", "/v1/tenants", "{\"id\":\"acme\",\"name\":\"Acme\"}",
                Map.of("authorization", "Bearer " + access, "content-type", "application/json"));
        assertEquals(201, tenant.statusCode(), tenant.body());
    }

    @Test
    void firstSuperAdminWhenInputInvalidThenRefusedAndNothingClaimed() {
        Map<String, Object> refused = new FirstSuperAdminHandler(runtime.services())
                .handleRequest(Map.of("tenant", "Not A Tenant", "tenant_name", "x", "email", "nope"), context());
        assertTrue(String.valueOf(refused.get("error")).contains("required"), refused.toString());
        assertFalse(refused.containsKey("invitation_token"));
    }
}
