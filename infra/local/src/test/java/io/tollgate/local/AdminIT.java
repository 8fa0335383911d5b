package io.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.AuditSeverity;
import io.tollgate.otp.Base32;
import io.tollgate.otp.TotpVerifier;
import io.tollgate.storage.Attributes;
import io.tollgate.storage.Keys;
import io.tollgate.storage.TableNames;
import io.tollgate.testing.RecordingAuditPublisher;
import io.tollgate.testing.TestClock;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Administration over the local runtime: every admin route for every role as the RBAC
 * matrix says, cross-tenant attempts (404/403, nothing changed), organisation scope, privilege
 * escalation (403 + CRITICAL audit), disabling (tokens and API keys stop within 30 s), deletion
 * (refresh fails, identity purged), role change (old tokens stop, refresh carries the new roles),
 * unlock, validation and settings — all through the authorizer, as a client sees it.
 */
class AdminIT {

    private static final String PASSWORD = "Velvet-Orbit-Quarry-82";
    private static final String SEED = """
            {"tenants":[
              {"id":"ops","name":"Operations","users":[
                {"username":"root@ops.test","password":"Velvet-Orbit-Quarry-82","roles":["super_admin"]}]},
              {"id":"acme","name":"Acme","organizations":[{"id":"risk","name":"Risk"},{"id":"audit","name":"Audit"}],
               "users":[
                {"username":"tina@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["tenant_admin"]},
                {"username":"tara@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["tenant_admin"],"org":"risk"},
                {"username":"oscar@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["org_admin"],"org":"risk"},
                {"username":"tess@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["tenant_admin"]},
                {"username":"otto@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["org_admin"],"org":"risk"},
                {"username":"olga@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["org_admin"],"org":"risk"},
                {"username":"mia@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["org_member"],"org":"risk"},
                {"username":"uma@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"ulf@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"audit"},
                {"username":"target@acme.test","email":"target@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"doomed@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"disabled@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"deleted@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"demoted@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["org_admin"],"org":"risk"},
                {"username":"locked@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"}]},
              {"id":"globex","name":"Globex","organizations":[{"id":"risk","name":"Risk"},{"id":"audit","name":"Audit"}],
               "users":[
                {"username":"tina@globex.test","password":"Velvet-Orbit-Quarry-82","roles":["tenant_admin"]},
                {"username":"oscar@globex.test","password":"Velvet-Orbit-Quarry-82","roles":["org_admin"],"org":"risk"},
                {"username":"uma@globex.test","email":"uma@globex.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"},
                {"username":"ulf@globex.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"audit"}]}]}""";

    @TempDir
    static Path temp;
    private static final RecordingAuditPublisher AUDIT = new RecordingAuditPublisher();
    private static final TestClock CLOCK = TestClock.startingNow();
    private static final Map<String, String> TOKENS = new ConcurrentHashMap<>();
    private static LocalRuntime runtime;
    private static LocalHttp http;
    private static TableNames tables;
    private static Map<String, String> acmeIds;
    private static Map<String, String> globexIds;

    @BeforeAll
    static void start() {
        runtime = LocalHttp.startSeeded(temp, SEED, CLOCK, AUDIT);
        http = new LocalHttp(runtime.baseUri());
        tables = runtime.services().config().tables();
        acmeIds = ids("tina@acme.test");
        globexIds = ids("tina@globex.test");
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    private static String tenantOf(String username) {
        return username.endsWith("@ops.test") ? "ops" : username.endsWith("@globex.test") ? "globex"
                : username.endsWith("@initech.test") ? "initech" : "acme";
    }

    /** One login per admin for the whole class (the session cap is 3). */
    private static String bearer(String username) {
        return TOKENS.computeIfAbsent(username, u -> http.login(tenantOf(u), u, PASSWORD).get("access_token").asText());
    }

    private static HttpResponse<String> call(String username, String method, String path, String body) {
        return callWith(bearer(username), method, path, body);
    }

    private static HttpResponse<String> callWith(String token, String method, String path, String body) {
        return http.bearer(token, method, path, body);
    }

    private static JsonNode json(HttpResponse<String> response) {
        return LocalHttp.json(response);
    }

    /** User name to id of every user the tenant admin sees. */
    private static Map<String, String> ids(String tenantAdmin) {
        Map<String, String> ids = new HashMap<>();
        json(call(tenantAdmin, "GET", "/v1/users?limit=100", null)).get("users")
                .forEach(u -> ids.put(u.get("username").asText(), u.get("id").asText()));
        return ids;
    }

    private static JsonNode user(String tenantAdmin, String id) {
        HttpResponse<String> response = call(tenantAdmin, "GET", "/v1/users/" + id, null);
        assertEquals(200, response.statusCode(), response.body());
        return json(response);
    }

    private static void assertProblem(HttpResponse<String> response, int status, String code) {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("content-type").orElseThrow().startsWith("application/problem+json"));
        assertEquals(code, json(response).get("code").asText(), response.body());
    }

    private static List<AuditEvent> audited(String type, String actorId) {
        return AUDIT.ofType(type).stream().filter(e -> actorId.equals(e.userId())).toList();
    }

