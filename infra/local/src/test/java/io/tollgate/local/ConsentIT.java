package io.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.audit.AuditEvent;
import io.tollgate.json.Json;
import io.tollgate.platform.TollgateServices;
import io.tollgate.storage.Keys;
import io.tollgate.testing.RecordingAuditPublisher;
import io.tollgate.testing.TestClock;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Consent per purpose over the local runtime (ADR 0068): a tenant administrator declares the
 * purposes in the settings; the subject grants and withdraws in their own session; an administrator
 * reads the state within its scope and can change nothing; an API key, an unknown purpose and a
 * racing second grant change nothing; a changed purpose text makes earlier consent outdated;
 * every change is one audit event with the purpose and version only; the export carries the
 * records and erasure removes them.
 */
class ConsentIT {

    private static final String PASSWORD = "Velvet-Orbit-Quarry-82";
    private static final String SEED = """
            {"tenants":[
              {"id":"acme","name":"Acme Bank","organizations":[{"id":"risk","name":"Risk"},{"id":"ops","name":"Ops"}],
               "users":[
                {"username":"tina@acme.test","password":"%1$s","roles":["tenant_admin"]},
                {"username":"oscar@acme.test","password":"%1$s","roles":["org_admin"],"org":"ops"},
                {"username":"alice@acme.test","password":"%1$s","roles":["user"],"org":"risk"},
                {"username":"bob@acme.test","password":"%1$s","roles":["user"],"org":"risk"},
                {"username":"carl@acme.test","password":"%1$s","roles":["user"],"org":"risk"},
                {"username":"dina@acme.test","password":"%1$s","roles":["user"],"org":"risk"},
                {"username":"erin@acme.test","password":"%1$s","roles":["user"],"org":"risk"}]},
              {"id":"globex","name":"Globex Credit","organizations":[{"id":"ops","name":"Ops"}],
               "users":[
                {"username":"gabe@globex.test","password":"%1$s","roles":["tenant_admin"]}]}]}"""
            .formatted(PASSWORD);
    private static final String ANALYTICS = "Use of my sign-in activity for product analytics";

    @TempDir
    static Path temp;
    private static final RecordingAuditPublisher AUDIT = new RecordingAuditPublisher();
    private static final TestClock CLOCK = TestClock.startingNow();
    private static LocalRuntime runtime;
    private static LocalHttp http;

