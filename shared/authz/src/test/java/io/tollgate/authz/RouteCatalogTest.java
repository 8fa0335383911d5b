package io.tollgate.authz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class RouteCatalogTest {

    private static final RouteCatalog CATALOG = RouteCatalog.load();
    private final AccessPolicy policy = AccessPolicy.load("default");

    static Stream<Route> declaredRoutes() {
        return CATALOG.routes().stream();
    }

    /** The template with each {param} replaced by a concrete value. */
    private static String concrete(String template) {
        return template.replaceAll("\\{[a-zA-Z0-9]+}", "x-1");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("declaredRoutes")
    void matchWhenDeclaredRouteThenMatchesItself(Route route) {
        RouteMatch match = CATALOG.match(route.method(), concrete(route.path())).orElseThrow();
        assertEquals(route, match.route());
        long parameters = route.path().chars().filter(c -> c == '{').count();
        assertEquals(parameters, match.pathParameters().size());
    }

    @Test
    void routesWhenLoadedThenEverySpecRouteDeclaredOnce() {
        List<String> keys = CATALOG.routes().stream().map(Route::key).toList();
        assertEquals(keys.size(), Set.copyOf(keys).size(), "duplicate declarations");
        for (String key : List.of("POST /v1/auth/login", "POST /v1/auth/mfa/verify", "POST /v1/auth/mfa/email",
                "POST /v1/auth/token/refresh", "POST /v1/auth/logout", "POST /v1/auth/logout/all",
                "GET /.well-known/jwks.json", "GET /.well-known/openid-configuration", "GET /v1/me",
                "POST /v1/me/password", "POST /v1/me/mfa/totp", "POST /v1/me/mfa/totp/activate",
                "POST /v1/me/mfa/backup-codes", "DELETE /v1/me/mfa/totp", "GET /v1/me/sessions",
                "DELETE /v1/me/sessions/{id}", "POST /v1/me/api-keys", "GET /v1/me/api-keys",
                "DELETE /v1/me/api-keys/{id}", "POST /v1/tenants", "POST /v1/tenants/{t}/organizations",
                "GET /v1/tenants/{t}/organizations", "GET /v1/tenants/{t}/settings", "PUT /v1/tenants/{t}/settings",
                "GET /v1/tenants/{t}/retention", "PUT /v1/tenants/{t}/retention",
                "PUT /v1/tenants/{t}/legal-holds/{hold}", "DELETE /v1/tenants/{t}/legal-holds/{hold}",
                "POST /v1/users", "GET /v1/users", "GET /v1/users/{id}",
                "PATCH /v1/users/{id}", "DELETE /v1/users/{id}", "PUT /v1/users/{id}/roles",
                "POST /v1/users/{id}/unlock", "POST /v1/audit/events", "GET /v1/audit/events", "GET /v1/audit/verify",
                "GET /v1/compliance/report", "POST /v1/me/webauthn/registrations",
                "POST /v1/me/webauthn/registrations/finish", "GET /v1/me/webauthn/credentials",
                "DELETE /v1/me/webauthn/credentials/{id}", "POST /v1/auth/passkey/options",
                "POST /v1/auth/passkey/verify", "POST /v1/me/phone", "POST /v1/me/phone/verify",
                "POST /v1/auth/mfa/sms", "POST /v1/privacy/requests", "GET /v1/privacy/requests/{id}")) {
            assertTrue(keys.contains(key), "missing " + key);
        }
    }

    @Test
    void routesWhenPublicThenExactlyTheUnauthenticatedEndpoints() {
        Set<String> publicRoutes = CATALOG.routes().stream().filter(r -> r.access() == Route.Access.PUBLIC)
                .map(Route::key).collect(Collectors.toSet());
        assertEquals(Set.of("POST /v1/auth/login", "POST /v1/auth/mfa/verify", "POST /v1/auth/mfa/email",
                "POST /v1/auth/mfa/enrolment/totp", "POST /v1/auth/mfa/enrolment/totp/activate",
                "POST /v1/auth/mfa/sms", "POST /v1/auth/mfa/webauthn", "POST /v1/auth/token/refresh",
                "POST /v1/auth/logout", "POST /v1/auth/password/expired", "POST /v1/auth/password/set",
                "POST /v1/auth/passkey/options", "POST /v1/auth/passkey/verify", "GET /.well-known/jwks.json",
                "GET /.well-known/openid-configuration"), publicRoutes);
    }

    @Test
    void matchWhenUserRouteThenParameterExtractedAndPermissionDeclared() {
        RouteMatch match = CATALOG.match("GET", "/v1/users/u-42").orElseThrow();
        assertEquals(Map.of("id", "u-42"), match.pathParameters());
        assertEquals(Optional.of(Permission.required("user:read")), match.route().permission());
        Principal admin = new Principal("u-1", "acme", Optional.of("risk"), List.of("org_admin"));
        assertEquals(new ResourceRef(Optional.of("acme"), Optional.empty(), Optional.of("u-42"), Optional.empty()),
                match.target(admin));
    }

    @Test
    void matchWhenTenantRouteThenTenantFromPathNotToken() {
        RouteMatch match = CATALOG.match("POST", "/v1/tenants/globex/organizations").orElseThrow();
        Principal tenantAdmin = new Principal("u-1", "acme", Optional.empty(), List.of("tenant_admin"));
        assertEquals(Optional.of("globex"), match.target(tenantAdmin).tenant());
        assertEquals(Decision.Reason.DENIED_OUT_OF_SCOPE, match.decide(policy, tenantAdmin).reason());
        assertTrue(CATALOG.match("POST", "/v1/tenants/acme/organizations").orElseThrow()
                .decide(policy, tenantAdmin).allowed());
    }

    @Test
    void settingsRoutesWhenTenantAdminOfThatTenantThenAllowedAndOthersDenied() {
        Principal tenantAdmin = new Principal("u-1", "acme", Optional.empty(), List.of("tenant_admin"));
        Principal orgAdmin = new Principal("u-2", "acme", Optional.of("risk"), List.of("org_admin"));
        Principal superAdmin = new Principal("u-0", "ops", Optional.empty(), List.of("super_admin"));
        for (String method : List.of("GET", "PUT")) {
            RouteMatch own = CATALOG.match(method, "/v1/tenants/acme/settings").orElseThrow();
            RouteMatch other = CATALOG.match(method, "/v1/tenants/globex/settings").orElseThrow();
            assertEquals(method.equals("GET") ? "tenant:read" : "tenant:update",
                    own.route().permission().orElseThrow().toString());
            Decision allowed = own.decide(policy, tenantAdmin);
            assertEquals(Decision.Reason.ALLOWED_IN_SCOPE, allowed.reason(), method);
            assertTrue(allowed.constraints().isEmpty(), "tenant:*:own is decided completely from the path");
            assertEquals(Decision.Reason.DENIED_OUT_OF_SCOPE, other.decide(policy, tenantAdmin).reason(), method);
            assertEquals(Decision.Reason.DENIED_NOT_GRANTED, own.decide(policy, orgAdmin).reason(), method);
            assertEquals(Decision.Reason.ALLOWED_GLOBAL, other.decide(policy, superAdmin).reason(), method);
        }
    }

    @Test
    void matchWhenTenantCollectionThenGlobalTarget() {
        RouteMatch match = CATALOG.match("POST", "/v1/tenants").orElseThrow();
        Principal tenantAdmin = new Principal("u-1", "acme", Optional.empty(), List.of("tenant_admin"));
        assertEquals(ResourceRef.global(), match.target(tenantAdmin));
        assertFalse(match.decide(policy, tenantAdmin).allowed());
        assertTrue(match.decide(policy, new Principal("u-0", "ops", Optional.empty(), List.of("super_admin"))).allowed());
    }

    @Test
    void decideWhenPublicOrSelfRouteThenNoPermissionNeeded() {
        Principal nobody = new Principal("u-1", "acme", Optional.empty(), List.of());
        assertEquals(Decision.Reason.ALLOWED_NO_PERMISSION_NEEDED,
                CATALOG.match("GET", "/v1/me").orElseThrow().decide(policy, nobody).reason());
        assertEquals(Route.Credential.NONE, CATALOG.match("POST", "/v1/auth/login").orElseThrow().route().credential());
        assertEquals(Route.Credential.API_KEY, CATALOG.match("POST", "/v1/audit/events").orElseThrow().route().credential());
    }

    @ParameterizedTest
    @CsvSource({
        "GET, /v1/unknown", "GET, /v1/users/u-1/secrets", "POST, /v1/me", "HEAD, /v1/me", "OPTIONS, /v1/users",
        "get, /v1/me", "GET, /V1/me", "TRACE, /v1/me", "GET, /v1/me/", "GET, //v1/me", "GET, /v1//me", "GET, v1/me",
        "GET, /v1/users/..", "GET, /v1/users/.", "GET, /v1/users/%2e%2e", "GET, /v1/users/a%2Fb", "GET, /v1/me?x=1",
        "GET, /v1/users/u 1", "GET, /v1/users/é", "GET, /", "DELETE, /v1/users", "GET, /v1/users/{id}",
        "POST, /v1/tenants/acme/organizations/x"})
    void matchWhenUndeclaredOrNonCanonicalThenEmpty(String method, String path) {
        assertEquals(Optional.empty(), CATALOG.match(method, path));
    }

    @Test
    void matchWhenNullOrEmptyThenEmpty() {
        assertEquals(Optional.empty(), CATALOG.match(null, "/v1/me"));
        assertEquals(Optional.empty(), CATALOG.match("GET", null));
        assertEquals(Optional.empty(), CATALOG.match("GET", ""));
    }

    @Test
    void matchWhenParameterTooLongThenEmpty() {
        assertTrue(CATALOG.match("GET", "/v1/users/" + "a".repeat(128)).isPresent());
        assertEquals(Optional.empty(), CATALOG.match("GET", "/v1/users/" + "a".repeat(129)));
    }

    @Test
    void fromJsonWhenAmbiguousThenRefused() {
        String json = """
                {"source":"t","routes":[
                  {"method":"GET","path":"/v1/users/{id}","permission":"user:read","target":{"user":"{id}"}},
                  {"method":"GET","path":"/v1/users/me","self":true}]}""";
        assertThrows(IllegalArgumentException.class, () -> RouteCatalog.fromJson(json));
        assertThrows(IllegalArgumentException.class, () -> RouteCatalog.fromJson(json.replace("/v1/users/me", "/v1/users/{x}")));
        RouteCatalog.fromJson(json.replace("\"GET\",\"path\":\"/v1/users/me\"", "\"POST\",\"path\":\"/v1/users/me\""));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"method\":\"GET\",\"path\":\"/a\"}",
        "{\"method\":\"GET\",\"path\":\"/a\",\"public\":true,\"self\":true}",
        "{\"method\":\"GET\",\"path\":\"/a\",\"public\":true,\"credential\":\"bearer\"}",
        "{\"method\":\"GET\",\"path\":\"/a\",\"self\":true,\"credential\":\"cookie\"}",
        "{\"method\":\"GET\",\"path\":\"/a/{id}\",\"permission\":\"user:read\",\"target\":{\"user\":\"{uid}\"}}",
        "{\"method\":\"GET\",\"path\":\"/a\",\"permission\":\"user:*\"}",
        "{\"method\":\"GET\",\"path\":\"/a\",\"self\":true,\"target\":{\"tenant\":\"none\"}}",
        "{\"method\":\"FETCH\",\"path\":\"/a\",\"self\":true}",
        "{\"method\":\"GET\",\"path\":\"/a/\",\"self\":true}",
        "{\"method\":\"GET\",\"path\":\"/a/{id}/{id}\",\"self\":true}",
        "{\"method\":\"GET\",\"path\":\"/a\",\"self\":true,\"extra\":1}",
        "{\"method\":\"GET\",\"path\":\"/a\",\"self\":true,\"audiences\":[]}",
        "{\"method\":\"GET\",\"path\":\"/a\",\"self\":true,\"audiences\":[\"Admin Panel\"]}",
        "{\"method\":\"GET\",\"path\":\"/a\",\"self\":true,\"audiences\":[\"api-users\",\"api-users\"]}",
        "{\"method\":\"GET\",\"path\":\"/a\",\"public\":true,\"audiences\":[\"api-users\"]}",
        "{\"method\":\"POST\",\"path\":\"/a\",\"permission\":\"audit:create\",\"credential\":\"api_key\",\"audiences\":[\"api-users\"]}"})
    void fromJsonWhenDeclarationInvalidThenRefused(String route) {
        assertThrows(IllegalArgumentException.class,
                () -> RouteCatalog.fromJson("{\"source\":\"t\",\"routes\":[" + route + "]}"));
    }

    @Test
    void acceptsWhenRouteNamesAudiencesThenOnlyTokensOfThoseAndNoApiKey() {
        Route report = CATALOG.declared("GET", "/v1/compliance/report").orElseThrow();
        assertEquals(Set.of("admin-panel"), report.audiences());
        assertTrue(report.accepts("admin-panel"));
        assertFalse(report.accepts("api-users"));
        assertFalse(report.accepts(null), "an API key has no audience");
        Route settings = CATALOG.declared("GET", "/v1/tenants/{t}/settings").orElseThrow();
        assertEquals(Set.of(), settings.audiences());
        assertTrue(settings.accepts("api-users") && settings.accepts("admin-panel") && settings.accepts(null),
                "a route naming no audience accepts every credential the validator accepts");
    }

    @Test
    void fromJsonWhenAudiencesDeclaredThenKept() {
        Route route = RouteCatalog.fromJson("""
                {"source":"t","routes":[{"method":"GET","path":"/a","self":true,"audiences":["api-users","admin-panel"]}]}""")
                .routes().getFirst();
        assertEquals(Set.of("api-users", "admin-panel"), route.audiences());
        assertFalse(route.accepts("billing-api"));
    }

    @Test
    void routesWhenAnyPairThenNeverAmbiguous() {
        // fromJson refuses ambiguity; re-check pairwise on concrete paths so a matcher bug shows too.
        for (Route route : CATALOG.routes()) {
            String path = concrete(route.path());
            long matching = CATALOG.routes().stream().filter(r -> r.method().equals(route.method()))
                    .filter(r -> RouteCatalog.fromJson(singleRoute(r)).match(r.method(), path).isPresent()).count();
            assertEquals(1, matching, route.key());
        }
    }

    private static String singleRoute(Route route) {
        return "{\"source\":\"t\",\"routes\":[{\"method\":\"" + route.method() + "\",\"path\":\"" + route.path()
                + "\",\"self\":true}]}";
    }
}