    private static Map<String, AttributeValue> item(String table, Map<String, AttributeValue> key) {
        Map<String, AttributeValue> item = runtime.dynamoDb().getItem(r -> r.tableName(table).key(key).consistentRead(true))
                .item();
        return item == null ? Map.of() : item;
    }

    private record Call(String method, String path, String body) {
    }

    @Test
    void createUserWhenNameHasInvisibleOrMixedDirectionCharactersThen400AndWhenOnlyWidthOrCaseDiffersThenTheSameAccount() {
        for (String spoof : List.of("ul\u200Df@acme.test", "ulf\u202Egpj.exe@acme.test", "ulf\u05E9@acme.test",
                "\uFEFFulf@acme.test", "u\u00ADlf@acme.test")) {
            HttpResponse<String> refused = call("tina@acme.test", "POST", "/v1/users", "{\"username\":\"" + spoof
                    + "\",\"password\":\"" + PASSWORD + "\",\"roles\":[\"user\"],\"org\":\"risk\"}");
            assertProblem(refused, 400, "validation_failed");
            assertEquals("username", json(refused).get("errors").get(0).get("field").asText());
        }
        HttpResponse<String> fullwidth = call("tina@acme.test", "POST", "/v1/users", "{\"username\":\""
                + "\uFF35\uFF2C\uFF26@acme.test\",\"password\":\"" + PASSWORD + "\",\"roles\":[\"user\"],\"org\":\"risk\"}");
        assertEquals(409, fullwidth.statusCode(), "ＵＬＦ is the name ulf, which is taken: " + fullwidth.body());
        String sub = LocalHttp.claims(http.login("acme", "ulf@acme.test", PASSWORD).get("access_token").asText())
                .get("sub").asText();
        assertEquals(sub, LocalHttp.claims(http.login("acme", "\uFF35\uFF2C\uFF26@ACME.test", PASSWORD)
                .get("access_token").asText()).get("sub").asText(), "one account answers to every spelling");
    }

    @Test
    void adminRoutesWhenEachRoleThenAllowedOrRefusedAsTheMatrixSays() {
        String target = acmeIds.get("target@acme.test");
        String doomed = acmeIds.get("doomed@acme.test");
        String settings = call("tina@acme.test", "GET", "/v1/tenants/acme/settings", null).body();
        Map<String, Call> routes = new LinkedHashMap<>();
        routes.put("create tenant", new Call("POST", "/v1/tenants", "{\"id\":\"matrix-%s\",\"name\":\"Matrix\"}"));
        routes.put("create organization", new Call("POST", "/v1/tenants/acme/organizations",
                "{\"id\":\"matrix-%s\",\"name\":\"Matrix\"}"));
        routes.put("list organizations", new Call("GET", "/v1/tenants/acme/organizations", null));
        routes.put("read settings", new Call("GET", "/v1/tenants/acme/settings", null));
        routes.put("replace settings", new Call("PUT", "/v1/tenants/acme/settings", settings));
        routes.put("create user", new Call("POST", "/v1/users",
                "{\"username\":\"matrix-%s@acme.test\",\"password\":\"" + PASSWORD + "\",\"roles\":[\"user\"]}"));
        routes.put("list users", new Call("GET", "/v1/users", null));
        routes.put("read user", new Call("GET", "/v1/users/" + target, null));
        routes.put("update user", new Call("PATCH", "/v1/users/" + target, "{\"email\":\"target-%s@acme.test\"}"));
        routes.put("replace roles", new Call("PUT", "/v1/users/" + target + "/roles", "{\"roles\":[\"user\"]}"));
        routes.put("unlock user", new Call("POST", "/v1/users/" + target + "/unlock", null));
        routes.put("delete user", new Call("DELETE", "/v1/users/" + doomed, null));
        // Seed 000's matrix. super_admin lives in tenant ops: it manages tenants and any tenant's settings, but has
        // no organization grant, and /v1/users is always the caller's own tenant (acme users are 404 to it).
        Map<String, int[]> expected = new LinkedHashMap<>();
        //                                   tenant orgC orgL setR setW userC userL userR userU roles unlk del
        expected.put("root@ops.test", new int[] {201, 403, 403, 200, 200, 201, 200, 404, 404, 404, 404, 404});
        expected.put("tina@acme.test", new int[] {403, 201, 200, 200, 200, 201, 200, 200, 200, 200, 204, 204});
        expected.put("oscar@acme.test", new int[] {403, 403, 200, 403, 403, 201, 200, 200, 200, 200, 204, 403});
        expected.put("mia@acme.test", new int[] {403, 403, 200, 403, 403, 403, 200, 200, 403, 403, 403, 403});
        expected.put("uma@acme.test", new int[] {403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403});
        List<String> mismatches = new ArrayList<>();
        expected.forEach((caller, statuses) -> {
            String label = caller.substring(0, caller.indexOf('@'));
            int i = 0;
            for (var route : routes.entrySet()) {
                Call call = route.getValue();
                String body = call.body() == null ? null : call.body().replace("%s", label);
                HttpResponse<String> response = call(caller, call.method(), call.path(), body);
                if (response.statusCode() != statuses[i]) {
                    mismatches.add(caller + " " + route.getKey() + ": expected " + statuses[i] + ", got "
                            + response.statusCode() + " " + response.body());
                }
                i++;
            }
        });
        assertEquals(List.of(), mismatches);
        List<String> orgsOfOrgAdmin = new ArrayList<>();
        json(call("oscar@acme.test", "GET", "/v1/tenants/acme/organizations", null)).get("organizations")
                .forEach(o -> orgsOfOrgAdmin.add(o.get("id").asText()));
        assertEquals(List.of("risk"), orgsOfOrgAdmin, "organization:read:own shows the caller's organization only");
        assertEquals("risk", user("tina@acme.test", ids("tina@acme.test").get("matrix-oscar@acme.test")).get("org").asText(),
                "an org_admin creates in its own organization");
    }

