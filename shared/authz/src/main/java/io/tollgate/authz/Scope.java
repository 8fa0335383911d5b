package io.tollgate.authz;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * How far a scoped grant reaches, as in seed 000's {@code resource:action:scope} permissions
 * ({@code RBACEnforcement.PERMISSION_MATRIX}). A grant without a scope is global and only roles
 * marked {@code global} (super_admin) may hold one.
 */
public enum Scope {
    /** The resource is in the principal's tenant. */
    OWN_TENANT("own_tenant"),
    /** The resource is in the principal's tenant and organization. */
    OWN_ORG("own_org"),
    /**
     * The principal's own thing: for an {@code organization} resource the principal's
     * organization; for one of the {@link #OWNED_RESOURCES} a resource whose owner is the
     * principal (in the principal's tenant). Nothing else is anyone's own: tenant settings,
     * retention, legal holds, the audit trail and the system belong to the tenant or the platform,
     * so a grant with this scope must name {@code organization} or an owned resource (checked when
     * the role profiles are loaded; ADR 0050).
     */
    OWN("own"),
    /** A resource in the principal's tenant that is assigned to the principal (seed 000 "assigned_companies"). */
    ASSIGNED("assigned");

    /**
     * The resources a user owns (seed 001's "own data"): its profile ({@code user}), sessions,
     * MFA credentials, API keys and privacy requests.
     */
    public static final Set<String> OWNED_RESOURCES = Set.of("user", "session", "mfa", "api_key", "privacy");

    private final String label;

    Scope(String label) {
        this.label = label;
    }

    /** The name used in permission strings. */
    public String label() {
        return label;
    }

    /** The scope named {@code label}, if any. */
    public static Optional<Scope> fromLabel(String label) {
        return Arrays.stream(values()).filter(s -> s.label.equals(label)).findFirst();
    }
}
