package io.tollgate.authz;

import java.util.Objects;
import java.util.Optional;

/**
 * What a request acts on, as far as scope checks need: its tenant, organization, owner and whether
 * it is assigned to the principal. Derived from the route path and the principal's token
 * ({@link RouteCatalog}), never from the request body.
 *
 * <p>An empty {@code tenant} means a global resource (e.g. the tenant collection). An empty
 * {@code org}, {@code ownerUserId} or {@code assigned} means "not known here": the authorizer sees
 * only the path, so {@code GET /v1/users/{id}} knows the user but not its organization. A grant
 * whose scope depends on an unknown attribute yields an allow <em>with constraints</em>
 * ({@link Decision#constraints()}) that the service must enforce once it has loaded the resource
 * or when it builds its query.
 */
public record ResourceRef(Optional<String> tenant, Optional<String> org, Optional<String> ownerUserId,
        Optional<Boolean> assigned) {

    public ResourceRef {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(org, "org");
        Objects.requireNonNull(ownerUserId, "ownerUserId");
        Objects.requireNonNull(assigned, "assigned");
        if (tenant.isEmpty() && (org.isPresent() || ownerUserId.isPresent())) {
            throw new IllegalArgumentException("A global resource has no organization or owner");
        }
    }

    /** A resource outside every tenant (tenants themselves, the system). */
    public static ResourceRef global() {
        return new ResourceRef(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** Something in {@code tenant}, organization and owner unknown. */
    public static ResourceRef inTenant(String tenant) {
        return new ResourceRef(Optional.of(tenant), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** A copy with a known organization. */
    public ResourceRef withOrg(String org) {
        return new ResourceRef(tenant, Optional.of(org), ownerUserId, assigned);
    }

    /** A copy with a known owner. */
    public ResourceRef withOwner(String userId) {
        return new ResourceRef(tenant, org, Optional.of(userId), assigned);
    }

    /** A copy with known assignment to the principal. */
    public ResourceRef withAssigned(boolean isAssigned) {
        return new ResourceRef(tenant, org, ownerUserId, Optional.of(isAssigned));
    }
}