    @BeforeAll
    static void start() throws Exception {
        Path seed = temp.resolve("seed.json");
        Files.writeString(seed, SEED);
        runtime = LocalRuntime.start(new RuntimeOptions(0, Optional.empty(), Optional.of(seed), Optional.empty()),
                TollgateServices.builder().auditPublisher(AUDIT).clock(CLOCK));
        http = new LocalHttp(runtime.baseUri());
        HttpResponse<String> declared = declarePurposes("acme", ANALYTICS, "Product news by e-mail");
        assertEquals(200, declared.statusCode(), declared.body());
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    @Test
    void consentWhenSubjectGrantsAndWithdrawsThenStateAuditedWithPurposeAndVersionOnly() {
        String alice = token("acme", "alice@acme.test");
        String aliceId = userId("acme", "alice@acme.test");
        JsonNode listed = LocalHttp.json(call("GET", "/v1/me/consents", null, alice)).get("consents");
        assertEquals(List.of("analytics", "marketing"), ids(listed));
        assertEquals("not_given", listed.get(0).get("status").asText());
        assertFalse(listed.get(0).get("granted").asBoolean());

        HttpResponse<String> granted = call("PUT", "/v1/me/consents/analytics", "{\"granted\":true}", alice);
        assertEquals(200, granted.statusCode(), granted.body());
        assertEquals("granted", LocalHttp.json(granted).get("status").asText());
        assertEquals(1, LocalHttp.json(granted).get("consented_version").asInt());
        assertEquals(200, call("PUT", "/v1/me/consents/analytics", "{\"granted\":true}", alice).statusCode());
        List<AuditEvent> grants = audited("consent_granted", aliceId);
        assertEquals(1, grants.size(), "granting what is granted changes nothing");
        assertEquals(Map.of("purpose", "analytics", "version", 1), Map.copyOf(grants.getFirst().additionalData()));
        assertEquals("acme", grants.getFirst().tenantId());

        JsonNode state = LocalHttp.json(call("GET", "/v1/me/consents", null, alice)).get("consents");
        assertTrue(state.get(0).get("granted").asBoolean());
        assertEquals("not_given", state.get(1).get("status").asText());

        assertEquals(204, call("DELETE", "/v1/me/consents/analytics", null, alice).statusCode());
        assertEquals(204, call("DELETE", "/v1/me/consents/analytics", null, alice).statusCode());
        List<AuditEvent> withdrawals = audited("consent_withdrawn", aliceId);
        assertEquals(1, withdrawals.size(), "withdrawing what is not granted changes nothing");
        assertEquals(Map.of("purpose", "analytics", "version", 1), Map.copyOf(withdrawals.getFirst().additionalData()));
        JsonNode after = LocalHttp.json(call("GET", "/v1/me/consents", null, alice)).get("consents").get(0);
        assertEquals("withdrawn", after.get("status").asText());
        assertFalse(after.get("granted").asBoolean());
    }

    @Test
    void consentWhenPurposeUnknownOrBodyNotAGrantThenRefusedAndNothingWritten() {
        String bob = token("acme", "bob@acme.test");
        String bobId = userId("acme", "bob@acme.test");
        assertProblem(call("PUT", "/v1/me/consents/nope", "{\"granted\":true}", bob), 404, "not_found");
        assertProblem(call("DELETE", "/v1/me/consents/nope", null, bob), 404, "not_found");
        assertProblem(call("PUT", "/v1/me/consents/ANALYTICS", "{\"granted\":true}", bob), 404, "not_found");
        assertProblem(call("PUT", "/v1/me/consents/analytics", "{\"granted\":false}", bob), 400, "validation_failed");
        assertProblem(call("PUT", "/v1/me/consents/analytics", "{}", bob), 400, "validation_failed");
        assertProblem(call("PUT", "/v1/me/consents/analytics", "{\"granted\":true,\"version\":9}", bob), 400,
                "validation_failed");
        assertEquals(List.of(), consentItems("acme", bobId));
        assertEquals(List.of(), audited("consent_granted", bobId));
        assertEquals(List.of(), audited("consent_withdrawn", bobId));
    }

    @Test
    void consentWhenApiKeyOrAdministratorThenNobodyButTheSubjectSessionChangesIt() {
        String carl = token("acme", "carl@acme.test");
        String carlId = userId("acme", "carl@acme.test");
        HttpResponse<String> key = call("POST", "/v1/me/api-keys", "{\"name\":\"robot\"}", carl);
        assertEquals(201, key.statusCode(), key.body());
        String apiKey = LocalHttp.json(key).get("api_key").asText();
        HttpResponse<String> byKey = http.send("PUT", "/v1/me/consents/analytics", "{\"granted\":true}",
                Map.of("x-api-key", apiKey, "content-type", "application/json"));
        // The authorizer takes no API key on a self route but GET /v1/me; the service refuses one too (ConsentServiceTest).
        assertEquals(401, byKey.statusCode(), byKey.body());
        HttpResponse<String> byKeyWithdraw = http.send("DELETE", "/v1/me/consents/analytics", null,
                Map.of("x-api-key", apiKey));
        assertEquals(401, byKeyWithdraw.statusCode(), byKeyWithdraw.body());

        String tina = token("acme", "tina@acme.test");
        for (String method : List.of("PUT", "POST", "DELETE", "PATCH")) {
            HttpResponse<String> forged = call(method, "/v1/users/" + carlId + "/consents",
                    "PUT".equals(method) || "POST".equals(method) || "PATCH".equals(method) ? "{\"granted\":true}" : null,
                    tina);
            assertTrue(forged.statusCode() == 403 || forged.statusCode() == 404, method + " " + forged.statusCode());
        }
        HttpResponse<String> forgedPurpose = call("PUT", "/v1/users/" + carlId + "/consents/analytics",
                "{\"granted\":true}", tina);
        assertTrue(forgedPurpose.statusCode() == 403 || forgedPurpose.statusCode() == 404, forgedPurpose.body());
        assertEquals(List.of(), consentItems("acme", carlId));
        assertEquals(List.of(), audited("consent_granted", carlId));
    }

    @Test
    void readUserConsentsWhenAdministratorThenStateWithinScopeElseRefused() {
        String dina = token("acme", "dina@acme.test");
        String dinaId = userId("acme", "dina@acme.test");
        assertEquals(200, call("PUT", "/v1/me/consents/marketing", "{\"granted\":true}", dina).statusCode());

        HttpResponse<String> read = call("GET", "/v1/users/" + dinaId + "/consents", null, token("acme", "tina@acme.test"));
        assertEquals(200, read.statusCode(), read.body());
        assertEquals(dinaId, LocalHttp.json(read).get("user_id").asText());
        JsonNode marketing = LocalHttp.json(read).get("consents").get(1);
        assertEquals("marketing", marketing.get("purpose").asText());
        assertTrue(marketing.get("granted").asBoolean());

        // Not an administrator (the subject included: the admin route is not theirs), another tenant's admin.
        assertProblem(call("GET", "/v1/users/" + dinaId + "/consents", null, dina), 403, "forbidden");
        assertProblem(call("GET", "/v1/users/" + dinaId + "/consents", null, token("acme", "bob@acme.test")), 403,
                "forbidden");
        assertProblem(call("GET", "/v1/users/" + dinaId + "/consents", null, token("acme", "oscar@acme.test")), 403,
                "forbidden");
        HttpResponse<String> otherTenant = call("GET", "/v1/users/" + dinaId + "/consents", null,
                token("globex", "gabe@globex.test"));
        assertTrue(otherTenant.statusCode() == 403 || otherTenant.statusCode() == 404, otherTenant.body());
        assertFalse(otherTenant.body().contains("marketing"));
    }

    @Test
    void consentWhenPurposeTextChangesThenVersionBumpedAndEarlierGrantIsOutdated() {
        String erin = token("acme", "erin@acme.test");
        String erinId = userId("acme", "erin@acme.test");
        assertEquals(200, call("PUT", "/v1/me/consents/marketing", "{\"granted\":true}", erin).statusCode());
        // Another test may have changed the text already: read the version before.
        int before = purpose(LocalHttp.json(call("GET", "/v1/me/consents", null, erin)), "marketing").get("version").asInt();

        HttpResponse<String> changed = declarePurposes("acme", ANALYTICS, "Product news and offers by e-mail");
        assertEquals(200, changed.statusCode(), changed.body());
        JsonNode stored = LocalHttp.json(changed).get("consent").get("purposes");
        assertEquals(before + 1, stored.get(1).get("version").asInt(), stored.toString());
        assertEquals(1, stored.get(0).get("version").asInt(), "an unchanged text keeps its version");

        JsonNode state = purpose(LocalHttp.json(call("GET", "/v1/me/consents", null, erin)), "marketing");
        assertEquals("outdated", state.get("status").asText());
        assertFalse(state.get("granted").asBoolean());
        assertEquals(before, state.get("consented_version").asInt());

        assertEquals(200, call("PUT", "/v1/me/consents/marketing", "{\"granted\":true}", erin).statusCode());
        assertEquals(before + 1, audited("consent_granted", erinId).getLast().additionalData().get("version"));
        // Export carries the record; erasure removes it.
        HttpResponse<String> export = call("POST", "/v1/privacy/requests", "{\"type\":\"export\"}", erin);
        assertEquals(201, export.statusCode(), export.body());
        JsonNode exported = LocalHttp.json(export).get("data").get("consents");
        assertEquals("marketing", exported.get(0).get("purpose").asText());
        assertTrue(exported.get(0).get("granted").asBoolean());
        assertEquals(before + 1, exported.get(0).get("version").asInt());
        assertEquals(1, consentItems("acme", erinId).size());
        HttpResponse<String> erasure = call("POST", "/v1/privacy/requests", "{\"type\":\"erasure\"}", erin);
        assertEquals(201, erasure.statusCode(), erasure.body());
        assertEquals(List.of(), consentItems("acme", erinId), "consent records go with the account");
    }

    @Test
    void grantWhenEightRaceThenEveryAnswerIsGrantOrConflictAndOneChangeIsRecorded() throws Exception {
        String gabe = token("globex", "gabe@globex.test");
        assertEquals(200, declarePurposes("globex", ANALYTICS, "Product news by e-mail").statusCode());
        String gabeId = userId("globex", "gabe@globex.test");
        List<HttpResponse<String>> answers = LocalHttp.race(8,
                () -> call("PUT", "/v1/me/consents/analytics", "{\"granted\":true}", gabe));
        for (HttpResponse<String> answer : answers) {
            assertTrue(answer.statusCode() == 200 || answer.statusCode() == 409, answer.statusCode() + answer.body());
        }
        assertEquals(1, audited("consent_granted", gabeId).size(), "one write won");
        List<Map<String, AttributeValue>> items = consentItems("globex", gabeId);
        assertEquals(1, items.size());
        assertEquals("1", items.getFirst().get("revision").n());
    }

    // ------------------------------------------------------------------ helpers

    private static HttpResponse<String> declarePurposes(String tenant, String analytics, String marketing) {
        String admin = token(tenant, "acme".equals(tenant) ? "tina@acme.test" : "gabe@globex.test");
        ObjectNode settings = (ObjectNode) LocalHttp.json(call("GET", "/v1/tenants/" + tenant + "/settings", null, admin));
        ArrayNode purposes = Json.mapper().createArrayNode();
        purposes.addObject().put("id", "analytics").put("description", analytics).put("version", 1);
        purposes.addObject().put("id", "marketing").put("description", marketing).put("version", 1);
        settings.putObject("consent").set("purposes", purposes);
        return call("PUT", "/v1/tenants/" + tenant + "/settings", settings.toString(), admin);
    }

    private static JsonNode purpose(JsonNode listing, String id) {
        for (JsonNode node : listing.get("consents")) {
            if (node.get("purpose").asText().equals(id)) {
                return node;
            }
        }
        throw new AssertionError("no purpose " + id + " in " + listing);
    }

    private static List<String> ids(JsonNode consents) {
        List<String> out = new java.util.ArrayList<>();
        consents.forEach(c -> out.add(c.get("purpose").asText()));
        return out;
    }

    private static String token(String tenant, String username) {
        return http.accessToken(tenant, username, PASSWORD, null);
    }

    private static HttpResponse<String> call(String method, String path, String body, String token) {
        return http.bearer(token, method, path, body);
    }

    private static void assertProblem(HttpResponse<String> response, int status, String code) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(code, LocalHttp.json(response).get("code").asText(), response.body());
    }

    private static List<Map<String, AttributeValue>> consentItems(String tenant, String userId) {
        return runtime.dynamoDb().query(r -> r.tableName("IdentityTable").consistentRead(true)
                .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(Keys.userSessionsPartition(tenant, userId)),
                        ":prefix", AttributeValue.fromS(Keys.CONSENT_PREFIX)))).items();
    }

    private static String userId(String tenant, String username) {
        return runtime.dynamoDb().getItem(r -> r.tableName("IdentityTable")
                .key(Map.of("pk", AttributeValue.fromS("TENANT#" + tenant),
                        "sk", AttributeValue.fromS("USER#" + username)))).item().get("user_id").s();
    }

    private static List<AuditEvent> audited(String type, String userId) {
        return AUDIT.ofType(type).stream().filter(e -> userId.equals(e.userId())).toList();
    }

}
