package io.tollgate.authz;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The outcome of {@link AccessPolicy#decide}: allow or deny, why, and which grant decided.
 *
 * <p>An allow may carry {@link #constraints()}: scopes of which the target must satisfy at least
 * one, checked by the service once it knows what the authorizer could not (see
 * {@link ResourceRef}). An empty set means the decision is complete.
 */
public record Decision(boolean allowed, Reason reason, Optional<Permission> grant, Set<Scope> constraints) {

    /** Why; for audit events and metrics. */
    public enum Reason {
        /** A global grant (super_admin) covers the permission. */
        ALLOWED_GLOBAL,
        /** A scoped grant covers the permission and the target is in scope. */
        ALLOWED_IN_SCOPE,
        /** Scoped grants cover the permission; the service must check {@link #constraints()}. */
        ALLOWED_IF_IN_SCOPE,
        /** The route is public or self-service: no permission is needed. */
        ALLOWED_NO_PERMISSION_NEEDED,
        /** None of the principal's roles exists in the policy profile. */
        DENIED_NO_KNOWN_ROLE,
        /** No grant of the principal's roles covers the permission. */
        DENIED_NOT_GRANTED,
        /** Grants cover the permission but the target is outside all their scopes. */
        DENIED_OUT_OF_SCOPE,
        /** The route is not declared in the catalog. */
        DENIED_UNKNOWN_ROUTE
    }

    public Decision {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(grant, "grant");
        constraints = Set.copyOf(constraints);
        if (allowed != reason.name().startsWith("ALLOWED")) {
            throw new IllegalArgumentException("allowed does not match reason " + reason);
        }
        if (!constraints.isEmpty() && reason != Reason.ALLOWED_IF_IN_SCOPE) {
            throw new IllegalArgumentException("Only ALLOWED_IF_IN_SCOPE carries constraints");
        }
    }

    /** A denial for {@code reason}. */
    public static Decision deny(Reason reason) {
        return new Decision(false, reason, Optional.empty(), Set.of());
    }

    /** An allow that needs no further check. */
    public static Decision allow(Reason reason, Optional<Permission> grant) {
        return new Decision(true, reason, grant, Set.of());
    }
}
