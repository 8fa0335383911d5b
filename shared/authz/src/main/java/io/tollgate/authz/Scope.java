package io.tollgate.authz;

import java.util.Arrays;
import java.util.Optional;

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
     * The principal's own thing: for a {@code tenant} resource the principal's tenant, for an
     * {@code organization} resource the principal's organization, for anything else a resource
     * whose owner is the principal (in the principal's tenant).
     */
    OWN("own"),
    /** A resource in the principal's tenant that is assigned to the principal (seed 000 "assigned_companies"). */
    ASSIGNED("assigned");

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
