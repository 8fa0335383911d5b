package io.tollgate.authz;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The {@link AccessPolicy} each tenant decides with: the role profile the tenant chose when it was
 * created (seed 000's five roles, {@code default}, or seed 001's {@code admin}/{@code analyst}/
 * {@code user}, {@code simple}; ADR 0039). A principal's roles are read in its own tenant's profile.
 *
 * <p>A tenant's profile never changes after creation, so the tenant-to-profile answer is cached
 * for the life of the container without staleness (bounded: the cache is dropped past
 * {@value #MAX_TENANTS} tenants). A tenant that does not exist reads as {@code default}; nothing
 * valid can name it anyway.
 */
public final class TenantPolicies {

    /** The profile of tenants that chose none. */
    public static final String DEFAULT_PROFILE = "default";
    static final int MAX_TENANTS = 10_000;

    private final Map<String, AccessPolicy> profiles;
    private final Function<String, Optional<String>> profileOfTenant;
    private final Map<String, AccessPolicy> byTenant = new ConcurrentHashMap<>();

    /**
     * @param profiles        the policies by profile name; must contain {@value #DEFAULT_PROFILE}
     * @param profileOfTenant reads a tenant's chosen profile (empty: tenant unknown or none chosen)
     */
    public TenantPolicies(Map<String, AccessPolicy> profiles, Function<String, Optional<String>> profileOfTenant) {
        this.profiles = Map.copyOf(profiles);
        this.profileOfTenant = Objects.requireNonNull(profileOfTenant, "profileOfTenant");
        if (!this.profiles.containsKey(DEFAULT_PROFILE)) {
            throw new IllegalArgumentException("The profiles need a " + DEFAULT_PROFILE + " profile");
        }
    }

    /** Every bundled profile, with {@code profileOfTenant} telling which one a tenant uses. */
    public static TenantPolicies bundled(Function<String, Optional<String>> profileOfTenant) {
        return new TenantPolicies(AccessPolicy.bundled(), profileOfTenant);
    }

    /** One policy for every tenant (tests, benchmarks). */
    public static TenantPolicies single(AccessPolicy policy) {
        return new TenantPolicies(Map.of(DEFAULT_PROFILE, policy), tenant -> Optional.empty());
    }

    /** The policy of {@code tenantId}'s profile. */
    public AccessPolicy forTenant(String tenantId) {
        AccessPolicy cached = byTenant.get(tenantId);
        if (cached != null) {
            return cached;
        }
        String name = profileOfTenant.apply(tenantId).orElse(DEFAULT_PROFILE);
        AccessPolicy policy = profiles.get(name);
        if (policy == null) {
            throw new IllegalStateException("Tenant " + tenantId + " names an unknown role profile " + name);
        }
        if (byTenant.size() >= MAX_TENANTS) {
            byTenant.clear();
        }
        byTenant.put(tenantId, policy);
        return policy;
    }

    /** The policy named {@code profile}, if bundled. */
    public Optional<AccessPolicy> profile(String profile) {
        return Optional.ofNullable(profiles.get(profile));
    }
}