    @Test
    void userRoutesWhenCrossTenantThenIndistinguishableFromUnknownAndNothingChanged() {
        String victim = globexIds.get("uma@globex.test");
        JsonNode before = user("tina@globex.test", victim);
        String settingsBefore = call("tina@globex.test", "GET", "/v1/tenants/globex/settings", null).body();
        String unknown = "00000000-0000-4000-8000-000000000000";
        for (String id : List.of(victim, unknown)) {
            assertProblem(call("tina@acme.test", "GET", "/v1/users/" + id, null), 404, "not_found");
            assertProblem(call("tina@acme.test", "PATCH", "/v1/users/" + id, "{\"status\":\"DISABLED\"}"), 404, "not_found");
            assertProblem(call("tina@acme.test", "PUT", "/v1/users/" + id + "/roles", "{\"roles\":[\"org_admin\"]}"),
                    404, "not_found");
            assertProblem(call("tina@acme.test", "POST", "/v1/users/" + id + "/unlock", null), 404, "not_found");
            assertProblem(call("tina@acme.test", "DELETE", "/v1/users/" + id, null), 404, "not_found");
        }
        assertEquals(call("tina@acme.test", "GET", "/v1/users/" + victim, null).body().replaceAll("urn:[^\"]+", ""),
                call("tina@acme.test", "GET", "/v1/users/" + unknown, null).body().replaceAll("urn:[^\"]+", ""),
                "same body for another tenant's id and an unknown id");
        assertProblem(call("tina@acme.test", "POST", "/v1/tenants/globex/organizations", "{\"id\":\"x\",\"name\":\"X\"}"),
                403, "forbidden");
        assertProblem(call("tina@acme.test", "GET", "/v1/tenants/globex/organizations", null), 403, "forbidden");
        assertProblem(call("tina@acme.test", "GET", "/v1/tenants/globex/settings", null), 403, "forbidden");
        assertProblem(call("tina@acme.test", "PUT", "/v1/tenants/globex/settings", settingsBefore), 403, "forbidden");
        assertProblem(call("oscar@acme.test", "GET", "/v1/tenants/globex/organizations", null), 403, "forbidden");
        HttpResponse<String> bodyTenant = call("tina@acme.test", "POST", "/v1/users", "{\"tenant\":\"globex\","
                + "\"username\":\"smuggled@globex.test\",\"password\":\"" + PASSWORD + "\",\"roles\":[\"user\"]}");
        assertProblem(bodyTenant, 400, "validation_failed");
        assertEquals("tenant", json(bodyTenant).get("errors").get(0).get("field").asText());
        assertFalse(call("tina@acme.test", "GET", "/v1/users?limit=100", null).body().contains("@globex.test"));

        assertEquals(before, user("tina@globex.test", victim), "the other tenant's user is unchanged");
        assertEquals(settingsBefore, call("tina@globex.test", "GET", "/v1/tenants/globex/settings", null).body());
        assertEquals(2, json(call("tina@globex.test", "GET", "/v1/tenants/globex/organizations", null))
                .get("organizations").size());
        assertTrue(http.login("globex", "uma@globex.test", PASSWORD).has("access_token"));
        assertTrue(audited("data_query", acmeIds.get("tina@acme.test")).stream()
                .anyMatch(e -> "denied".equals(e.result()) && victim.equals(e.additionalData().get("target_user_id"))));
    }

    @Test
    void userRoutesWhenOrgAdminTargetsAnotherOrganizationThen404AndNothingChanged() {
        String other = acmeIds.get("ulf@acme.test");
        JsonNode before = user("tina@acme.test", other);
        assertProblem(call("oscar@acme.test", "GET", "/v1/users/" + other, null), 404, "not_found");
        assertProblem(call("oscar@acme.test", "PATCH", "/v1/users/" + other, "{\"status\":\"DISABLED\"}"), 404, "not_found");
        assertProblem(call("oscar@acme.test", "PUT", "/v1/users/" + other + "/roles", "{\"roles\":[\"org_member\"]}"),
                404, "not_found");
        assertProblem(call("oscar@acme.test", "POST", "/v1/users/" + other + "/unlock", null), 404, "not_found");
        HttpResponse<String> elsewhere = call("oscar@acme.test", "POST", "/v1/users", "{\"username\":\"elsewhere@acme.test\","
                + "\"password\":\"" + PASSWORD + "\",\"roles\":[\"user\"],\"org\":\"audit\"}");
        assertProblem(elsewhere, 403, "forbidden");
        assertFalse(call("oscar@acme.test", "GET", "/v1/users?limit=100", null).body().contains("ulf@acme.test"));
        assertEquals(before, user("tina@acme.test", other));
        assertFalse(ids("tina@acme.test").containsKey("elsewhere@acme.test"));
    }

