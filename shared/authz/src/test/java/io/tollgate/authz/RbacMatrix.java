package io.tollgate.authz;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The role × route matrix of the authorizer, computed from the bundled role profiles and route
 * catalog through the same code the authorizer runs ({@link RouteCatalog#match},
 * {@link RouteMatch#decide}), and written as the Markdown table checked in at
 * {@code docs/rbac-matrix.md}. {@code RbacMatrixTest} compares the two, so a change to
 * {@code role-profiles.json} or {@code routes.json} that changes any cell fails until the table
 * is regenerated (and reviewed).
 *
 * <p>Each permission route is asked for a principal of tenant {@code acme}, organisation
 * {@code risk}, user {@value #SELF}, with its path parameters filled in: a tenant parameter with
 * the own tenant and another tenant, a user parameter with the principal and another user.
 */
final class RbacMatrix {

    static final String SELF = "u-self";
    private static final String OWN_TENANT = "acme";

    private RbacMatrix() {
    }

    /** One filled-in request of a route: what the cell calls it, and the concrete path. */
    private record Instance(String name, String path) {
    }

    /** The request paths a route is asked with. */
    private static List<Instance> instances(Route route) {
        Route.TargetRule target = route.target();
        String path = route.path();
        for (String other : List.of("{hold}", "{id}")) {
            if (target.userParam().map(p -> !other.equals("{" + p + "}")).orElse(true)) {
                path = path.replace(other, "x-1");
            }
        }
        if (target.tenantParam().isPresent()) {
            String param = "{" + target.tenantParam().get() + "}";
            return List.of(new Instance("own tenant", path.replace(param, OWN_TENANT)),
                    new Instance("other tenant", path.replace(param, "globex")));
        }
        if (target.userParam().isPresent()) {
            String param = "{" + target.userParam().get() + "}";
            return List.of(new Instance("self", path.replace(param, SELF)),
                    new Instance("other user", path.replace(param, "u-other")));
        }
        return List.of(new Instance("", path));
    }

    /** The authorizer's decision for one request, in the table's words. */
    static String outcome(Decision decision) {
        if (!decision.allowed()) {
            return "deny";
        }
        if (decision.constraints().isEmpty()) {
            return "allow";
        }
        return "allow if " + decision.constraints().stream().map(Scope::label).sorted().collect(Collectors.joining("|"));
    }

    /** The cell of {@code role} (of {@code policy}'s profile) on {@code route}. */
    static String cell(RouteCatalog catalog, AccessPolicy policy, Route route, String role) {
        if (route.access() == Route.Access.PUBLIC) {
            return "public";
        }
        if (route.access() == Route.Access.SELF) {
            return "self";
        }
        Principal principal = new Principal(SELF, OWN_TENANT, Optional.of("risk"), List.of(role));
        Map<String, String> outcomes = new LinkedHashMap<>();
        for (Instance instance : instances(route)) {
            RouteMatch match = catalog.match(route.method(), instance.path())
                    .orElseThrow(() -> new IllegalStateException("no match for " + instance.path()));
            if (!match.route().equals(route)) {
                throw new IllegalStateException(instance.path() + " matched " + match.route().key());
            }
            outcomes.put(instance.name(), outcome(match.decide(policy, principal)));
        }
        List<String> distinct = outcomes.values().stream().distinct().toList();
        if (distinct.size() == 1) {
            return distinct.getFirst();
        }
        return outcomes.entrySet().stream().filter(e -> !e.getValue().equals("deny"))
                .map(e -> e.getValue() + " (" + e.getKey() + ")").collect(Collectors.joining(", "));
    }

    /** Every cell with an allow that leaves scope to the service: "profile role METHOD path". */
    static List<String> constrainedCells(RouteCatalog catalog, Map<String, AccessPolicy> profiles) {
        List<String> cells = new ArrayList<>();
        profiles.forEach((name, policy) -> policy.roles().stream().sorted().forEach(role -> catalog.routes()
                .forEach(route -> {
                    if (cell(catalog, policy, route, role).contains("allow if")) {
                        cells.add(name + " " + role + " " + route.key());
                    }
                })));
        return cells;
    }

    private static String credential(Route route) {
        if (route.access() == Route.Access.PUBLIC) {
            return "none";
        }
        boolean token = route.credential() == Route.Credential.BEARER;
        boolean apiKey = RequestAuthorizer.acceptsApiKey(route);
        return token && apiKey ? "token or API key" : apiKey ? "API key" : "token";
    }

    private static String audiences(Route route) {
        return route.audiences().isEmpty() ? "any" : route.audiences().stream().sorted().collect(Collectors.joining(", "));
    }

    /** The Markdown document. */
    static String markdown(RouteCatalog catalog, Map<String, AccessPolicy> profiles) {
        StringBuilder out = new StringBuilder();
        out.append("# RBAC matrix: every role of both profiles × every route\n\n");
        out.append("Generated from `shared/authz/src/main/resources/io/tollgate/authz/role-profiles.json` and\n")
                .append("`routes.json` by `RbacMatrix` through the authorizer's own decision code; `RbacMatrixTest`\n")
                .append("fails when this file differs from what the two files grant. Do not edit by hand: after a\n")
                .append("deliberate change, regenerate with\n\n")
                .append("    mvn -B -q -pl shared/authz -am test -Dtest=RbacMatrixTest -Dsurefire.failIfNoSpecifiedTests=false"
                        + " -Drbac.matrix.write=true\n\n")
                .append("and review the diff (ADR 0050).\n\n")
                .append("Cells: `public` (no credential), `self` (any signed-in principal, on its own account only),\n")
                .append("`allow`, `deny`, or `allow if <scope>` — the authorizer cannot see the attribute in the path\n")
                .append("and passes `scope_constraints`; the service re-decides on the loaded resource (users,\n")
                .append("organisations) or fails closed (403). A route with a tenant parameter is asked for the\n")
                .append("caller's own tenant and another tenant; one with a user parameter for the caller and\n")
                .append("another user; where the answers differ, the allowed ones are named in parentheses. The\n")
                .append("principal is in tenant `acme`, organisation `risk`. A data-subject request about someone\n")
                .append("else (`POST /v1/privacy/requests` with a `subject`) also needs `privacy:create` on that user,\n")
                .append("checked by the privacy service (ADR 0051).\n");
        for (Map.Entry<String, AccessPolicy> profile : profiles.entrySet()) {
            List<String> roles = profile.getValue().roles().stream()
                    .sorted((a, b) -> Integer.compare(profile.getValue().rank(b).orElseThrow(),
                            profile.getValue().rank(a).orElseThrow()))
                    .toList();
            out.append("\n## Profile `").append(profile.getKey()).append("`\n\n");
            out.append("| Route | Credential | Audiences | ").append(String.join(" | ", roles)).append(" |\n");
            out.append("|---|---|---|").append("---|".repeat(roles.size())).append('\n');
            for (Route route : catalog.routes()) {
                out.append("| `").append(route.key()).append("` | ").append(credential(route)).append(" | ")
                        .append(audiences(route));
                for (String role : roles) {
                    out.append(" | ").append(cell(catalog, profile.getValue(), route, role));
                }
                out.append(" |\n");
            }
        }
        return out.toString();
    }
}
