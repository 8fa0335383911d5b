package io.tollgate.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.AuditSeverity;
import io.tollgate.http.ProblemException;
import io.tollgate.json.Json;
import io.tollgate.login.LoginCommand;
import io.tollgate.login.LoginResult;
import io.tollgate.login.LoginServices;
import io.tollgate.password.CommonPasswords;
import io.tollgate.session.SessionRevocations;
import io.tollgate.storage.Keys;
import io.tollgate.testing.SampleEvents;
import io.tollgate.testing.Testbed;
import io.tollgate.user.UserAccount;
import io.tollgate.user.UserDirectory;
import io.tollgate.user.UserProvisioning;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The admin function through its sample events (one per route family), against DynamoDB Local. */
class AdminHandlerIT {

    private Testbed bed;
    private UserAccount alice;
    private UserAccount tenantAdmin;
    private UserAccount orgAdmin;
    private UserDirectory directory;
    private UserProvisioning provisioning;
    private AdminHandler handler;

    @BeforeEach
    void setUp() {
        bed = new Testbed();
        alice = bed.newTenant();
        directory = bed.services.userDirectory();
        provisioning = new UserProvisioning(directory, bed.services.passwordHasher(), CommonPasswords.load(),
                bed.services.audit(), bed.clock);
        provisioning.createOrganization(alice.tenantId(), "audit", "Audit", UserProvisioning.Requester.system(alice.tenantId()));
        tenantAdmin = user("tina@acme.test", "tenant_admin", null);
        orgAdmin = user("oscar@acme.test", "org_admin", "risk");
        handler = new AdminHandler(bed.services);
        bed.audit.clear();
    }

    private UserAccount user(String username, String role, String org) {
        var tenant = directory.tenant(alice.tenantId()).orElseThrow();
        provisioning.createUser(tenant, new UserProvisioning.NewUserRequest(username, username, Testbed.PASSWORD,
                List.of(role), org), UserProvisioning.Requester.system(alice.tenantId()));
        return directory.findByUsername(alice.tenantId(), username).orElseThrow();
    }

    /** A sample event as the authorizer would have completed it for {@code caller}. */
    private static APIGatewayV2HTTPEvent sample(String file, UserAccount caller, Map<String, String> path) {
        APIGatewayV2HTTPEvent event = SampleEvents.asCaller(
                EventLoader.loadApiGatewayHttpEvent("../../events/" + file), caller);
        if (!path.isEmpty()) {
            event.setPathParameters(path);
        }
        return event;
    }

    private APIGatewayV2HTTPResponse call(APIGatewayV2HTTPEvent event) {
        return handler.handleRequest(event, null);
    }

    private static JsonNode json(APIGatewayV2HTTPResponse response) throws Exception {
        return Json.mapper().readTree(response.getBody());
    }

    @Test
    void createUserWhenOrgAdminSampleThenCreatedInOwnOrganizationWithoutSecrets() throws Exception {
        APIGatewayV2HTTPResponse response = call(sample("admin-users-create.json", orgAdmin, Map.of()));
        assertEquals(201, response.getStatusCode(), response.getBody());
        JsonNode user = json(response);
        assertEquals("erin@acme.test", user.get("username").asText());
        assertEquals("risk", user.get("org").asText());
        assertEquals("user", user.get("roles").get(0).asText());
        assertFalse(response.getBody().contains("argon2") || response.getBody().contains("password"));
        AuditEvent created = bed.audit.ofType("user_creation").get(0);
        assertEquals(orgAdmin.userId(), created.userId());
        assertEquals(user.get("id").asText(), created.additionalData().get("created_user_id"));
    }