    @Test
    void createUserWhenOrgAdminGrantsTenantAdminThenRefusedAndAudited() {
        // Each refused escalation locks its actor (anomaly detection, ADR 0021): one account per such test.
        String oscar = acmeIds.get("otto@acme.test");
        HttpResponse<String> response = call("otto@acme.test", "POST", "/v1/users", "{\"username\":\"climber@acme.test\","
                + "\"password\":\"" + PASSWORD + "\",\"roles\":[\"tenant_admin\"],\"org\":\"risk\"}");
        assertProblem(response, 403, "forbidden");
        AuditEvent escalation = audited("privilege_escalation", oscar).stream()
                .filter(e -> "role_above_caller".equals(e.additionalData().get("reason"))).findFirst().orElseThrow();
        assertEquals(AuditSeverity.CRITICAL, escalation.severity());
        assertEquals("denied", escalation.result());
        assertEquals(List.of("tenant_admin"), escalation.additionalData().get("refused_roles"));
        assertEquals("acme", escalation.tenantId());
        assertFalse(ids("tina@acme.test").containsKey("climber@acme.test"), "nothing written");
        assertEquals(401, http.post("/v1/auth/login", "{\"tenant\":\"acme\",\"username\":\"climber@acme.test\","
                + "\"password\":\"" + PASSWORD + "\"}").statusCode());
    }

    @Test
    void replaceRolesWhenTenantAdminGrantsSuperAdminThenRefusedAuditedAndTheActorLocked() throws Exception {
        String target = acmeIds.get("uma@acme.test");
        assertProblem(call("tess@acme.test", "PUT", "/v1/users/" + target + "/roles", "{\"roles\":[\"super_admin\"]}"),
                403, "forbidden");
        AuditEvent escalation = audited("privilege_escalation", acmeIds.get("tess@acme.test")).stream()
                .filter(e -> target.equals(e.additionalData().get("target_user_id"))).findFirst().orElseThrow();
        assertEquals(AuditSeverity.CRITICAL, escalation.severity());
        assertEquals(List.of("user"), listOf(user("tina@acme.test", target).get("roles")));

        // Anomaly detection (stream) locks the acting account: login refused, its tokens revoked.
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
        int status = 200;
        while (status == 200 && System.nanoTime() < deadline) {
            Thread.sleep(200);
            status = http.post("/v1/auth/login", "{\"tenant\":\"acme\",\"username\":\"tess@acme.test\",\"password\":\""
                    + PASSWORD + "\"}").statusCode();
        }
        assertEquals(401, status, "the escalating account is locked");
        assertEquals(1, AUDIT.ofType("security_alert").stream()
                .filter(e -> acmeIds.get("tess@acme.test").equals(e.userId())).count());
    }

    @Test
    void patchWhenOrgAdminDisablesTenantAdminOfItsOrganizationThenRefusedAsEscalation() {
        String tara = acmeIds.get("tara@acme.test");
        assertProblem(call("olga@acme.test", "PATCH", "/v1/users/" + tara, "{\"status\":\"DISABLED\"}"), 403, "forbidden");
        assertTrue(audited("privilege_escalation", acmeIds.get("olga@acme.test")).stream()
                .anyMatch(e -> "target_outranks_caller".equals(e.additionalData().get("reason"))));
        assertEquals("ACTIVE", user("tina@acme.test", tara).get("status").asText());
    }

    @Test
    void patchStatusWhenDisabledThenOldAccessTokenAndApiKeyRefusedAfterThirtyOneSeconds() {
        JsonNode login = http.login("acme", "disabled@acme.test", PASSWORD);
        String token = login.get("access_token").asText();
        String apiKey = json(callWith(token, "POST", "/v1/me/api-keys", "{\"name\":\"ci\"}")).get("api_key").asText();
        assertEquals(200, http.get("/v1/me", token).statusCode());
        assertEquals(200, http.send("GET", "/v1/me", null, Map.of("x-api-key", apiKey)).statusCode());

        String id = acmeIds.get("disabled@acme.test");
        HttpResponse<String> disabled = call("tina@acme.test", "PATCH", "/v1/users/" + id, "{\"status\":\"DISABLED\"}");
        assertEquals(200, disabled.statusCode(), disabled.body());
        assertEquals("DISABLED", json(disabled).get("status").asText());
        CLOCK.advance(Duration.ofSeconds(31));

        assertProblem(http.get("/v1/me", token), 401, "token_invalid");
        assertProblem(http.send("GET", "/v1/me", null, Map.of("x-api-key", apiKey)), 401, "token_invalid");
        assertProblem(http.refresh(login.get("refresh_token").asText()), 401, "token_invalid");
        assertProblem(http.post("/v1/auth/login", "{\"tenant\":\"acme\",\"username\":\"disabled@acme.test\",\"password\":\""
                + PASSWORD + "\"}"), 401, "invalid_credentials");
        AuditEvent event = audited("user_disabled", acmeIds.get("tina@acme.test")).stream()
                .filter(e -> "success".equals(e.result())).findFirst().orElseThrow();
        assertEquals(AuditSeverity.HIGH, event.severity());
        assertEquals(id, event.additionalData().get("target_user_id"));

        assertEquals(200, call("tina@acme.test", "PATCH", "/v1/users/" + id, "{\"status\":\"ACTIVE\"}").statusCode());
        CLOCK.advance(Duration.ofSeconds(31));
        assertProblem(http.get("/v1/me", token), 401, "token_invalid");
        assertEquals(200, http.get("/v1/me", http.login("acme", "disabled@acme.test", PASSWORD).get("access_token")
                .asText()).statusCode(), "re-enabled: a new login works, old tokens stay void");
    }

