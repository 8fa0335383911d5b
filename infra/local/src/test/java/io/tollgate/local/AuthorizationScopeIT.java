package io.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.testing.RecordingAuditPublisher;
import io.tollgate.testing.TestClock;
import io.tollgate.testing.Testbed;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reach of the least privileged roles, over HTTP through the authorizer: a plain {@code user}
 * of a {@code simple}-profile tenant acts on its own data only (never on tenant settings, legal
 * holds or the audit trail), and a data-subject request about someone else needs an administrator.
 */
class AuthorizationScopeIT {

    private static final String PASSWORD = Testbed.PASSWORD;
    private static final String SEED = """
            {"tenants":[
              {"id":"initech","name":"Initech","role_profile":"simple","users":[
                {"username":"ada@initech.test","password":"%1$s","roles":["admin"]},
                {"username":"sam@initech.test","password":"%1$s","roles":["user"]}]},
              {"id":"acme","name":"Acme","organizations":[{"id":"risk","name":"Risk"}],"users":[
                {"username":"alice@acme.test","password":"%1$s","roles":["user"],"org":"risk"},
                {"username":"bob@acme.test","password":"%1$s","roles":["org_member"],"org":"risk"},
                {"username":"tina@acme.test","password":"%1$s","roles":["tenant_admin"]},
                {"username":"root@acme.test","password":"%1$s","roles":["super_admin"]}]}]}"""
            .formatted(PASSWORD);

    @TempDir
    static Path temp;
    private static LocalRuntime runtime;
    private static LocalHttp http;

