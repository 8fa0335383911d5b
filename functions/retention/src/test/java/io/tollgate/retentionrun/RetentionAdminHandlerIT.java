package io.tollgate.retentionrun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.audit.testing.AuditTestbed;
import io.tollgate.json.Json;
import io.tollgate.password.CommonPasswords;
import io.tollgate.retention.RetentionServices;
import io.tollgate.retention.TenantRetention;
import io.tollgate.testing.SampleEvents;
import io.tollgate.testing.Testbed;
import io.tollgate.user.UserAccount;
import io.tollgate.user.UserDirectory;
import io.tollgate.user.UserProvisioning;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Retention overrides and legal holds through their sample events, against DynamoDB Local. */
class RetentionAdminHandlerIT {

    private final AuditTestbed bed = new AuditTestbed();
    private final Testbed testbed = bed.testbed;
    private final RetentionServices retention = RetentionServices.of(bed.audit, 100, 10_000);
    private final RetentionAdminHandler handler = new RetentionAdminHandler(retention.administration());
    private UserAccount alice;
    private UserAccount tenantAdmin;

    @BeforeEach
    void setUp() {
        alice = testbed.newTenant();
        UserDirectory directory = testbed.services.userDirectory();
        UserProvisioning provisioning = new UserProvisioning(directory, testbed.services.passwordHasher(),
                CommonPasswords.load(), testbed.services.audit(), testbed.clock);
        provisioning.createUser(directory.tenant(alice.tenantId()).orElseThrow(), new UserProvisioning.NewUserRequest(
                "tina@acme.test", "tina@acme.test", Testbed.PASSWORD, List.of("tenant_admin"), null),
                UserProvisioning.Requester.system(alice.tenantId()));
        tenantAdmin = directory.findByUsername(alice.tenantId(), "tina@acme.test").orElseThrow();
        testbed.audit.clear();
    }

    private static APIGatewayV2HTTPEvent sample(String file, UserAccount caller, Map<String, String> path) {
        APIGatewayV2HTTPEvent event = SampleEvents.asCaller(
                EventLoader.loadApiGatewayHttpEvent("../../events/" + file), caller);
        event.setPathParameters(path);
        return event;
    }

    private static JsonNode json(APIGatewayV2HTTPResponse response) throws Exception {
        return Json.mapper().readTree(response.getBody());
    }

    private static JsonNode classOf(JsonNode view, String id) {
        for (JsonNode line : view.get("classes")) {
            if (id.equals(line.get("id").asText())) {
                return line;
            }
        }
        throw new AssertionError("no class " + id);
    }

    @Test
    void replaceOverridesWhenLongerThenStoredShownAndAudited() throws Exception {
        APIGatewayV2HTTPResponse put = handler.handleRequest(sample("retention-settings-put.json", tenantAdmin,
                Map.of("t", alice.tenantId())), null);
        assertEquals(200, put.getStatusCode(), put.getBody());
        assertEquals(180, classOf(json(put), "api_logs").get("days").asInt());
        APIGatewayV2HTTPResponse get = handler.handleRequest(sample("retention-settings-get.json", tenantAdmin,
                Map.of("t", alice.tenantId())), null);
        assertEquals(200, get.getStatusCode(), get.getBody());
        JsonNode apiLogs = classOf(json(get), "api_logs");
        assertEquals(180, apiLogs.get("days").asInt());
        assertEquals(90, apiLogs.get("default_days").asInt());
        assertTrue(apiLogs.get("overridden").asBoolean());
        assertEquals(Map.of("api_logs", 180), retention.settings().read(alice.tenantId()).overrides());
        assertEquals("success", testbed.audit.ofType("retention_changed").get(0).result());
    }

    @Test
    void replaceOverridesWhenBelowLegalMinimumThen400NamingTheFieldAndNothingWritten() throws Exception {
        APIGatewayV2HTTPEvent event = sample("retention-settings-put.json", tenantAdmin, Map.of("t", alice.tenantId()));
        event.setBody("{\"overrides\":{\"api_logs\":180,\"security_events\":365}}");
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);
        assertEquals(400, response.getStatusCode(), response.getBody());
        assertEquals("validation_failed", json(response).get("code").asText());
        assertTrue(response.getBody().contains("overrides.security_events"), response.getBody());
        assertEquals(Map.of(), retention.settings().read(alice.tenantId()).overrides(), "nothing written");
        assertEquals("failure", testbed.audit.ofType("retention_changed").get(0).result());
    }

    @Test
    void placeHoldWhenTenantThenHeldUntilReleased() {
        APIGatewayV2HTTPResponse put = handler.handleRequest(sample("legal-hold-put.json", tenantAdmin,
                Map.of("t", alice.tenantId(), "hold", "tenant")), null);
        assertEquals(204, put.getStatusCode(), put.getBody());
        assertTrue(retention.settings().read(alice.tenantId()).tenantHold());
        APIGatewayV2HTTPResponse delete = handler.handleRequest(sample("legal-hold-delete.json", tenantAdmin,
                Map.of("t", alice.tenantId(), "hold", "tenant")), null);
        assertEquals(204, delete.getStatusCode(), delete.getBody());
        assertFalse(retention.settings().read(alice.tenantId()).tenantHold());
        assertEquals(List.of("place", "release"), testbed.audit.ofType("legal_hold_changed").stream()
                .map(e -> e.action()).toList());
    }

    @Test
    void placeHoldWhenUserOfTheTenantThenHeldAndWhenUnknownUserThen404() {
        APIGatewayV2HTTPResponse put = handler.handleRequest(sample("legal-hold-put.json", tenantAdmin,
                Map.of("t", alice.tenantId(), "hold", alice.userId())), null);
        assertEquals(204, put.getStatusCode(), put.getBody());
        TenantRetention read = retention.settings().read(alice.tenantId());
        assertEquals(Set.of(alice.userId()), read.heldUsers());
        assertFalse(read.tenantHold());
        APIGatewayV2HTTPResponse unknown = handler.handleRequest(sample("legal-hold-put.json", tenantAdmin,
                Map.of("t", alice.tenantId(), "hold", "00000000-0000-4000-8000-000000000000")), null);
        assertEquals(404, unknown.getStatusCode());
    }

    @Test
    void placeHoldWhenNoReasonThen400AndNothingHeld() {
        APIGatewayV2HTTPEvent event = sample("legal-hold-put.json", tenantAdmin, Map.of("t", alice.tenantId(), "hold", "tenant"));
        event.setBody("{\"reason\":\"  \"}");
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);
        assertEquals(400, response.getStatusCode());
        assertTrue(response.getBody().contains("reason"));
        assertFalse(retention.settings().read(alice.tenantId()).tenantHold());
    }

    @Test
    void anyRouteWhenPlainUserOrAnotherTenantThen403AndNothingWritten() {
        APIGatewayV2HTTPResponse user = handler.handleRequest(sample("legal-hold-put.json", alice,
                Map.of("t", alice.tenantId(), "hold", "tenant")), null);
        assertEquals(403, user.getStatusCode(), user.getBody());
        UserAccount other = testbed.newTenant();
        APIGatewayV2HTTPResponse foreign = handler.handleRequest(sample("retention-settings-put.json", tenantAdmin,
                Map.of("t", other.tenantId())), null);
        assertEquals(403, foreign.getStatusCode(), "the service decides again; a lax authorizer cannot reach another tenant");
        assertFalse(retention.settings().read(alice.tenantId()).tenantHold());
        assertEquals(Map.of(), retention.settings().read(other.tenantId()).overrides());
    }
}