    @Test
    void deleteUserWhenDeletedThenRefreshFailsAndIdentityPurgedAtOnce() {
        JsonNode login = http.login("acme", "deleted@acme.test", PASSWORD);
        String token = login.get("access_token").asText();
        JsonNode key = json(callWith(token, "POST", "/v1/me/api-keys", "{\"name\":\"ci\"}"));
        String id = acmeIds.get("deleted@acme.test");
        byte[] secret = Base32.decode(json(callWith(token, "POST", "/v1/me/mfa/totp", null)).get("secret").asText());
        HttpResponse<String> activated = callWith(token, "POST", "/v1/me/mfa/totp/activate", "{\"code\":\""
                + new TotpVerifier(CLOCK).codeAt(secret, CLOCK.instant()) + "\"}");
        assertEquals(200, activated.statusCode(), activated.body());
        assertFalse(item(tables.identity(), Keys.mfaBackupCodes("acme", id)).isEmpty(), "backup codes exist before");

        assertEquals(204, call("tina@acme.test", "DELETE", "/v1/users/" + id, null).statusCode());

        assertProblem(http.refresh(login.get("refresh_token").asText()), 401, "token_invalid");
        assertProblem(call("tina@acme.test", "GET", "/v1/users/" + id, null), 404, "not_found");
        assertProblem(http.post("/v1/auth/login", "{\"tenant\":\"acme\",\"username\":\"deleted@acme.test\",\"password\":\""
                + PASSWORD + "\"}"), 401, "invalid_credentials");
        CLOCK.advance(Duration.ofSeconds(31));
        assertProblem(http.get("/v1/me", token), 401, "token_invalid");
        assertProblem(http.send("GET", "/v1/me", null, Map.of("x-api-key", key.get("api_key").asText())), 401,
                "token_invalid");

        assertTrue(item(tables.identity(), Keys.user("acme", "deleted@acme.test")).isEmpty(), "user item purged");
        assertTrue(item(tables.identity(), Keys.userId("acme", id)).isEmpty(), "id pointer purged");
        assertTrue(item(tables.identity(), Keys.mfaTotp("acme", id)).isEmpty(), "TOTP credential purged");
        assertTrue(item(tables.identity(), Keys.mfaBackupCodes("acme", id)).isEmpty(), "backup codes purged");
        Map<String, AttributeValue> marker = item(tables.identity(), Keys.userPurgeMarker("acme", id));
        assertEquals("user_deleted", marker.get("reason").s(), "marked for the retention job");
        assertTrue(Long.parseLong(marker.get("purge_after").n()) <= CLOCK.instant().toEpochMilli(), "due at once");
        assertFalse(marker.values().stream().anyMatch(v -> "deleted@acme.test".equals(v.s())),
                "the marker holds no personal data");
        assertTrue(item(tables.security(), Keys.apiKey(key.get("id").asText())).isEmpty(), "API key purged");
        assertTrue(item(tables.identity(), Keys.ownedApiKey("acme", id, key.get("id").asText())).isEmpty());
        assertEquals(0, runtime.dynamoDb().query(r -> r.tableName(tables.sessions())
                .keyConditionExpression("pk = :pk AND begins_with(sk, :s)")
                .expressionAttributeValues(Map.of(":pk", Attributes.s(Keys.userSessionsPartition("acme", id)),
                        ":s", Attributes.s(Keys.SESSION_PREFIX)))).count(), "sessions purged");
        Map<String, AttributeValue> revocation = item(tables.sessions(), Keys.userRevocation("acme", id));
        assertEquals(Boolean.TRUE, revocation.get("disabled").bool());
        assertTrue(revocation.containsKey("ttl"), "the revocation record expires after the tokens it guards");
        assertEquals(AuditSeverity.HIGH, audited("user_deleted", acmeIds.get("tina@acme.test")).stream()
                .filter(e -> id.equals(e.additionalData().get("target_user_id")) && "success".equals(e.result()))
                .findFirst().orElseThrow().severity());

        HttpResponse<String> again = call("tina@acme.test", "POST", "/v1/users", "{\"username\":\"deleted@acme.test\","
                + "\"password\":\"" + PASSWORD + "\",\"roles\":[\"user\"],\"org\":\"risk\"}");
        assertEquals(201, again.statusCode(), again.body());
        assertNotEquals(id, json(again).get("id").asText(), "a reused name is a new identity");
    }