    @Test
    void listUsersWhenOrgAdminSampleThenOnlyOwnOrganizationAcrossPages() throws Exception {
        user("zed@acme.test", "user", "audit");
        user("bea@acme.test", "user", "risk");
        List<String> seen = new java.util.ArrayList<>();
        APIGatewayV2HTTPEvent event = sample("admin-users-list.json", orgAdmin, Map.of());
        String cursor = null;
        int pages = 0;
        do {
            Map<String, String> query = new HashMap<>(Map.of("limit", "2"));
            if (cursor != null) {
                query.put("cursor", cursor);
            }
            event.setQueryStringParameters(query);
            JsonNode page = json(call(event));
            page.get("users").forEach(u -> {
                assertEquals("risk", u.get("org").asText());
                seen.add(u.get("username").asText());
            });
            cursor = page.get("next_cursor") == null || page.get("next_cursor").isNull() ? null
                    : page.get("next_cursor").asText();
            pages++;
        } while (cursor != null && pages < 10);
        assertEquals(List.of("alice@acme.test", "bea@acme.test", "oscar@acme.test"), seen);
        assertTrue(pages >= 2, "limit 2 pages through three users");
    }

    @Test
    void replaceRolesWhenTenantAdminSampleThenRolesReplacedAndRoleChangeAudited() throws Exception {
        APIGatewayV2HTTPResponse response = call(sample("admin-user-roles.json", tenantAdmin, Map.of("id", alice.userId())));
        assertEquals(200, response.getStatusCode(), response.getBody());
        assertEquals("org_admin", json(response).get("roles").get(0).asText());
        assertEquals(List.of("org_admin"), directory.findByUsername(alice.tenantId(), "alice@acme.test").orElseThrow().roles());
        AuditEvent change = bed.audit.ofType("role_change").get(0);
        assertEquals(AuditSeverity.HIGH, change.severity());
        assertEquals(alice.userId(), change.additionalData().get("target_user_id"));
        assertEquals(tenantAdmin.userId(), change.userId());
    }

    @Test
    void patchWhenDisableSampleThenRevocationDisabledAndSessionsRevoked() throws Exception {
        LoginResult login = LoginServices.create(bed.services).login(new LoginCommand(alice.tenantId(), "alice@acme.test",
                Testbed.PASSWORD, "203.0.113.10", "test"));
        assertTrue(login instanceof LoginResult.Authenticated);
        APIGatewayV2HTTPResponse response = call(sample("admin-user-patch.json", tenantAdmin, Map.of("id", alice.userId())));
        assertEquals(200, response.getStatusCode(), response.getBody());
        assertEquals("DISABLED", json(response).get("status").asText());
        var revocation = Testbed.dynamoDb().getItem(r -> r.tableName(Testbed.TABLES.sessions())
                .key(Keys.userRevocation(alice.tenantId(), alice.userId())).consistentRead(true)).item();
        assertEquals(Boolean.TRUE, revocation.get("disabled").bool(), "logout-all after disabling kept the flag");
        assertTrue(revocation.containsKey("valid_after"));
        SessionRevocations revocations = new SessionRevocations(Testbed.dynamoDb(), Testbed.TABLES, bed.clock,
                Duration.ofSeconds(30), 10);
        assertTrue(revocations.userDisabled(alice.tenantId(), alice.userId()));
        assertEquals(1, bed.audit.ofType("user_disabled").size());
        assertEquals(1, bed.audit.ofType("user_disabled").get(0).additionalData().get("sessions_revoked"));
    }

    @Test
    void unlockWhenLockedAfterFiveFailuresThenClearedAndLoginWorks() {
        var login = LoginServices.create(bed.services);
        for (int i = 0; i < 5; i++) {
            assertThrows(ProblemException.class, () -> login.login(new LoginCommand(alice.tenantId(), "alice@acme.test",
                    "Wrong-Password-000", "203.0.113.10", "t")));
        }
        assertTrue(directory.findByUsername(alice.tenantId(), "alice@acme.test").orElseThrow().failures().lockedUntil()
                .isPresent());
        assertThrows(ProblemException.class, () -> login.login(new LoginCommand(alice.tenantId(), "alice@acme.test",
                Testbed.PASSWORD, "203.0.113.10", "t")), "locked");

        APIGatewayV2HTTPResponse response = call(sample("admin-user-unlock.json", orgAdmin, Map.of("id", alice.userId())));
        assertEquals(204, response.getStatusCode(), response.getBody());
        var failures = directory.findByUsername(alice.tenantId(), "alice@acme.test").orElseThrow().failures();
        assertTrue(failures.lockedUntil().isEmpty() && failures.windowStart().isEmpty() && failures.count() == 0);
        assertEquals(Boolean.TRUE, bed.audit.ofType("account_unlocked").get(0).additionalData().get("was_locked"));
        assertTrue(login.login(new LoginCommand(alice.tenantId(), "alice@acme.test", Testbed.PASSWORD, "203.0.113.10", "t"))
                instanceof LoginResult.Authenticated);
    }