    @BeforeAll
    static void start() {
        runtime = LocalHttp.startSeeded(temp, SEED, TestClock.startingNow(), new RecordingAuditPublisher());
        http = new LocalHttp(runtime.baseUri());
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    private static String token(String tenant, String username) {
        return http.accessToken(tenant, username, PASSWORD, null);
    }

    private static String userId(String token) {
        return LocalHttp.json(http.get("/v1/me", token)).get("sub").asText();
    }

    private static void assertForbidden(HttpResponse<String> response, String what) {
        assertEquals(403, response.statusCode(), what + ": " + response.body());
        assertEquals("forbidden", LocalHttp.json(response).get("code").asText(), what);
    }

    @Test
    void simpleUserWhenReplacingOwnTenantSettingsThenForbiddenAndNothingChanged() {
        String admin = token("initech", "ada@initech.test");
        String before = http.bearer(admin, "GET", "/v1/tenants/initech/settings", null).body();
        ObjectNode weakened = (ObjectNode) LocalHttp.json(http.bearer(admin, "GET", "/v1/tenants/initech/settings", null));
        weakened.put("rateLimitPerMinute", 5000);
        String user = token("initech", "sam@initech.test");

        assertForbidden(http.bearer(user, "PUT", "/v1/tenants/initech/settings", weakened.toString()), "replace settings");
        assertForbidden(http.bearer(user, "GET", "/v1/tenants/initech/settings", null), "read settings");
        assertForbidden(http.bearer(user, "GET", "/v1/tenants/initech/retention", null), "read retention");

        assertEquals(before, http.bearer(admin, "GET", "/v1/tenants/initech/settings", null).body(), "nothing changed");
        HttpResponse<String> byAdmin = http.bearer(admin, "PUT", "/v1/tenants/initech/settings", weakened.toString());
        assertEquals(200, byAdmin.statusCode(), "the simple admin keeps the tenant's settings: " + byAdmin.body());
    }

    @Test
    void simpleUserWhenReleasingTenantLegalHoldThenForbiddenAndHoldStays() {
        String admin = token("initech", "ada@initech.test");
        HttpResponse<String> hold = http.send("PUT", "/v1/tenants/initech/legal-holds/tenant", "{\"reason\":\"audit 2026\"}",
                Map.of("authorization", "Bearer " + admin, "content-type", "application/json"));
        assertEquals(204, hold.statusCode(), hold.body());
        String user = token("initech", "sam@initech.test");

        assertForbidden(http.bearer(user, "DELETE", "/v1/tenants/initech/legal-holds/tenant", null), "release hold");

        HttpResponse<String> retention = http.bearer(admin, "GET", "/v1/tenants/initech/retention", null);
        assertEquals(200, retention.statusCode(), retention.body());
        assertTrue(LocalHttp.json(retention).get("legal_holds").get("tenant").asBoolean(), "the hold stays");
    }

    @Test
    void simpleUserWhenReadingTenantAuditTrailThenForbiddenWhileAdminReads() {
        String user = token("initech", "sam@initech.test");

        assertForbidden(http.bearer(user, "GET", "/v1/audit/events", null), "audit events");
        assertForbidden(http.bearer(user, "GET", "/v1/audit/verify", null), "audit verify");

        HttpResponse<String> asAdmin = http.bearer(token("initech", "ada@initech.test"), "GET", "/v1/audit/events", null);
        assertEquals(200, asAdmin.statusCode(), asAdmin.body());
    }

    @Test
    void simpleUserApiKeyWhenSubmittingAuditEventsThenForbidden() {
        String user = token("initech", "sam@initech.test");
        HttpResponse<String> created = http.send("POST", "/v1/me/api-keys", "{\"name\":\"mine\"}",
                Map.of("authorization", "Bearer " + user, "content-type", "application/json"));
        assertEquals(201, created.statusCode(), "own API keys are the user's own data: " + created.body());
        String key = LocalHttp.json(created).get("api_key").asText();

        HttpResponse<String> submitted = http.send("POST", "/v1/audit/events", """
                {"events":[{"timestamp":"2026-01-01T00:00:00Z","event_id":"forged-1","event_type":"initech.forged",
                 "severity":"LOW","user_id":"u-1","tenant_id":"initech","ip_address":"203.0.113.10",
                 "user_agent":"x","resource":"invoice","action":"update","result":"success"}]}""",
                Map.of("x-api-key", key, "content-type", "application/json"));

        assertForbidden(submitted, "submit audit events");
    }

    @Test
    void simpleUserWhenActingOnOwnDataThenAllowed() {
        String user = token("initech", "sam@initech.test");
        assertEquals(200, http.get("/v1/me", user).statusCode());
        assertEquals(200, http.get("/v1/me/sessions", user).statusCode());
        HttpResponse<String> export = http.send("POST", "/v1/privacy/requests", "{\"type\":\"export\"}",
                Map.of("authorization", "Bearer " + user, "content-type", "application/json"));
        assertEquals(201, export.statusCode(), export.body());
    }

    @Test
    void complianceReportWhenTokenOfAnotherAudienceThenTokenInvalidWhileAdminPanelTokenReads() {
        String report = "/v1/compliance/report?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z&standard=soc2";
        String apiUsers = token("acme", "root@acme.test");
        String adminPanel = http.accessToken("acme", "root@acme.test", PASSWORD, "admin-panel");
        assertEquals("admin-panel", LocalHttp.claims(adminPanel).get("aud").asText());

        HttpResponse<String> refused = http.bearer(apiUsers, "GET", report, null);
        assertEquals(401, refused.statusCode(), refused.body());
        assertEquals("token_invalid", LocalHttp.json(refused).get("code").asText());

        HttpResponse<String> read = http.bearer(adminPanel, "GET", report, null);
        assertEquals(200, read.statusCode(), read.body());
        assertEquals(200, http.bearer(apiUsers, "GET", "/v1/audit/verify", null).statusCode(),
                "a route naming no audience takes either");
    }

    private static HttpResponse<String> privacyRequest(String token, String type, String subject) {
        return http.send("POST", "/v1/privacy/requests", "{\"type\":\"" + type + "\",\"subject\":\"" + subject + "\"}",
                Map.of("authorization", "Bearer " + token, "content-type", "application/json"));
    }

    @Test
    void privacyRequestWhenOrgMemberFilesForColleagueThenForbiddenAndNoDataReturned() {
        String alice = userId(token("acme", "alice@acme.test"));
        String bob = token("acme", "bob@acme.test");

        HttpResponse<String> export = privacyRequest(bob, "export", alice);
        HttpResponse<String> access = privacyRequest(bob, "access", alice);

        assertForbidden(export, "export about a colleague");
        assertForbidden(access, "access about a colleague");
        assertFalse(export.body().contains("alice@acme.test"), export.body());
        assertEquals(201, privacyRequest(bob, "export", userId(bob)).statusCode(), "a request about oneself");
    }

    @Test
    void privacyRequestWhenSimpleUserFilesForAnotherThenForbidden() {
        String ada = userId(token("initech", "ada@initech.test"));
        assertForbidden(privacyRequest(token("initech", "sam@initech.test"), "export", ada), "export about another");
    }

    @Test
    void privacyRequestWhenTenantAdminFilesForUserThenAllowedButNotForUserWhoOutranksIt() {
        String alice = userId(token("acme", "alice@acme.test"));
        String root = userId(token("acme", "root@acme.test"));
        String tina = token("acme", "tina@acme.test");

        HttpResponse<String> export = privacyRequest(tina, "export", alice);
        assertEquals(201, export.statusCode(), export.body());
        JsonNode data = LocalHttp.json(export).get("data");
        assertEquals("alice@acme.test", data.get("profile").get("username").asText());

        assertForbidden(privacyRequest(tina, "export", root), "export about a super_admin");
    }
}
