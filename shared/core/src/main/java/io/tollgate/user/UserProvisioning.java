package io.tollgate.user;

import io.tollgate.audit.AuditEventType;
import io.tollgate.audit.AuditRecorder;
import io.tollgate.http.ErrorCode;
import io.tollgate.http.ProblemException;
import io.tollgate.password.Argon2idPasswordHasher;
import io.tollgate.password.CommonPasswords;
import io.tollgate.password.PasswordPolicy;
import io.tollgate.password.PasswordRuleViolation;
import io.tollgate.settings.SecuritySettings;
import io.tollgate.tenant.Tenant;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.security.SecureRandom;
import java.util.Base64;
import io.tollgate.password.PasswordChangeTickets;
import java.util.function.Function;
import java.util.UUID;

/**
 * Creates tenants, organisations and users with every rule applied: the tenant's password
 * policy (all failed rules reported, 422), known roles, Argon2id hashing, unique names, and an
 * audit event for each creation. Used by the local runtime's seeding now and by the admin
 * function later.
 */
public final class UserProvisioning {

    /** Seed 000's five roles, plus {@code audit_writer}, the service role of API keys that submit audit events (ADR 0035). */
    public static final Set<String> DEFAULT_ROLES = Set.of("super_admin", "tenant_admin", "org_admin", "org_member", "user",
            "audit_writer");

    private final UserDirectory directory;
    private final Argon2idPasswordHasher hasher;
    private final CommonPasswords commonPasswords;
    private final AuditRecorder audit;
    private final Clock clock;
    private final Function<String, Set<String>> rolesOfProfile;
    private static final SecureRandom PLACEHOLDER_RANDOM = new SecureRandom();

    /** Provisioning that knows the {@code default} role profile only ({@link #DEFAULT_ROLES}). */
    public UserProvisioning(UserDirectory directory, Argon2idPasswordHasher hasher, CommonPasswords commonPasswords,
            AuditRecorder audit, Clock clock) {
        this(directory, hasher, commonPasswords, audit, clock,
                profile -> Tenant.DEFAULT_ROLE_PROFILE.equals(profile) ? DEFAULT_ROLES : Set.of());
    }

