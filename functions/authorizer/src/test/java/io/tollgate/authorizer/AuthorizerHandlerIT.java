package io.tollgate.authorizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.SimpleIAMPolicyResponse;
import io.tollgate.json.Json;
import io.tollgate.login.LoginCommand;
import io.tollgate.login.LoginResult;
import io.tollgate.login.LoginServices;
import io.tollgate.password.CommonPasswords;
import io.tollgate.testing.CountingDynamoDb;
import io.tollgate.testing.Testbed;
import io.tollgate.tenant.Tenant;
import io.tollgate.token.PublishedSigningKeys;
import io.tollgate.user.UserAccount;
import io.tollgate.user.UserDirectory;
import io.tollgate.user.UserProvisioning;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The authorizer function through its sample event, against DynamoDB Local: tenant scope from the
 * token, RBAC on the route declaration, undeclared routes denied, and zero AWS calls per warm request.
 */
class AuthorizerHandlerIT {

    private Testbed bed;
    private UserAccount alice;
    private AuthorizerHandler handler;

    @BeforeEach
    void setUp() {
        bed = new Testbed();
        alice = bed.newTenant();
        new PublishedSigningKeys(Testbed.dynamoDb(), Testbed.TABLES)
                .publish(bed.services.signingKeys().signingKeys(), "v1", bed.clock.instant());
        handler = new AuthorizerHandler(bed.services);
    }

    private String tokenOf(String tenant, String username) {
        LoginResult result = LoginServices.create(bed.services).login(new LoginCommand(tenant, username,
                Testbed.PASSWORD, "203.0.113.10", "test"));
        return ((LoginResult.Authenticated) result).tokens().accessToken();
    }

    private String tenantAdmin() {
        UserProvisioning provisioning = new UserProvisioning(bed.services.userDirectory(),
                bed.services.passwordHasher(), CommonPasswords.load(), bed.services.audit(), bed.clock);
        Tenant tenant = new UserDirectory(Testbed.dynamoDb(), Testbed.TABLES).tenant(alice.tenantId()).orElseThrow();
        provisioning.createUser(tenant, new UserProvisioning.NewUserRequest("admin@acme.test", null, Testbed.PASSWORD,
                List.of("tenant_admin"), null), UserProvisioning.Requester.system(alice.tenantId()));
        return tokenOf(alice.tenantId(), "admin@acme.test");
    }

    private static APIGatewayV2CustomAuthorizerEvent sample(String bearer, String tenantInPath) throws Exception {
        APIGatewayV2CustomAuthorizerEvent event = Json.mapper().copy()
                .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .readValue(Files.readString(Path.of("../../events/authorizer-request.json")),
                        APIGatewayV2CustomAuthorizerEvent.class);
        Map<String, String> headers = new HashMap<>(event.getHeaders());
        headers.put("authorization", "Bearer " + bearer);
        event.setHeaders(headers);
        String path = "/v1/tenants/" + tenantInPath + "/organizations";
        event.setRawPath(path);
        event.getRequestContext().getHttp().setPath(path);
        return event;
    }

    @Test
    void authorizeWhenTenantAdminOnOwnTenantThenAllowedWithPrincipalContext() throws Exception {
        SimpleIAMPolicyResponse answer = handler.handleRequest(sample(tenantAdmin(), alice.tenantId()), null);
        assertTrue(answer.getIsAuthorized());
        assertEquals("allow", answer.getContext().get("decision"));
        assertEquals(alice.tenantId(), answer.getContext().get("tenant"));
        assertEquals("tenant_admin", answer.getContext().get("roles"));
    }

    @Test
    void authorizeWhenTenantAdminOnAnotherTenantThenForbidden() throws Exception {
        SimpleIAMPolicyResponse answer = handler.handleRequest(sample(tenantAdmin(), "other-tenant"), null);
        assertTrue(answer.getIsAuthorized(), "refusals are passed on to be answered as problem+json");
        assertEquals("forbidden", answer.getContext().get("decision"));
        assertFalse(answer.getContext().containsKey("sub"), "a refusal carries no principal");
    }

    @Test
    void authorizeWhenDecidedThenOneDecisionMetricPerRequestWithVerdictAndLatency() throws Exception {
        String admin = tenantAdmin();
        handler.handleRequest(sample(admin, alice.tenantId()), null);
        handler.handleRequest(sample(admin, "other-tenant"), null);

        var decisions = bed.metrics.of(AuthorizerHandler.DECISIONS_METRIC);
        assertEquals(List.of(Map.of("Verdict", "ALLOW"), Map.of("Verdict", "FORBIDDEN")),
                decisions.stream().map(r -> r.dimensions()).toList());
        assertTrue(decisions.stream().allMatch(r -> r.values().get(AuthorizerHandler.LATENCY_METRIC).value() >= 0));
        assertTrue(bed.metrics.recorded().stream().flatMap(r -> r.dimensions().values().stream())
                .noneMatch(value -> value.startsWith("eyJ")), "no token in any metric");
    }