    /** Creates an active API key for {@code owner} through the API-key store. */
    private String apiKeyOf(UserAccount owner) {
        var issued = new io.tollgate.authz.ApiKeys(new java.security.SecureRandom()).generate();
        assertEquals(io.tollgate.authz.ApiKeyRepository.Created.CREATED, new io.tollgate.authz.ApiKeyRepository(
                Testbed.dynamoDb(), Testbed.TABLES, bed.clock).create(issued.stored(),
                new io.tollgate.authz.ApiKeyRepository.NewKey(owner.tenantId(), owner.userId(), owner.username(),
                        owner.organizationId(), owner.roles(), "ci", bed.clock.instant().plusSeconds(86_400)), 10));
        return issued.stored().prefix();
    }

    @Test
    void revokeUserApiKeysWhenTenantAdminSampleThenRevokedAndOrgAdminForbidden() throws Exception {
        String prefix = apiKeyOf(alice);
        APIGatewayV2HTTPResponse refused = call(sample("admin-user-api-keys-revoke.json", orgAdmin,
                Map.of("id", alice.userId())));
        assertEquals(403, refused.getStatusCode(), "org_admin holds no api_key:revoke: " + refused.getBody());

        APIGatewayV2HTTPResponse response = call(sample("admin-user-api-keys-revoke.json", tenantAdmin,
                Map.of("id", alice.userId())));
        assertEquals(200, response.getStatusCode(), response.getBody());
        assertEquals(prefix, json(response).get("revoked").get(0).asText());
        assertEquals("not_granted", bed.audit.ofType("api_keys_revoked").get(0).additionalData().get("reason"),
                "the refusal is audited");
        assertEquals("success", bed.audit.ofType("api_keys_revoked").get(1).result());
        assertEquals("administrator", bed.audit.ofType("api_keys_revoked").get(1).additionalData().get("reason"));
        assertFalse(new io.tollgate.authz.ApiKeyRepository(Testbed.dynamoDb(), Testbed.TABLES, bed.clock)
                .find(prefix).orElseThrow().active());
    }

    @Test
    void revokeTenantApiKeysWhenTenantAdminSampleThenAllRevokedAndAuditedCritical() throws Exception {
        String first = apiKeyOf(alice);
        String second = apiKeyOf(orgAdmin);
        assertEquals(403, call(sample("admin-tenant-api-keys-revoke-all.json", orgAdmin,
                Map.of("t", alice.tenantId()))).getStatusCode());
        APIGatewayV2HTTPResponse response = call(sample("admin-tenant-api-keys-revoke-all.json", tenantAdmin,
                Map.of("t", alice.tenantId())));
        assertEquals(200, response.getStatusCode(), response.getBody());
        assertEquals(2, json(response).get("revoked").asInt());
        var repository = new io.tollgate.authz.ApiKeyRepository(Testbed.dynamoDb(), Testbed.TABLES, bed.clock);
        assertFalse(repository.find(first).orElseThrow().active());
        assertFalse(repository.find(second).orElseThrow().active());
        assertEquals("CRITICAL", bed.audit.ofType("api_keys_revoked_all").get(0).severity().name());
    }

