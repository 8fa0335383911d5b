package io.tollgate.authz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The checked-in role × route table ({@code docs/rbac-matrix.md}) is exactly what the role
 * profiles and the route catalog grant, so widening access (or narrowing it) cannot go unreviewed.
 * Regenerate after a deliberate change with {@code -Drbac.matrix.write=true} (see the table's header).
 */
class RbacMatrixTest {

    private static final Path TABLE = Path.of("../../docs/rbac-matrix.md");
    private static final RouteCatalog CATALOG = RouteCatalog.load();
    private static final Map<String, AccessPolicy> PROFILES = AccessPolicy.bundled();

    /**
     * The routes whose service decides again on the loaded resource with nothing unknown
     * ({@code UserAdministration}, {@code TenantAdministration.organizations}), and so may receive
     * an allow that leaves scope to check. Every other handler fails closed on one.
     */
    private static final Set<String> RECHECKED = Set.of("POST /v1/users", "GET /v1/users", "GET /v1/users/{id}",
            "PATCH /v1/users/{id}", "DELETE /v1/users/{id}", "PUT /v1/users/{id}/roles", "POST /v1/users/{id}/unlock",
            "GET /v1/tenants/{t}/organizations", "POST /v1/tenants/{t}/organizations");

    @Test
    void matrixWhenGeneratedThenEqualsCheckedInTable() throws IOException {
        String generated = RbacMatrix.markdown(CATALOG, PROFILES);
        if (Boolean.getBoolean("rbac.matrix.write")) {
            Files.writeString(TABLE, generated, StandardCharsets.UTF_8);
        }
        String checkedIn = Files.exists(TABLE) ? Files.readString(TABLE, StandardCharsets.UTF_8) : "";
        assertEquals(checkedIn, generated, "role-profiles.json or routes.json changes who may call what: review the "
                + "change and regenerate docs/rbac-matrix.md with -Drbac.matrix.write=true");
    }

    @Test
    void constrainedCellsWhenAnyThenOnlyOnRoutesWhoseServiceRedecides() {
        List<String> elsewhere = RbacMatrix.constrainedCells(CATALOG, PROFILES).stream()
                .filter(cell -> RECHECKED.stream().noneMatch(cell::endsWith)).toList();
        assertEquals(List.of(), elsewhere);
    }

    @Test
    void matrixWhenLeastPrivilegedRolesThenNoTenantAuditOrSystemRoute() {
        List<String> reached = new ArrayList<>();
        Map<String, List<String>> roles = Map.of("default", List.of("user", "org_member", "org_admin", "audit_writer"),
                "simple", List.of("user", "analyst"));
        roles.forEach((profile, names) -> names.forEach(role -> CATALOG.routes().stream()
                .filter(route -> route.path().startsWith("/v1/tenants") || route.path().startsWith("/v1/audit")
                        || route.path().startsWith("/v1/compliance"))
                .filter(route -> !route.path().endsWith("/organizations"))
                .filter(route -> !(role.equals("audit_writer") && route.key().equals("POST /v1/audit/events")))
                .forEach(route -> {
                    String cell = RbacMatrix.cell(CATALOG, PROFILES.get(profile), route, role);
                    if (!cell.equals("deny")) {
                        reached.add(profile + " " + role + " " + route.key() + ": " + cell);
                    }
                })));
        assertEquals(List.of(), reached);
    }

    @Test
    void cellWhenSimpleUserOnOwnProfileThenSelfOnly() {
        Route readUser = CATALOG.declared("GET", "/v1/users/{id}").orElseThrow();
        assertEquals("allow (self)", RbacMatrix.cell(CATALOG, PROFILES.get("simple"), readUser, "user"));
        assertTrue(RbacMatrix.cell(CATALOG, PROFILES.get("simple"), CATALOG.declared("PATCH", "/v1/users/{id}")
                .orElseThrow(), "user").equals("deny"), "its own profile changes through /v1/me only");
    }
}
