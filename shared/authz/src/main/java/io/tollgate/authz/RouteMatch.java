package io.tollgate.authz;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A request matched to its declared {@link Route}, with the path parameters taken from the raw
 * path (validated: unreserved characters only, see {@link RouteCatalog}).
 */
public record RouteMatch(Route route, Map<String, String> pathParameters) {

    public RouteMatch {
        Objects.requireNonNull(route, "route");
        pathParameters = Map.copyOf(pathParameters);
    }

    /**
     * The resource this request acts on for {@code principal}: the tenant from the path or the
     * principal's token, organization and user from the path where the route declares them.
     */
    public ResourceRef target(Principal principal) {
        Route.TargetRule rule = route.target();
        return switch (rule.tenant()) {
            case NONE -> ResourceRef.global();
            case TOKEN, PATH -> new ResourceRef(
                    Optional.of(rule.tenant() == Route.TargetRule.TenantSource.PATH
                            ? pathParameters.get(rule.tenantParam().orElseThrow()) : principal.tenant()),
                    rule.orgParam().map(pathParameters::get),
                    rule.userParam().map(pathParameters::get),
                    Optional.empty());
        };
    }

    /**
     * The authorization decision for {@code principal} on this route: public and self-service
     * routes need no permission; permission routes ask {@code policy} about {@link #target}.
     */
    public Decision decide(AccessPolicy policy, Principal principal) {
        return switch (route.access()) {
            case PUBLIC, SELF -> Decision.allow(Decision.Reason.ALLOWED_NO_PERMISSION_NEEDED, Optional.empty());
            case PERMISSION -> policy.decide(principal, route.permission().orElseThrow(), target(principal));
        };
    }
}