    /**
     * @param rolesOfProfile the role names of a role profile (ADR 0039); a user's roles must be roles of
     *                       its tenant's profile
     */
    public UserProvisioning(UserDirectory directory, Argon2idPasswordHasher hasher, CommonPasswords commonPasswords,
            AuditRecorder audit, Clock clock, Function<String, Set<String>> rolesOfProfile) {
        this.rolesOfProfile = Objects.requireNonNull(rolesOfProfile, "rolesOfProfile");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.hasher = Objects.requireNonNull(hasher, "hasher");
        this.commonPasswords = Objects.requireNonNull(commonPasswords, "commonPasswords");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Who asked for the change, for the audit trail. */
    public record Requester(String tenantId, String userId, String ipAddress) {
        public static Requester system(String tenantId) {
            return new Requester(tenantId, "system", "127.0.0.1");
        }
    }

    public Tenant createTenant(String tenantId, String name, SecuritySettings settings, Requester requester) {
        return createTenant(tenantId, name, settings, Tenant.DEFAULT_ROLE_PROFILE, requester);
    }

    /** Creates a tenant whose users' roles are read in {@code roleProfile} (validated by the caller). */
    public Tenant createTenant(String tenantId, String name, SecuritySettings settings, String roleProfile,
            Requester requester) {
        if (!Tenant.ID.matcher(tenantId).matches()) {
            throw invalid("tenant", "invalid_format", "Use 1-63 lower-case letters, digits or dashes.");
        }
        Tenant tenant = new Tenant(tenantId, name, Tenant.Status.ACTIVE, settings, roleProfile);
        directory.createTenant(tenant, clock.instant());
        audit.record(AuditEventType.TENANT_CREATED, actor(tenantId, requester), "tenant", "create", "success",
                Map.of("tenant", tenantId, "role_profile", roleProfile));
        return tenant;
    }

    public void createOrganization(String tenantId, String organizationId, String name, Requester requester) {
        if (!Tenant.ID.matcher(organizationId).matches()) {
            throw invalid("organization", "invalid_format", "Use 1-63 lower-case letters, digits or dashes.");
        }
        directory.createOrganization(tenantId, organizationId, name, clock.instant());
        audit.record(AuditEventType.ORGANIZATION_CREATED, actor(tenantId, requester), "organization", "create",
                "success", Map.of("organization", organizationId));
    }

    /** A user to create; the password is checked against the tenant's policy, then hashed. */
    public record NewUserRequest(String username, String email, String password, List<String> roles,
            String organizationId) {
        @Override
        public String toString() {
            return "NewUserRequest[roles=" + roles + ", organizationId=" + organizationId + "]";
        }
    }

    /** Creates the user and returns its id; 422 with every broken password rule. */
    public String createUser(Tenant tenant, NewUserRequest request, Requester requester) {
        checkIdentity(tenant, request);
        PasswordPolicy policy = new PasswordPolicy(tenant.settings().password(), commonPasswords);
        List<PasswordRuleViolation> violations = policy.check(request.password(),
                List.of(request.username(), request.email() == null ? "" : request.email(), tenant.id()));
        if (!violations.isEmpty()) {
            throw ProblemException.invalid(ErrorCode.PASSWORD_POLICY_VIOLATED,
                    "The password does not meet the password policy.",
                    violations.stream().map(v -> new ProblemException.FieldError("password", v.rule(), v.message()))
                            .toList());
        }
        String userId = UUID.randomUUID().toString();
        directory.createUser(new UserDirectory.NewUser(tenant.id(), userId, request.username(), request.email(),
                request.organizationId(), request.roles(), hasher.hash(request.password())), clock.instant());
        audit.record(AuditEventType.USER_CREATED, actor(tenant.id(), requester), "user", "create", "success",
                Map.of("created_user_id", userId, "roles", request.roles()));
        return userId;
    }

    /** What {@link #invite} made: the user id and the set-password ticket (its token is shown once, in the mail). */
    public record Invited(String userId, PasswordChangeTickets.Issued ticket) {
    }

    /**
     * Creates a user without a password (ADR 0045): the account gets the Argon2id hash of a random
     * 256-bit secret that is thrown away at once, so no password logs in, and in the same
     * transaction an {@linkplain PasswordChangeTickets.Purpose#INVITATION invitation ticket} that
     * lets the holder of the mailed link choose the first password within 24 hours, once.
     */
    public Invited invite(Tenant tenant, NewUserRequest request, Requester requester, PasswordChangeTickets tickets) {
        checkIdentity(tenant, request);
        if (request.email() == null) {
            throw invalid("email", "required", "An invited user needs an email address for the set-password link.");
        }
        byte[] secret = new byte[32];
        PLACEHOLDER_RANDOM.nextBytes(secret);
        String placeholderHash = hasher.hash(Base64.getEncoder().encodeToString(secret));
        java.util.Arrays.fill(secret, (byte) 0);
        String userId = UUID.randomUUID().toString();
        PasswordChangeTickets.Issued ticket = tickets.issue(tenant.id(), userId, placeholderHash,
                PasswordChangeTickets.Purpose.INVITATION);
        directory.createUser(new UserDirectory.NewUser(tenant.id(), userId, request.username(), request.email(),
                request.organizationId(), request.roles(), placeholderHash), clock.instant(), List.of(ticket.put()));
        audit.record(AuditEventType.USER_CREATED, actor(tenant.id(), requester), "user", "create", "success",
                Map.of("created_user_id", userId, "roles", request.roles(), "invitation", true,
                        "invitation_expires_at", ticket.expiresAt().toString()));
        return new Invited(userId, ticket);
    }

    private void checkIdentity(Tenant tenant, NewUserRequest request) {
        if (request.username() == null || request.username().isBlank() || request.username().length() > 254) {
            throw invalid("username", "invalid_length", "A user name of 1-254 characters is required.");
        }
        if (UsernameProfile.canonical(request.username()).isEmpty()) {
            throw invalid("username", "invalid_characters", UsernameProfile.RULE);
        }
        Set<String> known = rolesOfProfile.apply(tenant.roleProfile());
        for (String role : request.roles()) {
            if (!known.contains(role)) {
                throw invalid("roles", "unknown_role", "Unknown role.");
            }
        }
    }

    private static AuditRecorder.Actor actor(String tenantId, Requester requester) {
        return new AuditRecorder.Actor(tenantId, requester.userId(), null, requester.ipAddress(), "tollgate");
    }

    private static ProblemException invalid(String field, String code, String message) {
        return ProblemException.invalid(ErrorCode.VALIDATION_FAILED, "A field is invalid.",
                List.of(new ProblemException.FieldError(field, code, message)));
    }
}