    @Test
    void unlockWhenEmailStoredUnderTheTenantOnlyContextThenReEncryptedBoundToTheUser() {
        UserAccount erin = user("erin@acme.test", "user", "risk");
        var key = io.tollgate.storage.Keys.user(erin.tenantId(), erin.username());
        var encryptor = bed.services.encryptor();
        String legacy = encryptor.encryptToBase64("erin@acme.test",
                new io.tollgate.crypto.EncryptionContext(erin.tenantId(), io.tollgate.user.EmailProtection.PURPOSE));
        Testbed.dynamoDb().updateItem(r -> r.tableName(Testbed.TABLES.identity()).key(key)
                .updateExpression("SET email_enc = :ct")
                .expressionAttributeValues(Map.of(":ct", io.tollgate.storage.Attributes.s(legacy))));

        assertEquals(204, call(sample("admin-user-unlock.json", tenantAdmin, Map.of("id", erin.userId()))).getStatusCode());

        String stored = Testbed.dynamoDb().getItem(r -> r.tableName(Testbed.TABLES.identity()).key(key).consistentRead(true))
                .item().get("email_enc").s();
        assertNotEquals(legacy, stored, "written again with the item's next write");
        assertEquals("erin@acme.test", encryptor.decryptFromBase64(stored, new io.tollgate.crypto.EncryptionContext(
                erin.tenantId(), io.tollgate.user.EmailProtection.PURPOSE, erin.userId())));
    }

    @Test
    void createTenantWhenSuperAdminSampleThenTenantWithFirstTenantAdmin() throws Exception {
        UserAccount root = user("root@acme.test", "super_admin", null);
        APIGatewayV2HTTPEvent event = sample("admin-tenant-create.json", root, Map.of());
        String id = "g-" + UUID.randomUUID().toString().substring(0, 8);
        ObjectNode body = (ObjectNode) Json.mapper().readTree(event.getBody());
        body.put("id", id);
        event.setBody(body.toString());
        APIGatewayV2HTTPResponse response = call(event);
        assertEquals(201, response.getStatusCode(), response.getBody());
        assertEquals(List.of("tenant_admin"), directory.findByUsername(id, "hank@globex.test").orElseThrow().roles());
        assertEquals("PT30M", json(response).get("settings").get("sessions").get("idleTimeout").asText());
        assertEquals(409, call(event).getStatusCode(), "a tenant id is taken once");
    }

    @Test
    void listOrganizationsWhenTenantAdminSampleThenAllOfTheTenant() throws Exception {
        APIGatewayV2HTTPResponse response = call(sample("admin-organizations-list.json", tenantAdmin,
                Map.of("t", alice.tenantId())));
        assertEquals(200, response.getStatusCode(), response.getBody());
        List<String> ids = new java.util.ArrayList<>();
        json(response).get("organizations").forEach(o -> ids.add(o.get("id").asText()));
        assertEquals(List.of("audit", "risk"), ids);
    }

    @Test
    void settingsWhenTenantAdminSampleThenDocumentAndWhenAnotherTenantInPathThen403EvenIfAllowedUpstream()
            throws Exception {
        APIGatewayV2HTTPResponse own = call(sample("admin-tenant-settings-get.json", tenantAdmin,
                Map.of("t", alice.tenantId())));
        assertEquals(200, own.getStatusCode(), own.getBody());
        assertEquals(1000, json(own).get("rateLimitPerMinute").asInt());
        UserAccount other = new Testbed().newTenant();
        APIGatewayV2HTTPResponse foreign = call(sample("admin-tenant-settings-get.json", tenantAdmin,
                Map.of("t", other.tenantId())));
        assertEquals(403, foreign.getStatusCode(), "the service decides again; a lax authorizer cannot leak settings");
        assertEquals("denied", bed.audit.ofType("data_query").get(1).result());
    }

