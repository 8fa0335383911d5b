package io.tollgate.authz;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * One declared HTTP route of docs/openapi.yaml: method, API Gateway style path template
 * ({@code /v1/users/{id}}), who may call it and where its target resource is.
 *
 * @param access     public, self-service (any valid principal, acting on itself) or permission
 * @param permission the required {@code resource:action}, present exactly for {@link Access#PERMISSION}
 * @param credential what authenticates the caller
 * @param target     how the {@link ResourceRef} is derived (permission routes only)
 * @param audiences  the access-token audiences ({@code aud}) the route accepts; empty means every
 *                   audience the validator accepts. A route that names audiences takes bearer
 *                   tokens of those audiences only, and no API key (an API key has no audience;
 *                   ADR 0052).
 */
public record Route(String method, String path, Access access, Optional<Permission> permission, Credential credential,
        TargetRule target, Set<String> audiences) {

    /** Who may call a route. */
    public enum Access {
        /** No credential (login, refresh, logout, passkey, JWKS, discovery). */
        PUBLIC,
        /** Any authenticated principal, acting on its own account ({@code /v1/me/...}). */
        SELF,
        /** A principal whose roles grant {@link Route#permission()} on the target. */
        PERMISSION
    }

    /** How the caller authenticates. */
    public enum Credential {
        NONE, BEARER, API_KEY
    }

    /**
     * Where the target of a permission route sits. {@code tenant}: {@link TenantSource};
     * {@code tenantParam}, {@code orgParam}, {@code userParam}: the path parameters naming it.
     */
    public record TargetRule(TenantSource tenant, Optional<String> tenantParam, Optional<String> orgParam,
            Optional<String> userParam) {

        /** Where the target's tenant comes from. */
        public enum TenantSource {
            /** The caller's own tenant ({@code tid} claim): collections such as {@code /v1/users}. */
            TOKEN,
            /** A path parameter ({@code /v1/tenants/{t}/...}). */
            PATH,
            /** Global resource (the tenant collection). */
            NONE
        }

        public TargetRule {
            Objects.requireNonNull(tenant, "tenant");
            Objects.requireNonNull(tenantParam, "tenantParam");
            Objects.requireNonNull(orgParam, "orgParam");
            Objects.requireNonNull(userParam, "userParam");
            if ((tenant == TenantSource.PATH) != tenantParam.isPresent()) {
                throw new IllegalArgumentException("A path tenant needs exactly its parameter name");
            }
            if (tenant == TenantSource.NONE && (orgParam.isPresent() || userParam.isPresent())) {
                throw new IllegalArgumentException("A global target has no organization or user");
            }
        }

        /** The caller's tenant, nothing else known. */
        public static TargetRule callerTenant() {
            return new TargetRule(TenantSource.TOKEN, Optional.empty(), Optional.empty(), Optional.empty());
        }

        List<String> parameters() {
            return Stream.of(tenantParam, orgParam, userParam).flatMap(Optional::stream).toList();
        }
    }

    public Route {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(permission, "permission");
        Objects.requireNonNull(credential, "credential");
        Objects.requireNonNull(target, "target");
        audiences = Set.copyOf(audiences);
        if (access == Access.PUBLIC && !audiences.isEmpty()) {
            throw new IllegalArgumentException(method + " " + path + ": a public route takes no token, so no audience");
        }
        if (credential == Credential.API_KEY && !audiences.isEmpty()) {
            throw new IllegalArgumentException(method + " " + path + ": an API-key route cannot name token audiences");
        }
        if ((access == Access.PERMISSION) != permission.isPresent()) {
            throw new IllegalArgumentException(method + " " + path + ": a permission exactly for permission routes");
        }
        if ((access == Access.PUBLIC) != (credential == Credential.NONE)) {
            throw new IllegalArgumentException(method + " " + path + ": public routes, and only they, take no credential");
        }
    }

    /**
     * Whether a credential of {@code audience} may call this route: any when the route names no
     * audience; otherwise a bearer token whose {@code aud} is one of them ({@code null}, an API
     * key, never). Allocation-free: the authorizer asks it on every request.
     */
    public boolean accepts(String audience) {
        return audiences.isEmpty() || (audience != null && audiences.contains(audience));
    }

    /** {@code METHOD /path}, for logs and metrics. */
    public String key() {
        return method + " " + path;
    }
}