    @Test
    void replaceRolesWhenDemotedThenOldTokenRefusedAndRefreshCarriesNewRoles() {
        JsonNode login = http.login("acme", "demoted@acme.test", PASSWORD);
        String token = login.get("access_token").asText();
        assertEquals(200, callWith(token, "GET", "/v1/users", null).statusCode());
        String apiKey = json(callWith(token, "POST", "/v1/me/api-keys", "{\"name\":\"ci\",\"roles\":[\"org_admin\"]}"))
                .get("api_key").asText();
        String id = acmeIds.get("demoted@acme.test");

        HttpResponse<String> changed = call("tina@acme.test", "PUT", "/v1/users/" + id + "/roles", "{\"roles\":[\"user\"]}");
        assertEquals(200, changed.statusCode(), changed.body());
        assertEquals(List.of("user"), listOf(json(changed).get("roles")));
        AuditEvent event = audited("role_change", acmeIds.get("tina@acme.test")).stream()
                .filter(e -> id.equals(e.additionalData().get("target_user_id"))).findFirst().orElseThrow();
        assertEquals(AuditSeverity.HIGH, event.severity());
        assertEquals(List.of("org_admin"), event.additionalData().get("old_roles"));
        assertEquals("success", event.result());

        assertProblem(callWith(token, "POST", "/v1/users", "{\"username\":\"late@acme.test\",\"password\":\"" + PASSWORD
                + "\",\"roles\":[\"user\"]}"), 403, "forbidden");
        CLOCK.advance(Duration.ofSeconds(31));
        assertProblem(http.get("/v1/me", token), 401, "token_invalid");
        assertProblem(http.send("GET", "/v1/me", null, Map.of("x-api-key", apiKey)), 401, "token_invalid");
        HttpResponse<String> refreshed = http.refresh(login.get("refresh_token").asText());
        assertEquals(200, refreshed.statusCode(), refreshed.body());
        String fresh = json(refreshed).get("access_token").asText();
        assertEquals(List.of("user"), listOf(json(http.get("/v1/me", fresh)).get("roles")));
        assertProblem(callWith(fresh, "GET", "/v1/users", null), 403, "forbidden");
    }

    @Test
    void unlockWhenLockedByFailedLoginsThenLoginWorksAgain() {
        String wrong = "{\"tenant\":\"acme\",\"username\":\"locked@acme.test\",\"password\":\"Wrong-Password-000\"}";
        for (int i = 0; i < 5; i++) {
            assertEquals(401, http.post("/v1/auth/login", wrong).statusCode());
        }
        String right = "{\"tenant\":\"acme\",\"username\":\"locked@acme.test\",\"password\":\"" + PASSWORD + "\"}";
        assertEquals(401, http.post("/v1/auth/login", right).statusCode(), "locked");
        String id = acmeIds.get("locked@acme.test");
        assertTrue(user("tina@acme.test", id).get("locked").asBoolean());

        assertEquals(204, call("oscar@acme.test", "POST", "/v1/users/" + id + "/unlock", null).statusCode());
        assertFalse(user("tina@acme.test", id).get("locked").asBoolean());
        assertEquals(200, http.post("/v1/auth/login", right).statusCode());
        AuditEvent unlocked = audited("account_unlocked", acmeIds.get("oscar@acme.test")).stream()
                .filter(e -> id.equals(e.additionalData().get("target_user_id")) && "success".equals(e.result()))
                .findFirst().orElseThrow();
        assertEquals(Boolean.TRUE, unlocked.additionalData().get("was_locked"));
    }

    @Test
    void createTenantWhenSimpleRoleProfileThenSeed001RolesDecideInAuthorizerAndAdministration() {
        HttpResponse<String> unknown = call("root@ops.test", "POST", "/v1/tenants",
                "{\"id\":\"nowhere\",\"name\":\"Nowhere\",\"role_profile\":\"flat\"}");
        assertProblem(unknown, 400, "validation_failed");
        assertEquals("role_profile", json(unknown).get("errors").get(0).get("field").asText());
        assertTrue(item(tables.identity(), Keys.tenant("nowhere")).isEmpty(), "nothing written");

        HttpResponse<String> created = call("root@ops.test", "POST", "/v1/tenants", """
                {"id":"initech","name":"Initech","role_profile":"simple",
                 "admin":{"username":"ada@initech.test","password":"%s"}}""".formatted(PASSWORD));
        assertEquals(201, created.statusCode(), created.body());
        assertEquals("simple", json(created).get("role_profile").asText());
        assertEquals(List.of("admin"), listOf(json(created).get("admin").get("roles")),
                "the first administrator gets the profile's tenant administrator role");

        HttpResponse<String> analyst = call("ada@initech.test", "POST", "/v1/users",
                "{\"username\":\"ann@initech.test\",\"password\":\"" + PASSWORD + "\",\"roles\":[\"analyst\"]}");
        assertEquals(201, analyst.statusCode(), analyst.body());
        HttpResponse<String> foreignRole = call("ada@initech.test", "POST", "/v1/users",
                "{\"username\":\"tom@initech.test\",\"password\":\"" + PASSWORD + "\",\"roles\":[\"tenant_admin\"]}");
        assertProblem(foreignRole, 400, "validation_failed");
        assertEquals("roles", json(foreignRole).get("errors").get(0).get("field").asText(),
                "seed 000's roles do not exist in a simple-profile tenant");
        assertEquals(200, call("ada@initech.test", "GET", "/v1/users", null).statusCode(),
                "admin holds user:*:own_tenant in the simple profile");
        assertProblem(call("ann@initech.test", "GET", "/v1/users", null), 403, "forbidden");
        String annId = json(analyst).get("id").asText();
        HttpResponse<String> promoted = call("ada@initech.test", "PUT", "/v1/users/" + annId + "/roles",
                "{\"roles\":[\"admin\"]}");
        assertEquals(200, promoted.statusCode(), promoted.body());
        assertEquals("simple", Attributes.string(item(tables.identity(), Keys.tenant("initech")), "role_profile")
                .orElseThrow());
    }

