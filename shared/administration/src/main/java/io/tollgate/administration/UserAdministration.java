package io.tollgate.administration;

import io.tollgate.audit.AuditEventType;
import io.tollgate.audit.AuditRecorder;
import io.tollgate.authz.ApiKeyService;
import io.tollgate.authz.Decision;
import io.tollgate.authz.Permission;
import io.tollgate.authz.Principal;
import io.tollgate.authz.ResourceRef;
import io.tollgate.authz.Scope;
import io.tollgate.http.ErrorCode;
import io.tollgate.mail.MailSender;
import io.tollgate.http.ProblemException;
import io.tollgate.http.ProblemException.FieldError;
import io.tollgate.session.SessionService;
import io.tollgate.tenant.Tenant;
import io.tollgate.user.UserAccount;
import io.tollgate.user.UserDirectory;
import io.tollgate.user.UserProvisioning;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * User administration under the RBAC matrix of seed 000 (docs/openapi.yaml {@code /v1/users},
 * ADR 0017): create, list, read, change email or status, delete, replace roles, unlock.
 *
 * <p>Rules, in the order they are applied:
 * <ol>
 * <li>The tenant is the caller's token tenant, never a body field; a user id of another tenant is
 * looked up in the caller's tenant, so it is {@code 404} exactly like an unknown id.</li>
 * <li>The caller's roles are re-read ({@link AdminAuthority#current}).</li>
 * <li>The target is loaded, then the decision is made again with its organisation and owner
 * known: a user the caller may not even read (another organisation for an {@code org_admin}) is
 * {@code 404}; one it may read but not change is {@code 403}.</li>
 * <li>Nobody changes the roles, status or existence of their own account, and nobody acts on a
 * user whose highest role outranks their own: {@code 403}.</li>
 * <li>Nobody grants a role above their own ({@code AccessPolicy.canGrant}): {@code 403} and a
 * CRITICAL {@code privilege_escalation} audit event; nothing is written.</li>
 * <li>Every write is conditioned on the id and roles the decision was made on (409 if they changed).</li>
 * </ol>
 * Every action is audited with who, what, on whom and the result, refusals included.
 */
public final class UserAdministration {

    static final Permission CREATE = Permission.required("user:create");
    static final Permission READ = Permission.required("user:read");
    static final Permission UPDATE = Permission.required("user:update");
    static final Permission DELETE = Permission.required("user:delete");
    static final Permission API_KEY_REVOKE = Permission.required("api_key:revoke");
    static final Permission API_KEY_REVOKE_ALL = Permission.required("api_key:revoke_all");

    /** How long the revocation item of a deleted user is kept: longer than any refresh token lives (7 days max). */
    static final Duration DELETED_USER_REVOCATION_TTL = Duration.ofDays(8);

    private final AdminAuthority authority;
    private final AdministrationRepository repository;
    private final UserProvisioning provisioning;
    private final SessionService sessions;
    private final ApiKeyService apiKeys;
    private final AuditRecorder audit;
    private final Clock clock;
    private final Optional<Invitations> invitations;

    /** Administration without invitations: every new user needs an initial password. */
    public UserAdministration(AdminAuthority authority, AdministrationRepository repository,
            UserProvisioning provisioning, SessionService sessions, ApiKeyService apiKeys, AuditRecorder audit,
            Clock clock) {
        this(authority, repository, provisioning, sessions, apiKeys, audit, clock, Optional.empty());
    }

