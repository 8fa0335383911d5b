package io.tollgate.authz;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A permission {@code resource:action[:scope]} (seed 000 RBAC notation). As a <em>grant</em> held
 * by a role, {@code resource} and {@code action} may be the wildcard {@code *}; as a
 * <em>requirement</em> of a route ({@link #required}) both are concrete and there is no scope,
 * because the scope is decided by comparing the principal with the target resource.
 */
public record Permission(String resource, String action, Optional<Scope> scope) {

    public static final String WILDCARD = "*";
    private static final Pattern NAME = Pattern.compile("[a-z][a-z_]{0,39}");

    public Permission {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(scope, "scope");
        if (!validName(resource) || !validName(action)) {
            throw new IllegalArgumentException("Invalid permission " + resource + ":" + action);
        }
    }

    private static boolean validName(String name) {
        return name.equals(WILDCARD) || NAME.matcher(name).matches();
    }

    /** Parses a grant: {@code user:read}, {@code user:*:own_tenant}, {@code *:read:own}, {@code *}. */
    public static Permission grant(String text) {
        Objects.requireNonNull(text, "text");
        if (text.equals(WILDCARD)) {
            return new Permission(WILDCARD, WILDCARD, Optional.empty());
        }
        String[] parts = text.split(":", -1);
        if (parts.length < 2 || parts.length > 3) {
            throw new IllegalArgumentException("Permission must be resource:action[:scope]: " + text);
        }
        Optional<Scope> scope = Optional.empty();
        if (parts.length == 3) {
            scope = Optional.of(Scope.fromLabel(parts[2])
                    .orElseThrow(() -> new IllegalArgumentException("Unknown scope in permission " + text)));
        }
        return new Permission(parts[0], parts[1], scope);
    }

    /** Parses a route requirement: concrete {@code resource:action}, no wildcard, no scope. */
    public static Permission required(String text) {
        Permission permission = grant(text);
        if (permission.resource.equals(WILDCARD) || permission.action.equals(WILDCARD) || permission.scope.isPresent()) {
            throw new IllegalArgumentException("A required permission is a concrete resource:action: " + text);
        }
        return permission;
    }

    /** Whether this grant covers the resource and action of {@code required} (scope aside). */
    public boolean covers(Permission required) {
        return (resource.equals(WILDCARD) || resource.equals(required.resource))
                && (action.equals(WILDCARD) || action.equals(required.action));
    }

    @Override
    public String toString() {
        return resource + ":" + action + scope.map(s -> ":" + s.label()).orElse("");
    }
}