    @Test
    void replaceSettingsWhenSiemWebhookIsLoopbackLinkLocalOrPrivateThen400AndNothingChanged() throws Exception {
        APIGatewayV2HTTPResponse current = call(sample("admin-tenant-settings-get.json", tenantAdmin,
                Map.of("t", alice.tenantId())));
        JsonNode before = json(current);
        for (String url : List.of("http://127.0.0.1:8080/hook", "http://localhost/hook?token=s3cret")) {
            com.fasterxml.jackson.databind.node.ObjectNode document = before.deepCopy();
            ((com.fasterxml.jackson.databind.node.ObjectNode) document.get("alerting")).put("siemWebhookUrl", url);
            APIGatewayV2HTTPEvent put = sample("admin-tenant-settings-get.json", tenantAdmin, Map.of("t", alice.tenantId()));
            put.setRouteKey("PUT /v1/tenants/{t}/settings");
            put.getRequestContext().setRouteKey("PUT /v1/tenants/{t}/settings");
            put.getRequestContext().getHttp().setMethod("PUT");
            put.setHeaders(new HashMap<>(Map.of("content-type", "application/json")));
            put.setBody(Json.mapper().writeValueAsString(document));
            APIGatewayV2HTTPResponse refused = call(put);
            assertEquals(400, refused.getStatusCode(), url + " " + refused.getBody());
            assertTrue(refused.getHeaders().get("Content-Type").startsWith("application/problem+json"));
            assertEquals("alerting.siemWebhookUrl", json(refused).get("errors").get(0).get("field").asText());
            assertFalse(refused.getBody().contains("s3cret"), "the answer does not echo the URL");
        }
        assertEquals(before, json(call(sample("admin-tenant-settings-get.json", tenantAdmin,
                Map.of("t", alice.tenantId())))), "nothing changed");
    }

    @Test
    void anyRouteWhenAuthorizerRefusedThenProblemAndNothingDone() {
        APIGatewayV2HTTPEvent event = sample("admin-user-roles.json", tenantAdmin, Map.of("id", alice.userId()));
        Map<String, Object> context = new HashMap<>(event.getRequestContext().getAuthorizer().getLambda());
        context.put("decision", "forbidden");
        event.getRequestContext().getAuthorizer().setLambda(context);
        assertEquals(403, call(event).getStatusCode());
        assertEquals(List.of("user"), directory.findByUsername(alice.tenantId(), "alice@acme.test").orElseThrow().roles());
        assertTrue(bed.audit.events().isEmpty());
    }

    @Test
    void readUserConsentsWhenTenantAdminThenStateAndWhenOrgAdminOfAnotherOrgThenRefused() throws Exception {
        APIGatewayV2HTTPResponse read = call(sample("admin-user-consents.json", tenantAdmin, Map.of("id", alice.userId())));
        assertEquals(200, read.getStatusCode(), read.getBody());
        assertEquals(alice.userId(), Json.mapper().readTree(read.getBody()).get("user_id").asText());
        assertEquals(0, Json.mapper().readTree(read.getBody()).get("consents").size(), "the tenant declares no purpose");
        assertEquals("data_query", bed.audit.events().getLast().eventType());

        UserAccount auditor = user("otto@acme.test", "org_admin", "audit");
        APIGatewayV2HTTPResponse refused = call(sample("admin-user-consents.json", auditor, Map.of("id", alice.userId())));
        assertTrue(refused.getStatusCode() == 403 || refused.getStatusCode() == 404, refused.getBody());
    }

    @Test
    void openIncidentWhenTenantAdminSendsSampleThenCreatedWithDeadlineAndLinkedBreachEvent() throws Exception {
        APIGatewayV2HTTPResponse response = call(sample("admin-incident-open.json", tenantAdmin, Map.of()));

        assertEquals(201, response.getStatusCode(), response.getBody());
        JsonNode incident = json(response);
        assertEquals("2026-11-25T08:00:00Z", incident.get("notification_due_at").asText(), "detected_at + 72 h");
        assertEquals(tenantAdmin.tenantId(), incident.get("affected_tenants").get(0).asText());
        var breaches = bed.audit.ofType("data_breach");
        assertEquals(1, breaches.size());
        assertEquals(incident.get("id").asText(), breaches.get(0).additionalData().get("incident_id"));
    }
}
