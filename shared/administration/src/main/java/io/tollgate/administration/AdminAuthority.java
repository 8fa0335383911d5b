package io.tollgate.administration;

import io.tollgate.authz.AccessPolicy;
import io.tollgate.authz.Decision;
import io.tollgate.authz.Permission;
import io.tollgate.authz.Principal;
import io.tollgate.authz.ResourceRef;
import io.tollgate.authz.TenantPolicies;
import io.tollgate.http.ErrorCode;
import io.tollgate.http.ProblemException;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The administration side of RBAC (ADR 0017). The authorizer decided on what the path shows; this
 * decides again on the loaded resource, with nothing left unknown, so {@code scope_constraints}
 * such as {@code own_org} are enforced by construction: an allow that still carries constraints
 * after the target's organisation and owner are known is a denial.
 *
 * <p>The caller's roles are the intersection of the token's (or API key's) roles and the roles
 * stored now: a demoted administrator loses the power at once, not when the token expires.
 *
 * <p>Roles are read in their tenant's role profile (ADR 0039): the caller's roles in the caller's
 * tenant's profile, a target user's roles in the target tenant's profile.
 */
public final class AdminAuthority {

    private final TenantPolicies policies;
    private final AdministrationRepository repository;

    /** One policy for every tenant. */
    public AdminAuthority(AccessPolicy policy, AdministrationRepository repository) {
        this(TenantPolicies.single(policy), repository);
    }

    public AdminAuthority(TenantPolicies policies, AdministrationRepository repository) {
        this.policies = Objects.requireNonNull(policies, "policies");
        this.repository = Objects.requireNonNull(repository, "repository");
    }

    /** The bundled profiles, each tenant's read from its tenant item. */
    public static AdminAuthority bundled(AdministrationRepository repository) {
        return new AdminAuthority(TenantPolicies.bundled(tenant -> repository.tenant(tenant)
                .map(io.tollgate.tenant.Tenant::roleProfile)), repository);
    }

    /** The policy of {@code tenantId}'s role profile. */
    public AccessPolicy policy(String tenantId) {
        return policies.forTenant(tenantId);
    }

    /** The bundled profile named {@code profile}, if there is one. */
    public Optional<AccessPolicy> profile(String profile) {
        return policies.profile(profile);
    }

    /**
     * The caller as stored now. 403 when its account is gone, disabled, or moved to another
     * organisation since the token was issued.
     */
    public Principal current(Caller caller) {
        Principal claimed = caller.principal();
        Optional<ManagedUser> stored = repository.findUser(claimed.tenant(), claimed.userId());
        if (stored.isEmpty() || stored.get().status() != io.tollgate.user.UserAccount.Status.ACTIVE
                || !stored.get().organizationId().equals(claimed.org())) {
            throw new ProblemException(ErrorCode.FORBIDDEN, "The caller may not do this.");
        }
        List<String> roles = claimed.roles().stream().filter(stored.get().roles()::contains).toList();
        return new Principal(claimed.userId(), claimed.tenant(), claimed.org(), roles);
    }

    /** The complete decision: allowed, and no scope left to check. */
    public boolean allows(Principal principal, Permission permission, ResourceRef target) {
        Decision decision = policy(principal.tenant()).decide(principal, permission, target);
        return decision.allowed() && decision.constraints().isEmpty();
    }

    /** The decision as the policy gives it (a listing applies remaining constraints per item). */
    public Decision decide(Principal principal, Permission permission, ResourceRef target) {
        return policy(principal.tenant()).decide(principal, permission, target);
    }

    /**
     * Whether {@code principal} may give {@code role} of {@code tenantId}'s profile to someone: the
     * role exists there, and its rank is not above the principal's highest (read in its own profile).
     */
    public boolean canGrant(Principal principal, String tenantId, String role) {
        return canGrant(principal, policy(tenantId), role);
    }

    /** {@link #canGrant(Principal, String, String)} for a tenant about to use {@code targetPolicy}. */
    public boolean canGrant(Principal principal, AccessPolicy targetPolicy, String role) {
        Optional<Integer> rank = targetPolicy.rank(role);
        return rank.isPresent() && rank.get() <= highestRank(principal.tenant(), principal.roles());
    }

    /** The highest rank among {@code roles} in {@code tenantId}'s profile (0 for none or unknown roles). */
    public int highestRank(String tenantId, Collection<String> roles) {
        AccessPolicy policy = policy(tenantId);
        return roles.stream().map(policy::rank).flatMap(Optional::stream).mapToInt(Integer::intValue).max().orElse(0);
    }

    /** The role names of {@code tenantId}'s profile. */
    public Set<String> roles(String tenantId) {
        return policy(tenantId).roles();
    }

    /** Where a stored user sits, with nothing unknown. */
    static ResourceRef target(ManagedUser user) {
        ResourceRef ref = ResourceRef.inTenant(user.tenantId()).withOwner(user.userId());
        return user.organizationId().map(ref::withOrg).orElse(ref);
    }
}
