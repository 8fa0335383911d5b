package io.tollgate.authz;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.tollgate.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Role-based access control over the permission matrix of seed 000
 * ({@code RBACEnforcement.PERMISSION_MATRIX}), kept as data in
 * {@code io/tollgate/authz/role-profiles.json}: profile {@code default} holds seed 000's five
 * roles, profile {@code simple} seed 001's admin / analyst / user.
 *
 * <p>Rules:
 * <ul>
 * <li>A principal is allowed when any of its roles holds a grant covering the required
 * {@code resource:action} (wildcards {@code *}) whose scope contains the target
 * (see {@link Scope}); a grant without scope is global and only {@code global} roles may hold one
 * (checked at load, so a typo cannot make a tenant role global).</li>
 * <li>Scope is decided from the principal (signed token claims) and the {@link ResourceRef}
 * (route path), never from a request body.</li>
 * <li>{@code own} reaches only what a user owns ({@link Scope#OWN}): a grant such as
 * {@code *:read:own} or {@code tenant:update:own} is refused at load.</li>
 * <li>Unknown role names in a token grant nothing.</li>
 * <li>Roles have a rank; {@link #canGrant} implements "nobody grants a role above their own".</li>
 * </ul>
 * Immutable and thread-safe.
 */
public final class AccessPolicy {

    /** The classpath resource holding the role profiles. */
    public static final String RESOURCE = "/io/tollgate/authz/role-profiles.json";

    private record RoleDefinition(int rank, boolean global, List<Permission> grants) {
    }

    private final String profile;
    private final String tenantAdminRole;
    private final Map<String, RoleDefinition> roles;

    private AccessPolicy(String profile, String tenantAdminRole, Map<String, RoleDefinition> roles) {
        this.profile = profile;
        this.tenantAdminRole = tenantAdminRole;
        this.roles = roles;
    }

    record RoleFile(int rank, Boolean global, List<String> permissions) {
    }

    record ProfileFile(String source, @JsonProperty("tenant_admin_role") String tenantAdminRole,
            Map<String, RoleFile> roles) {
    }

    record ProfilesFile(@JsonProperty("profiles") Map<String, ProfileFile> profiles) {
    }

    /** The named profile ({@code default} or {@code simple}) of the bundled role-profiles file. */
    public static AccessPolicy load(String profile) {
        return fromJson(bundledJson(), profile);
    }

    /** Every profile of the bundled role-profiles file, by name, from one read of it. */
    public static Map<String, AccessPolicy> bundled() {
        ProfilesFile file = parse(bundledJson());
        Map<String, AccessPolicy> all = new LinkedHashMap<>();
        new java.util.TreeSet<>(file.profiles().keySet()).forEach(name -> all.put(name, of(file, name)));
        return java.util.Collections.unmodifiableMap(all);
    }

    private static String bundledJson() {
        try (InputStream in = AccessPolicy.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("Missing classpath resource " + RESOURCE);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + RESOURCE, e);
        }
    }

    /** The named profile of a role-profiles document (same format as {@link #RESOURCE}). */
    public static AccessPolicy fromJson(String json, String profile) {
        return of(parse(json), profile);
    }

    private static ProfilesFile parse(String json) {
        try {
            return Json.mapper().readValue(json, ProfilesFile.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Role profiles are not valid JSON of the expected shape", e);
        }
    }

    private static AccessPolicy of(ProfilesFile file, String profile) {
        ProfileFile chosen = Optional.ofNullable(file.profiles()).map(p -> p.get(profile))
                .orElseThrow(() -> new IllegalArgumentException("Unknown role profile " + profile));
        if (chosen.roles() == null || chosen.roles().isEmpty()) {
            throw new IllegalArgumentException("Role profile " + profile + " has no roles");
        }
        Map<String, RoleDefinition> roles = new LinkedHashMap<>();
        chosen.roles().forEach((name, role) -> {
            boolean global = Boolean.TRUE.equals(role.global());
            if (role.rank() <= 0 || role.permissions() == null) {
                throw new IllegalArgumentException("Role " + name + " needs a positive rank and a permission list");
            }
            List<Permission> grants = role.permissions().stream().map(Permission::grant).toList();
            for (Permission grant : grants) {
                if (!global && grant.scope().isEmpty()) {
                    throw new IllegalArgumentException("Role " + name + " is not global, so " + grant + " needs a scope");
                }
                if (grant.scope().equals(Optional.of(Scope.OWN)) && !grant.resource().equals("organization")
                        && !Scope.OWNED_RESOURCES.contains(grant.resource())) {
                    throw new IllegalArgumentException("Role " + name + ": " + grant + " names no resource a user owns "
                            + "(organization or " + Scope.OWNED_RESOURCES.stream().sorted().toList() + ")");
                }
            }
            roles.put(name, new RoleDefinition(role.rank(), global, grants));
        });
        if (chosen.tenantAdminRole() == null || !roles.containsKey(chosen.tenantAdminRole())
                || roles.get(chosen.tenantAdminRole()).global()) {
            throw new IllegalArgumentException("Role profile " + profile
                    + " needs a tenant_admin_role naming one of its non-global roles");
        }
        return new AccessPolicy(profile, chosen.tenantAdminRole(), Map.copyOf(roles));
    }

    /** The names of every profile of the bundled role-profiles file. */
    public static Set<String> bundledProfiles() {
        return Set.copyOf(parse(bundledJson()).profiles().keySet());
    }

    /** The role a tenant's first administrator gets ({@code tenant_admin} in seed 000, {@code admin} in seed 001). */
    public String tenantAdminRole() {
        return tenantAdminRole;
    }

    /** The profile name. */
    public String profile() {
        return profile;
    }

    /** The role names of this profile. */
    public Set<String> roles() {
        return roles.keySet();
    }

    /**
     * Whether {@code principal} may perform {@code required} on {@code target}.
     *
     * @param required a concrete {@code resource:action} ({@link Permission#required})
     */
    public Decision decide(Principal principal, Permission required, ResourceRef target) {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(target, "target");
        if (Objects.requireNonNull(required, "required").scope().isPresent()) {
            throw new IllegalArgumentException("A required permission carries no scope: " + required);
        }
        boolean knownRole = false;
        boolean covered = false;
        Permission inScope = null;
        Permission pendingGrant = null;
        Set<Scope> pending = EnumSet.noneOf(Scope.class);
        for (String roleName : principal.roles()) {
            RoleDefinition role = roles.get(roleName);
            if (role == null) {
                continue;
            }
            knownRole = true;
            for (Permission grant : role.grants()) {
                if (!grant.covers(required)) {
                    continue;
                }
                covered = true;
                if (grant.scope().isEmpty()) {
                    if (role.global()) {
                        return Decision.allow(Decision.Reason.ALLOWED_GLOBAL, Optional.of(grant));
                    }
                    continue;
                }
                Scope scope = grant.scope().get();
                Containment containment = contains(scope, principal, required.resource(), target);
                if (containment == Containment.YES && inScope == null) {
                    inScope = grant;
                } else if (containment == Containment.UNKNOWN) {
                    pending.add(scope);
                    if (pendingGrant == null) {
                        pendingGrant = grant;
                    }
                }
            }
        }
        if (inScope != null) {
            return Decision.allow(Decision.Reason.ALLOWED_IN_SCOPE, Optional.of(inScope));
        }
        if (!pending.isEmpty()) {
            return new Decision(true, Decision.Reason.ALLOWED_IF_IN_SCOPE, Optional.of(pendingGrant), pending);
        }
        if (!knownRole) {
            return Decision.deny(Decision.Reason.DENIED_NO_KNOWN_ROLE);
        }
        return Decision.deny(covered ? Decision.Reason.DENIED_OUT_OF_SCOPE : Decision.Reason.DENIED_NOT_GRANTED);
    }

    private enum Containment {
        YES, NO, UNKNOWN
    }

    private static Containment contains(Scope scope, Principal principal, String resource, ResourceRef target) {
        if (target.tenant().isEmpty() || !target.tenant().get().equals(principal.tenant())) {
            return Containment.NO;
        }
        return switch (scope) {
            case OWN_TENANT -> Containment.YES;
            case OWN_ORG -> sameOrg(principal, target);
            case OWN -> {
                if (resource.equals("organization")) {
                    yield sameOrg(principal, target);
                }
                if (!Scope.OWNED_RESOURCES.contains(resource)) {
                    yield Containment.NO;
                }
                yield target.ownerUserId().map(owner -> owner.equals(principal.userId()) ? Containment.YES
                        : Containment.NO).orElse(Containment.UNKNOWN);
            }
            case ASSIGNED -> target.assigned().map(assigned -> assigned ? Containment.YES : Containment.NO)
                    .orElse(Containment.UNKNOWN);
        };
    }

    private static Containment sameOrg(Principal principal, ResourceRef target) {
        if (principal.org().isEmpty()) {
            return Containment.NO;
        }
        return target.org().map(org -> org.equals(principal.org().get()) ? Containment.YES : Containment.NO)
                .orElse(Containment.UNKNOWN);
    }

    /**
     * Whether a principal holding {@code principalRoles} may give {@code role} to someone: only roles
     * of this profile, and none ranked above the principal's highest role.
     */
    public boolean canGrant(Collection<String> principalRoles, String role) {
        RoleDefinition target = roles.get(role);
        if (target == null) {
            return false;
        }
        int highest = principalRoles.stream().map(roles::get).filter(Objects::nonNull)
                .mapToInt(RoleDefinition::rank).max().orElse(0);
        return target.rank() <= highest;
    }

    /** The rank of a role of this profile (higher is more powerful). */
    public Optional<Integer> rank(String role) {
        return Optional.ofNullable(roles.get(role)).map(RoleDefinition::rank);
    }
}