    @Test
    void emailWhenStoredThenEncryptedFoundByBlindIndexMovedOnChangeAndGoneOnDelete() {
        HttpResponse<String> created = call("tina@globex.test", "POST", "/v1/users",
                "{\"username\":\"eve@globex.test\",\"email\":\"Eve.Adams@Globex.test\",\"password\":\"" + PASSWORD
                        + "\",\"roles\":[\"user\"],\"org\":\"risk\"}");
        assertEquals(201, created.statusCode(), created.body());
        String eve = json(created).get("id").asText();
        assertEquals("Eve.Adams@Globex.test", json(created).get("email").asText(), "shown decrypted to administrators");

        Map<String, AttributeValue> stored = item(tables.identity(), Keys.user("globex", "eve@globex.test"));
        assertFalse(stored.containsKey("email"), "no address in clear");
        assertTrue(stored.containsKey("email_enc") && stored.containsKey("email_index"));
        stored.forEach((name, value) -> assertFalse(String.valueOf(value.s()).toLowerCase().contains("adams"), name));

        JsonNode found = json(call("tina@globex.test", "GET", "/v1/users?email=eve.adams@globex.TEST", null)).get("users");
        assertEquals(1, found.size(), "case-insensitive look-up through the blind index");
        assertEquals(eve, found.get(0).get("id").asText());
        assertEquals(0, json(call("tina@acme.test", "GET", "/v1/users?email=eve.adams@globex.test", null))
                .get("users").size(), "another tenant's index never matches");

        HttpResponse<String> changed = call("tina@globex.test", "PATCH", "/v1/users/" + eve,
                "{\"email\":\"eve@elsewhere.test\"}");
        assertEquals(200, changed.statusCode(), changed.body());
        assertEquals(0, json(call("tina@globex.test", "GET", "/v1/users?email=eve.adams@globex.test", null))
                .get("users").size(), "the old pointer is gone");
        assertEquals(eve, json(call("tina@globex.test", "GET", "/v1/users?email=eve@elsewhere.test", null))
                .get("users").get(0).get("id").asText());

        assertProblem(call("tina@globex.test", "GET", "/v1/users?email=not-an-email", null), 400, "validation_failed");
        assertProblem(call("tina@globex.test", "GET", "/v1/users?email=eve@elsewhere.test&limit=2", null), 400,
                "validation_failed");
        assertProblem(call("uma@globex.test", "GET", "/v1/users?email=eve@elsewhere.test", null), 403, "forbidden");

        assertEquals(204, call("tina@globex.test", "DELETE", "/v1/users/" + eve, null).statusCode());
        assertEquals(0, json(call("tina@globex.test", "GET", "/v1/users?email=eve@elsewhere.test", null))
                .get("users").size());
        List<Map<String, AttributeValue>> pointers = runtime.dynamoDb().query(r -> r.tableName(tables.identity())
                .keyConditionExpression("pk = :pk AND begins_with(sk, :p)").expressionAttributeValues(Map.of(
                        ":pk", AttributeValue.fromS("TENANT#globex"), ":p", AttributeValue.fromS("EMAIL#")))).items();
        assertTrue(pointers.stream().noneMatch(p -> eve.equals(p.get("user_id").s())), "no pointer outlives the user");
        assertTrue(AUDIT.ofType("data_query").stream().noneMatch(e -> String.valueOf(e.additionalData())
                .contains("elsewhere")), "the looked-up address is not audited in clear");
    }