    @Test
    void authorizeWhenPlainUserOnOrganizationsThenForbidden() throws Exception {
        SimpleIAMPolicyResponse answer = handler.handleRequest(
                sample(tokenOf(alice.tenantId(), "alice@acme.test"), alice.tenantId()), null);
        assertEquals("forbidden", answer.getContext().get("decision"));
    }

    @Test
    void authorizeWhenUndeclaredRouteThenDenied() throws Exception {
        APIGatewayV2CustomAuthorizerEvent event = sample(tokenOf(alice.tenantId(), "alice@acme.test"), alice.tenantId());
        event.setRawPath("/v1/secret/admin");
        event.getRequestContext().getHttp().setPath("/v1/secret/admin");
        assertFalse(handler.handleRequest(event, null).getIsAuthorized());
    }

    @Test
    void authorizeWhenWarmThenNoAwsCallPerRequest() throws Exception {
        String token = tenantAdmin();
        APIGatewayV2CustomAuthorizerEvent event = sample(token, alice.tenantId());
        handler.handleRequest(event, null);
        AtomicInteger calls = new AtomicInteger();
        io.tollgate.platform.TollgateServices counted = io.tollgate.platform.TollgateServices.builder()
                .config(bed.services.config()).clock(bed.clock).signingKeys(bed.services.signingKeys())
                .dynamoDb(CountingDynamoDb.wrap(Testbed.dynamoDb(), calls)).build();
        AuthorizerHandler warm = new AuthorizerHandler(counted);
        warm.handleRequest(event, null);
        int afterFirst = calls.get();
        for (int i = 0; i < 40; i++) {
            assertEquals("allow", warm.handleRequest(event, null).getContext().get("decision"));
        }
        assertEquals(afterFirst, calls.get(), "40 warm requests made no DynamoDB call");
    }

    @Test
    void primeWhenSnapshotTakenThenRequestPathRunsWithoutAnyAwsCall() {
        AtomicInteger calls = new AtomicInteger();
        io.tollgate.platform.TollgateServices counted = io.tollgate.platform.TollgateServices.builder()
                .config(bed.services.config()).clock(bed.clock).signingKeys(bed.services.signingKeys())
                .dynamoDb(CountingDynamoDb.wrap(Testbed.dynamoDb(), calls)).build();
        assertEquals(2_000, new AuthorizerHandler(counted).priming.prime());
        assertEquals(0, calls.get());
    }

    @Test
    void authorizeWhenRouteNamesAnotherAudienceThenTokenInvalidBeforeAnyPermissionDecision() throws Exception {
        String apiUsers = tenantAdmin();
        assertEquals("allow", handler.handleRequest(sample(apiUsers, alice.tenantId()), null).getContext().get("decision"),
                "a valid token on a route naming no audience");
        LoginResult adminPanel = LoginServices.create(bed.services).login(new LoginCommand(alice.tenantId(),
                "admin@acme.test", Testbed.PASSWORD, "203.0.113.10", "test", java.util.Optional.of("admin-panel")));
        String adminPanelToken = ((LoginResult.Authenticated) adminPanel).tokens().accessToken();
        APIGatewayV2CustomAuthorizerEvent report = sample(apiUsers, alice.tenantId());
        String path = "/v1/compliance/report";
        report.setRawPath(path);
        report.getRequestContext().getHttp().setPath(path);
        report.getRequestContext().getHttp().setMethod("GET");

        assertEquals("token_invalid", handler.handleRequest(report, null).getContext().get("decision"),
                "an api-users token on an admin-panel route");
        report.getHeaders().put("authorization", "Bearer " + adminPanelToken);
        assertEquals("forbidden", handler.handleRequest(report, null).getContext().get("decision"),
                "the audience passes; tenant_admin holds no audit:read");
    }

    @Test
    void authorizeWhenSampleApiKeyEventWithUnknownKeyThenTokenInvalid() throws Exception {
        APIGatewayV2CustomAuthorizerEvent event = Json.mapper().copy()
                .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .readValue(Files.readString(Path.of("../../events/authorizer-request-api-key.json")),
                        APIGatewayV2CustomAuthorizerEvent.class);
        SimpleIAMPolicyResponse answer = handler.handleRequest(event, null);
        assertEquals("token_invalid", answer.getContext().get("decision"));
    }
}