    /**
     * @param invitations where present, a user created without a password is invited by mail
     *                    (ADR 0045)
     */
    public UserAdministration(AdminAuthority authority, AdministrationRepository repository,
            UserProvisioning provisioning, SessionService sessions, ApiKeyService apiKeys, AuditRecorder audit,
            Clock clock, Optional<Invitations> invitations) {
        this.invitations = Objects.requireNonNull(invitations, "invitations");
        this.authority = Objects.requireNonNull(authority, "authority");
        this.repository = Objects.requireNonNull(repository, "repository");
        this.provisioning = Objects.requireNonNull(provisioning, "provisioning");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.apiKeys = Objects.requireNonNull(apiKeys, "apiKeys");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** {@code POST /v1/users}: no tenant field, the tenant is the caller's. */
    public record NewUser(String username, String email, String password, List<String> roles, String org) {
        @Override
        public String toString() {
            return "NewUser[roles=" + roles + ", org=" + org + "]";
        }
    }

    /** {@code PATCH /v1/users/{id}}: at least one field. */
    public record UserChange(String email, String status) {
    }

    /** The checks {@code PATCH /v1/users/{id}} applies to an e-mail, for callers that validate before they write. */
    public static void validateEmail(String field, String value, List<FieldError> errors) {
        UserFields.email(field, value, false, errors);
    }

    /** {@code PUT /v1/users/{id}/roles}. */
    public record RoleAssignment(List<String> roles) {
    }

    /** Creates a user in the caller's tenant; 201 with the stored user. */
    public ManagedUser create(Caller caller, NewUser request) {
        Principal actor = authority.current(caller);
        List<FieldError> errors = new ArrayList<>();
        UserFields.username(request.username(), errors);
        boolean invite = request.password() == null && invitations.isPresent();
        UserFields.email("email", request.email(), invite, errors);
        if (!invite) {
            UserFields.password(request.password(), errors);
        }
        UserFields.roles(request.roles(), authority.roles(actor.tenant()), errors);
        UserFields.identifier("org", request.org(), false, errors);
        if (!errors.isEmpty()) {
            throw invalid(AuditEventType.USER_CREATED, caller, "create", null, errors);
        }
        Tenant tenant = repository.tenant(actor.tenant()).orElseThrow(() -> refused(AuditEventType.USER_CREATED, caller,
                "create", null, "tenant_missing", new ProblemException(ErrorCode.FORBIDDEN, "The caller may not do this.")));
        String org = request.org() != null ? request.org() : defaultOrganization(actor);
        ResourceRef target = org == null ? ResourceRef.inTenant(actor.tenant()) : ResourceRef.inTenant(actor.tenant()).withOrg(org);
        if (!authority.allows(actor, CREATE, target)) {
            throw refused(AuditEventType.USER_CREATED, caller, "create", null, "out_of_scope",
                    new ProblemException(ErrorCode.FORBIDDEN, "The caller may not create users in this organization."));
        }
        requireGrantable(actor, caller, request.roles(), "create", null);
        if (org != null && !repository.organizationExists(actor.tenant(), org)) {
            throw invalid(AuditEventType.USER_CREATED, caller, "create", null,
                    List.of(new FieldError("org", "unknown_organization", "No such organization in this tenant.")));
        }
        String userId;
        try {
            UserProvisioning.NewUserRequest newUser = new UserProvisioning.NewUserRequest(request.username(),
                    request.email(), request.password(), request.roles(), org);
            UserProvisioning.Requester requester = new UserProvisioning.Requester(actor.tenant(), actor.userId(),
                    caller.ipAddress());
            if (invite) {
                UserProvisioning.Invited invited = provisioning.invite(tenant, newUser, requester,
                        invitations.get().tickets());
                userId = invited.userId();
                sendInvitation(caller, tenant, request, invited);
            } else {
                userId = provisioning.createUser(tenant, newUser, requester);
            }
        } catch (UserDirectory.AlreadyExistsException e) {
            throw refused(AuditEventType.USER_CREATED, caller, "create", null, "username_taken",
                    new ProblemException(ErrorCode.CONFLICT, "This user name is taken in this tenant."));
        } catch (ProblemException rejected) {
            throw refused(AuditEventType.USER_CREATED, caller, "create", null, rejected.errorCode().code(), rejected);
        }
        return repository.findUser(actor.tenant(), userId)
                .orElseThrow(() -> new IllegalStateException("A created user cannot be read back"));
    }

    private void sendInvitation(Caller caller, Tenant tenant, NewUser request, UserProvisioning.Invited invited) {
        String result;
        try {
            invitations.get().send(request.email(), request.username(), tenant.name(), invited.ticket().token(),
                    invited.ticket().expiresAt());
            result = "success";
        } catch (MailSender.MailUnavailableException | IllegalArgumentException e) {
            // The account stands (unusable without the link); the administrator sees the failure in the trail.
            result = "failure";
        }
        audit.record(AuditEventType.USER_INVITED, caller.actor(), "user", "invite", result,
                Map.of("target_user_id", invited.userId(), "expires_at", invited.ticket().expiresAt().toString()));
    }

    /** Callers limited to their organisation create in it unless they name one. */
    private String defaultOrganization(Principal actor) {
        if (authority.allows(actor, CREATE, ResourceRef.inTenant(actor.tenant()))) {
            return null;
        }
        return actor.org().orElse(null);
    }

    /** {@code GET /v1/users}: the users the caller may read, in user-name order. */
    public Page<ManagedUser> list(Caller caller, PageRequest page) {
        Principal actor = authority.current(caller);
        Decision decision = authority.decide(actor, READ, ResourceRef.inTenant(actor.tenant()));
        if (!decision.allowed()) {
            throw refused(AuditEventType.DATA_QUERY, caller, "list", null, "not_granted",
                    new ProblemException(ErrorCode.FORBIDDEN, "The caller may not do this."));
        }
        Optional<String> organization = decision.constraints().equals(Set.of(Scope.OWN_ORG)) ? actor.org() : Optional.empty();
        Page<ManagedUser> raw = repository.users(actor.tenant(), organization, page);
        List<ManagedUser> visible = raw.items().stream()
                .filter(user -> authority.allows(actor, READ, AdminAuthority.target(user))).toList();
        audit.record(AuditEventType.DATA_QUERY, caller.actor(), "user", "list", "success",
                Map.of("count", visible.size()));
        return new Page<>(visible, raw.nextCursor());
    }

    /**
     * {@code GET /v1/users?email=}: the users with this address (normalised) the caller may read, found
     * through the blind index (ADR 0046). The audit event records the look-up, not the address.
     */
    public List<ManagedUser> findByEmail(Caller caller, String email) {
        Principal actor = authority.current(caller);
        List<FieldError> errors = new ArrayList<>();
        UserFields.email("email", email, true, errors);
        if (!errors.isEmpty()) {
            throw invalid(AuditEventType.DATA_QUERY, caller, "find_by_email", null, errors);
        }
        if (!authority.decide(actor, READ, ResourceRef.inTenant(actor.tenant())).allowed()) {
            throw refused(AuditEventType.DATA_QUERY, caller, "find_by_email", null, "not_granted",
                    new ProblemException(ErrorCode.FORBIDDEN, "The caller may not do this."));
        }
        List<ManagedUser> visible = repository.usersByEmail(actor.tenant(), email).stream()
                .filter(user -> authority.allows(actor, READ, AdminAuthority.target(user))).toList();
        audit.record(AuditEventType.DATA_QUERY, caller.actor(), "user", "find_by_email", "success",
                Map.of("count", visible.size()));
        return visible;
    }

    /** {@code GET /v1/users/{id}}. */
    public ManagedUser get(Caller caller, String userId) {
        Principal actor = authority.current(caller);
        ManagedUser user = target(actor, caller, userId, READ, AuditEventType.DATA_QUERY, "read");
        audit.record(AuditEventType.DATA_QUERY, caller.actor(), "user", "read", "success", Map.of("target_user_id", userId));
        return user;
    }

    /**
     * {@code PATCH /v1/users/{id}}: email and/or status. Disabling writes {@code disabled} on the
     * revocation item and revokes every session, so the user's access tokens and API keys stop
     * within the authorizer's 30 s bound and refresh tokens stop at once.
     */
    public ManagedUser update(Caller caller, String userId, UserChange change) {
        Principal actor = authority.current(caller);
        List<FieldError> errors = new ArrayList<>();
        if (change.email() == null && change.status() == null) {
            errors.add(new FieldError("$", "empty_change", "Give email and/or status."));
        }
        UserFields.email("email", change.email(), false, errors);
        Optional<UserAccount.Status> status = Optional.empty();
        if (change.status() != null) {
            try {
                status = Optional.of(UserAccount.Status.valueOf(change.status()));
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("status", "invalid_value", "status is ACTIVE or DISABLED."));
            }
        }
        AuditEventType type = status.map(s -> s == UserAccount.Status.DISABLED ? AuditEventType.USER_DISABLED
                : AuditEventType.USER_ENABLED).orElse(AuditEventType.USER_UPDATED);
        if (!errors.isEmpty()) {
            throw invalid(type, caller, "update", userId, errors);
        }
        ManagedUser user = target(actor, caller, userId, UPDATE, type, "update");
        if (status.isPresent()) {
            requireNotSelf(actor, caller, user, type, "update");
        }
        requireNotOutranked(actor, caller, user, "update");
        Instant now = clock.instant();
        if (!repository.update(user, Optional.ofNullable(change.email()), status, now)) {
            throw conflict(type, caller, "update", userId);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("target_user_id", userId);
        data.put("fields", change.email() != null && status.isPresent() ? List.of("email", "status")
                : change.email() != null ? List.of("email") : List.of("status"));
        if (status.orElse(null) == UserAccount.Status.DISABLED) {
            data.put("sessions_revoked", sessions.revokeAll(user.tenantId(), userId, "user_disabled", caller.actor()).size());
        }
        audit.record(type, caller.actor(), "user", "update", "success", data);
        return reload(user);
    }

    /**
     * {@code DELETE /v1/users/{id}}: immediate purge (seed 000 retention: deleted accounts purged at
     * once). First disabled (so nothing works any more, whatever fails next), then sessions revoked
     * and purged, API keys purged, and finally the identity items deleted. A retried DELETE after a
     * partial failure redoes every step.
     */
    public void delete(Caller caller, String userId) {
        delete(caller, userId, "delete", "user_deleted");
    }

    /**
     * An erasure an administrator files for a data subject of the tenant (GDPR Art. 17, ADR 0028):
     * exactly the rules and steps of {@link #delete} ({@code user:delete}, not oneself, not a user
     * who outranks the caller), the purge marker saying {@code erasure}.
     */
    public Map<String, Object> erase(Caller caller, String userId) {
        return delete(caller, userId, "erase", "erasure");
    }

    private Map<String, Object> delete(Caller caller, String userId, String action, String reason) {
        Principal actor = authority.current(caller);
        ManagedUser user = target(actor, caller, userId, DELETE, AuditEventType.USER_DELETED, action);
        requireNotSelf(actor, caller, user, AuditEventType.USER_DELETED, action);
        requireNotOutranked(actor, caller, user, action);
        Map<String, Object> data = purge(user, caller, action, reason);
        Map<String, Object> audited = new LinkedHashMap<>(data);
        if (!"user_deleted".equals(reason)) {
            audited.put("reason", reason);
        }
        audit.record(AuditEventType.USER_DELETED, caller.actor(), "user", action, "success", audited);
        return data;
    }

    /**
     * The deletion steps, shared by {@code DELETE /v1/users/{id}} and a data-subject erasure:
     * disable, revoke and purge sessions, purge API keys, then delete the identity items (user,
     * id pointer, MFA and WebAuthn credentials) and leave a purge marker with {@code reason}.
     * Returns the counts to audit.
     */
    private Map<String, Object> purge(ManagedUser user, Caller caller, String action, String reason) {
        String userId = user.userId();
        Instant now = clock.instant();
        if (!repository.update(user, Optional.empty(), Optional.of(UserAccount.Status.DISABLED), now)) {
            throw conflict(AuditEventType.USER_DELETED, caller, action, userId);
        }
        ManagedUser disabled = new ManagedUser(user.tenantId(), user.userId(), user.username(), user.email(),
                user.organizationId(), user.roles(), UserAccount.Status.DISABLED, user.lockedUntil(), user.failedAttempts(),
                user.mfaMethods(), user.createdAt(), user.lastLoginAt());
        int revoked = sessions.revokeAll(user.tenantId(), userId, reason, caller.actor()).size();
        int keys = apiKeys.purgeAll(user.tenantId(), userId);
        int purgedSessions = sessions.purgeAll(user.tenantId(), userId);
        if (!repository.deleteIdentity(disabled, reason, now.plus(DELETED_USER_REVOCATION_TTL), now)) {
            throw conflict(AuditEventType.USER_DELETED, caller, action, userId);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("target_user_id", userId);
        data.put("sessions_revoked", revoked);
        data.put("sessions_purged", purgedSessions);
        data.put("api_keys_purged", keys);
        return data;
    }

    /**
     * A data subject's own account, for a data-subject request they file themselves (ADR 0028):
     * the caller as stored now (403 if disabled or gone).
     */
    public ManagedUser own(Caller caller) {
        Principal actor = authority.current(caller);
        return repository.findUser(actor.tenant(), actor.userId())
                .orElseThrow(() -> new ProblemException(ErrorCode.FORBIDDEN, "The caller may not do this."));
    }

    /**
     * The user {@code userId} as an administrator acting for a data subject may see it (ADR 0051):
     * the caller needs {@code permission} (e.g. {@code privacy:create}) on another user of its
     * tenant, checked before anything is looked up so a refusal (403) says nothing about who
     * exists; then the rules of {@code GET /v1/users/{id}} (404 when it may not read the user) and
     * {@code permission} on the loaded user with nothing left unknown (403); and the user may not
     * hold a role above the caller's (403 and a CRITICAL {@code privilege_escalation} event).
     * Refusals and the read are audited.
     */
    public ManagedUser subject(Caller caller, String userId, Permission permission) {
        Principal actor = authority.current(caller);
        if (!authority.decide(actor, permission, ResourceRef.inTenant(actor.tenant()).withOwner(userId)).allowed()) {
            throw refused(AuditEventType.DATA_QUERY, caller, "read", userId, "not_granted",
                    new ProblemException(ErrorCode.FORBIDDEN, "The caller may not do this."));
        }
        ManagedUser user = target(actor, caller, userId, permission, AuditEventType.DATA_QUERY, "read");
        requireNotOutranked(actor, caller, user, "read");
        audit.record(AuditEventType.DATA_QUERY, caller.actor(), "user", "read", "success", Map.of("target_user_id", userId));
        return user;
    }

    /**
     * Erasure the data subject asked for themselves (GDPR Art. 17, ADR 0028): the deletion steps of
     * {@link #delete} on the caller's own account. Audited as {@code user_deleted} with reason
     * {@code erasure}. (An administrator erasing someone else goes through {@link #delete}.)
     */
    public Map<String, Object> eraseOwn(Caller caller) {
        ManagedUser user = own(caller);
        Map<String, Object> data = purge(user, caller, "erase", "erasure");
        Map<String, Object> audited = new LinkedHashMap<>(data);
        audited.put("reason", "erasure");
        audit.record(AuditEventType.USER_DELETED, caller.actor(), "user", "erase", "success", audited);
        return data;
    }

    /**
     * Rectification the data subject asked for themselves (GDPR Art. 16): the e-mail only, validated
     * and written exactly as {@link #update} does; status and roles are not the subject's to change.
     */
    public ManagedUser rectifyOwn(Caller caller, UserChange change) {
        List<FieldError> errors = new ArrayList<>();
        if (change.status() != null) {
            errors.add(new FieldError("status", "not_rectifiable", "The account status is not personal data to rectify."));
        }
        if (change.email() == null) {
            errors.add(new FieldError("email", "required", "Give the corrected email."));
        }
        UserFields.email("email", change.email(), false, errors);
        if (!errors.isEmpty()) {
            throw invalid(AuditEventType.USER_UPDATED, caller, "rectify", caller.principal().userId(), errors);
        }
        ManagedUser user = own(caller);
        if (!repository.update(user, Optional.of(change.email()), Optional.empty(), clock.instant())) {
            throw conflict(AuditEventType.USER_UPDATED, caller, "rectify", user.userId());
        }
        audit.record(AuditEventType.USER_UPDATED, caller.actor(), "user", "rectify", "success",
                Map.of("target_user_id", user.userId(), "fields", List.of("email")));
        return reload(user);
    }

    /**
     * {@code PUT /v1/users/{id}/roles}: replaces the roles. Access tokens carrying the old roles are
     * void within 30 s ({@code valid_after}); refresh tokens live on and mint tokens with the new
     * roles. API keys carrying a role the user no longer holds are revoked.
     */
    public ManagedUser replaceRoles(Caller caller, String userId, RoleAssignment assignment) {
        Principal actor = authority.current(caller);
        List<FieldError> errors = new ArrayList<>();
        UserFields.roles(assignment.roles(), authority.roles(actor.tenant()), errors);
        if (!errors.isEmpty()) {
            throw invalid(AuditEventType.ROLE_CHANGE, caller, "update_roles", userId, errors);
        }
        ManagedUser user = target(actor, caller, userId, UPDATE, AuditEventType.ROLE_CHANGE, "update_roles");
        requireNotSelf(actor, caller, user, AuditEventType.ROLE_CHANGE, "update_roles");
        requireNotOutranked(actor, caller, user, "update_roles");
        requireGrantable(actor, caller, assignment.roles(), "update_roles", userId);
        Instant now = clock.instant();
        // +1 s: a token issued in the same second as the change may carry the old roles.
        if (!repository.replaceRoles(user, assignment.roles(), now.getEpochSecond() + 1, now)) {
            throw conflict(AuditEventType.ROLE_CHANGE, caller, "update_roles", userId);
        }
        List<String> revokedKeys = apiKeys.revokeCarryingOtherRoles(caller.actor(), user.tenantId(), userId,
                assignment.roles());
        audit.record(AuditEventType.ROLE_CHANGE, caller.actor(), "user", "update_roles", "success",
                Map.of("target_user_id", userId, "old_roles", user.roles(), "new_roles", assignment.roles(),
                        "api_keys_revoked", revokedKeys.size()));
        return reload(user);
    }

    /**
     * {@code DELETE /v1/users/{id}/api-keys}: revokes every active API key of a user the caller may
     * administer and does not outrank-violate (ADR 0054); returns the prefixes revoked.
     */
    public List<String> revokeApiKeys(Caller caller, String userId) {
        Principal actor = authority.current(caller);
        ManagedUser user = target(actor, caller, userId, API_KEY_REVOKE, AuditEventType.API_KEYS_REVOKED, "revoke_all");
        requireNotOutranked(actor, caller, user, "revoke_api_keys");
        return apiKeys.revokeAllOf(caller.actor(), user.tenantId(), userId, "administrator");
    }

    /**
     * {@code POST /v1/tenants/{t}/api-keys/revoke-all}: the emergency revocation of every API key
     * of the tenant (ADR 0054), audited CRITICAL; returns how many were revoked.
     */
    public int revokeTenantApiKeys(Caller caller, String tenantId) {
        Principal actor = authority.current(caller);
        if (!authority.allows(actor, API_KEY_REVOKE_ALL, io.tollgate.authz.ResourceRef.inTenant(tenantId))) {
            throw refused(AuditEventType.API_KEYS_REVOKED_ALL, caller, "revoke_all", tenantId, "not_granted",
                    new ProblemException(ErrorCode.FORBIDDEN, "The caller may not do this."));
        }
        return apiKeys.revokeAllInTenant(caller.actor(), tenantId);
    }

    /** {@code POST /v1/users/{id}/unlock}: clears the lockout and the failure window. */
    public void unlock(Caller caller, String userId) {
        Principal actor = authority.current(caller);
        ManagedUser user = target(actor, caller, userId, UPDATE, AuditEventType.ACCOUNT_UNLOCKED, "unlock");
        requireNotOutranked(actor, caller, user, "unlock");
        Instant now = clock.instant();
        if (!repository.unlock(user, now)) {
            throw conflict(AuditEventType.ACCOUNT_UNLOCKED, caller, "unlock", userId);
        }
        audit.record(AuditEventType.ACCOUNT_UNLOCKED, caller.actor(), "user", "unlock", "success",
                Map.of("target_user_id", userId, "was_locked", user.lockedAt(now), "failures_cleared", user.failedAttempts()));
    }

    private ManagedUser target(Principal actor, Caller caller, String userId, Permission permission, AuditEventType type,
            String action) {
        Optional<ManagedUser> found = repository.findUser(actor.tenant(), userId);
        if (found.isEmpty() || !authority.allows(actor, READ, AdminAuthority.target(found.get()))) {
            throw refused(type, caller, action, userId, "not_found",
                    new ProblemException(ErrorCode.NOT_FOUND, "No such user."));
        }
        if (permission != READ && !authority.allows(actor, permission, AdminAuthority.target(found.get()))) {
            throw refused(type, caller, action, userId, "not_granted",
                    new ProblemException(ErrorCode.FORBIDDEN, "The caller may not do this."));
        }
        return found.get();
    }

    private void requireNotSelf(Principal actor, Caller caller, ManagedUser user, AuditEventType type, String action) {
        if (user.userId().equals(actor.userId())) {
            throw refused(type, caller, action, user.userId(), "own_account", new ProblemException(ErrorCode.FORBIDDEN,
                    "Administrators cannot change the roles, status or existence of their own account."));
        }
    }

    private void requireNotOutranked(Principal actor, Caller caller, ManagedUser user, String action) {
        if (authority.highestRank(user.tenantId(), user.roles()) > authority.highestRank(actor.tenant(), actor.roles())) {
            audit.record(AuditEventType.PRIVILEGE_ESCALATION, caller.actor(), "user", action, "denied",
                    Map.of("target_user_id", user.userId(), "reason", "target_outranks_caller",
                            "caller_roles", actor.roles(), "target_roles", user.roles()));
            throw new ProblemException(ErrorCode.FORBIDDEN, "The user holds a role above the caller's.");
        }
    }

    private void requireGrantable(Principal actor, Caller caller, List<String> roles, String action, String userId) {
        List<String> above = roles.stream().filter(role -> !authority.canGrant(actor, actor.tenant(), role)).toList();
        if (!above.isEmpty()) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("reason", "role_above_caller");
            data.put("requested_roles", roles);
            data.put("refused_roles", above);
            data.put("caller_roles", actor.roles());
            if (userId != null) {
                data.put("target_user_id", userId);
            }
            audit.record(AuditEventType.PRIVILEGE_ESCALATION, caller.actor(), "user", action, "denied", data);
            throw new ProblemException(ErrorCode.FORBIDDEN, "Nobody grants a role above their own.");
        }
    }

    private ManagedUser reload(ManagedUser user) {
        return repository.findUser(user.tenantId(), user.userId())
                .orElseThrow(() -> new ProblemException(ErrorCode.NOT_FOUND, "No such user."));
    }

    private ProblemException invalid(AuditEventType type, Caller caller, String action, String userId,
            List<FieldError> errors) {
        return refused(type, caller, action, userId, "invalid",
                ProblemException.invalid(ErrorCode.VALIDATION_FAILED, "The request is not valid.", errors));
    }

    private ProblemException conflict(AuditEventType type, Caller caller, String action, String userId) {
        return refused(type, caller, action, userId, "concurrent_change",
                new ProblemException(ErrorCode.CONFLICT, "The user changed meanwhile; read it again and retry."));
    }

    /** Audits a refusal (result {@code denied}, with the reason) and returns the problem to throw. */
    private ProblemException refused(AuditEventType type, Caller caller, String action, String userId, String reason,
            ProblemException problem) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("reason", reason);
        if (userId != null) {
            data.put("target_user_id", userId);
        }
        if (!problem.errors().isEmpty()) {
            data.put("fields", problem.errors().stream().map(FieldError::field).distinct().toList());
        }
        audit.record(type, caller.actor(), "user", action, "denied", data);
        return problem;
    }
}