    @Test
    void createUserWhenInvalidFieldsThen400NamingTheFieldAndNothingWritten() {
        String valid = "\"password\":\"" + PASSWORD + "\",\"roles\":[\"user\"]";
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("{\"username\":\"v1@acme.test\"," + valid + ",\"admin\":true}", "admin");
        cases.put("{\"username\":\"v2@acme.test\",\"password\":\"" + PASSWORD + "\",\"roles\":\"user\"}", "roles");
        cases.put("{\"username\":7," + valid + "}", "username");
        cases.put("{\"username\":\"" + "v".repeat(300) + "@acme.test\"," + valid + "}", "username");
        cases.put("{\"username\":\"v3@acme.test\",\"email\":\"not-an-email\"," + valid + "}", "email");
        cases.put("{\"username\":\"v4@acme.test\",\"password\":\"" + PASSWORD + "\",\"roles\":[\"root\"]}", "roles");
        cases.put("{\"username\":\"v5@acme.test\"," + valid + ",\"org\":\"nope\"}", "org");
        cases.forEach((body, field) -> {
            HttpResponse<String> response = call("tina@acme.test", "POST", "/v1/users", body);
            assertProblem(response, 400, "validation_failed");
            assertEquals(field, json(response).get("errors").get(0).get("field").asText(), body);
        });
        HttpResponse<String> weak = call("tina@acme.test", "POST", "/v1/users", "{\"username\":\"v6@acme.test\","
                + "\"password\":\"password\",\"roles\":[\"user\"]}");
        assertProblem(weak, 422, "password_policy_violated");
        assertTrue(json(weak).get("errors").size() > 1, "every broken rule is named");
        assertProblem(call("tina@acme.test", "PATCH", "/v1/users/" + acmeIds.get("target@acme.test"),
                "{\"status\":\"GONE\"}"), 400, "validation_failed");
        assertProblem(call("tina@acme.test", "POST", "/v1/users", "{\"username\":\"uma@acme.test\"," + valid + "}"), 409,
                "conflict");
        Set<String> names = ids("tina@acme.test").keySet();
        for (String n : List.of("v1", "v2", "v3", "v4", "v5", "v6")) {
            assertFalse(names.contains(n + "@acme.test"), n);
        }
    }

    @Test
    void putSettingsWhenTenantAdminThenStoredAndBelowFloorRefusedNamingTheField() {
        ObjectNode settings = (ObjectNode) json(call("tina@acme.test", "GET", "/v1/tenants/acme/settings", null));
        settings.put("rateLimitPerMinute", 900);
        HttpResponse<String> stored = call("tina@acme.test", "PUT", "/v1/tenants/acme/settings", settings.toString());
        assertEquals(200, stored.statusCode(), stored.body());
        assertEquals(900, json(call("tina@acme.test", "GET", "/v1/tenants/acme/settings", null)).get("rateLimitPerMinute")
                .asInt());
        AuditEvent changed = audited("tenant_settings_changed", acmeIds.get("tina@acme.test")).stream()
                .filter(e -> "success".equals(e.result())).reduce((first, second) -> second).orElseThrow();
        assertEquals(List.of("rateLimitPerMinute"), changed.additionalData().get("changed"));

        ObjectNode weak = settings.deepCopy();
        ((ObjectNode) weak.get("password")).put("minLength", 4);
        HttpResponse<String> refused = call("tina@acme.test", "PUT", "/v1/tenants/acme/settings", weak.toString());
        assertProblem(refused, 400, "validation_failed");
        assertEquals("password", json(refused).get("errors").get(0).get("field").asText());
        ObjectNode unknown = settings.deepCopy();
        unknown.put("mfaOptional", true);
        assertEquals("mfaOptional", json(call("tina@acme.test", "PUT", "/v1/tenants/acme/settings", unknown.toString()))
                .get("errors").get(0).get("field").asText());
        ObjectNode partial = settings.deepCopy();
        partial.remove("lockout");
        assertEquals("lockout", json(call("tina@acme.test", "PUT", "/v1/tenants/acme/settings", partial.toString()))
                .get("errors").get(0).get("field").asText());
        assertEquals(settings, json(call("tina@acme.test", "GET", "/v1/tenants/acme/settings", null)), "nothing written");
    }

    @Test
    void listUsersWhenLimitTwoThenCursorPagesThroughEveryUserOnce() {
        Set<String> all = ids("tina@acme.test").keySet();
        List<String> paged = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = json(call("tina@acme.test", "GET", "/v1/users?limit=2" + (cursor == null ? "" : "&cursor=" + cursor),
                    null));
            assertTrue(page.get("users").size() <= 2);
            page.get("users").forEach(u -> paged.add(u.get("username").asText()));
            cursor = page.get("next_cursor") == null || page.get("next_cursor").isNull() ? null
                    : page.get("next_cursor").asText();
            pages++;
        } while (cursor != null && pages < 100);
        assertEquals(paged.size(), new HashSet<>(paged).size(), "no repeats");
        assertTrue(paged.containsAll(all) && all.containsAll(paged));
        assertEquals("limit", json(call("tina@acme.test", "GET", "/v1/users?limit=101", null)).get("errors").get(0)
                .get("field").asText());
        assertEquals("cursor", json(call("tina@acme.test", "GET", "/v1/users?cursor=" + PageCursorFixture.ORG_CURSOR,
                null)).get("errors").get(0).get("field").asText(), "a cursor of another listing is refused");
    }

    private static List<String> listOf(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** A cursor naming an organisation sort key, presented to the user listing. */
    private static final class PageCursorFixture {
        static final String ORG_CURSOR = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("ORG#risk".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
