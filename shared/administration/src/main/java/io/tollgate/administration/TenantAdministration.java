package io.tollgate.administration;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.audit.AuditEventType;
import io.tollgate.audit.AuditRecorder;
import io.tollgate.authz.AccessPolicy;
import io.tollgate.authz.Permission;
import io.tollgate.authz.Principal;
import io.tollgate.authz.ResourceRef;
import io.tollgate.http.ErrorCode;
import io.tollgate.http.ProblemException;
import io.tollgate.http.ProblemException.FieldError;
import io.tollgate.password.CommonPasswords;
import io.tollgate.password.PasswordPolicy;
import io.tollgate.password.PasswordRuleViolation;
import io.tollgate.settings.SecuritySettings;
import io.tollgate.tenant.Tenant;
import io.tollgate.user.UserDirectory;
import io.tollgate.user.UserProvisioning;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Tenants, organisations and per-tenant security settings (docs/openapi.yaml and docs/contract.md §Security defaults, ADR 0017).
 *
 * <ul>
 * <li>{@code POST /v1/tenants} (global {@code tenant:create}, i.e. super_admin): the tenant and,
 * optionally, its first {@code tenant_admin} — tenant users are otherwise only managed from inside
 * the tenant, so this is how a new tenant gets its administrator.</li>
 * <li>Organisations of tenant {@code t}: {@code organization:create|read} on {@code t}; a caller
 * whose grant is {@code own} sees only its own organisation.</li>
 * <li>Settings of tenant {@code t}: {@code tenant:read|update} on {@code t}; {@code tenant_admin}
 * holds {@code tenant:*:own}, which for a tenant resource means its own tenant. A {@code PUT}
 * replaces the whole document after the {@link SecuritySettings} floors accept it.</li>
 * </ul>
 */
public final class TenantAdministration {

    static final Permission TENANT_CREATE = Permission.required("tenant:create");
    static final Permission TENANT_READ = Permission.required("tenant:read");
    static final Permission TENANT_UPDATE = Permission.required("tenant:update");
    static final Permission ORGANIZATION_CREATE = Permission.required("organization:create");
    static final Permission ORGANIZATION_READ = Permission.required("organization:read");

    private final AdminAuthority authority;
    private final AdministrationRepository repository;
    private final UserProvisioning provisioning;
    private final CommonPasswords commonPasswords;
    private final SecuritySettings defaultSettings;
    private final AuditRecorder audit;
    private final Clock clock;
    private final io.tollgate.net.WebhookTargets webhookTargets;

    public TenantAdministration(AdminAuthority authority, AdministrationRepository repository,
            UserProvisioning provisioning, CommonPasswords commonPasswords, SecuritySettings defaultSettings,
            AuditRecorder audit, Clock clock, io.tollgate.net.WebhookTargets webhookTargets) {
        this.authority = Objects.requireNonNull(authority, "authority");
        this.repository = Objects.requireNonNull(repository, "repository");
        this.provisioning = Objects.requireNonNull(provisioning, "provisioning");
        this.commonPasswords = Objects.requireNonNull(commonPasswords, "commonPasswords");
        this.defaultSettings = Objects.requireNonNull(defaultSettings, "defaultSettings");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.webhookTargets = Objects.requireNonNull(webhookTargets, "webhookTargets");
    }

    /**
     * {@code POST /v1/tenants}; {@code settings} defaults to the platform defaults, {@code roleProfile}
     * to {@code default} (seed 000's roles; {@code simple} is seed 001's admin/analyst/user).
     */
    public record NewTenant(String id, String name, JsonNode settings, FirstAdmin admin,
            @JsonProperty("role_profile") String roleProfile) {
        public NewTenant(String id, String name, JsonNode settings, FirstAdmin admin) {
            this(id, name, settings, admin, null);
        }
    }

    /** The new tenant's first {@code tenant_admin}. */
    public record FirstAdmin(String username, String email, String password) {
        @Override
        public String toString() {
            return "FirstAdmin[]";
        }
    }

    /** {@code POST /v1/tenants/{t}/organizations}. */
    public record NewOrganization(String id, String name) {
    }

    /** What {@link #create} made. */
    public record CreatedTenant(Tenant tenant, Optional<ManagedUser> admin) {
    }

    public CreatedTenant create(Caller caller, NewTenant request) {
        Principal actor = authority.current(caller);
        if (!authority.allows(actor, TENANT_CREATE, ResourceRef.global())) {
            throw refused(AuditEventType.TENANT_CREATED, caller, "tenant", "create", null, "not_granted",
                    new ProblemException(ErrorCode.FORBIDDEN, "The caller may not do this."));
        }
        List<FieldError> errors = new ArrayList<>();
        UserFields.identifier("id", request.id(), true, errors);
        UserFields.displayName("name", request.name(), errors);
        FirstAdmin admin = request.admin();
        if (admin != null) {
            List<FieldError> adminErrors = new ArrayList<>();
            UserFields.username(admin.username(), adminErrors);
            UserFields.email("email", admin.email(), false, adminErrors);
            UserFields.password(admin.password(), adminErrors);
            adminErrors.forEach(e -> errors.add(new FieldError("admin." + e.field(), e.code(), e.message())));
        }
        String profileName = request.roleProfile() == null ? Tenant.DEFAULT_ROLE_PROFILE : request.roleProfile();
        Optional<AccessPolicy> profile = authority.profile(profileName);
        if (profile.isEmpty()) {
            errors.add(new FieldError("role_profile", "unknown_role_profile",
                    "Unknown role profile; use one of " + AccessPolicy.bundledProfiles().stream().sorted().toList() + "."));
        }
        String safeId = errors.stream().anyMatch(e -> e.field().equals("id")) ? null : request.id();
        if (!errors.isEmpty()) {
            throw invalid(AuditEventType.TENANT_CREATED, caller, "tenant", "create", safeId, errors);
        }
        SecuritySettings settings;
        try {
            settings = request.settings() == null ? defaultSettings : SettingsDocument.read(request.settings(), webhookTargets);
        } catch (ProblemException e) {
            throw refused(AuditEventType.TENANT_CREATED, caller, "tenant", "create", safeId, "invalid", e);
        }
        String firstAdminRole = profile.get().tenantAdminRole();
        if (admin != null) {
            if (!authority.canGrant(actor, profile.get(), firstAdminRole)) {
                audit.record(AuditEventType.PRIVILEGE_ESCALATION, caller.actor(), "tenant", "create", "denied",
                        Map.of("reason", "role_above_caller", "requested_roles", List.of(firstAdminRole),
                                "caller_roles", actor.roles()));
                throw new ProblemException(ErrorCode.FORBIDDEN, "Nobody grants a role above their own.");
            }
            // Checked before the tenant exists, so a rejected password leaves no tenant without its administrator.
            List<PasswordRuleViolation> violations = new PasswordPolicy(settings.password(), commonPasswords)
                    .check(admin.password(), List.of(admin.username(), admin.email() == null ? "" : admin.email(),
                            request.id()));
            if (!violations.isEmpty()) {
                throw refused(AuditEventType.TENANT_CREATED, caller, "tenant", "create", safeId, "password_policy",
                        ProblemException.invalid(ErrorCode.PASSWORD_POLICY_VIOLATED,
                                "The password does not meet the password policy.", violations.stream()
                                        .map(v -> new FieldError("admin.password", v.rule(), v.message())).toList()));
            }
        }
        UserProvisioning.Requester requester = new UserProvisioning.Requester(request.id(), actor.userId(),
                caller.ipAddress());
        Tenant tenant;
        try {
            tenant = provisioning.createTenant(request.id(), request.name(), settings, profileName, requester);
        } catch (UserDirectory.AlreadyExistsException e) {
            throw refused(AuditEventType.TENANT_CREATED, caller, "tenant", "create", request.id(), "exists",
                    new ProblemException(ErrorCode.CONFLICT, "This tenant id is taken."));
        }
        Optional<ManagedUser> created = Optional.empty();
        if (admin != null) {
            String userId = provisioning.createUser(tenant, new UserProvisioning.NewUserRequest(admin.username(),
                    admin.email(), admin.password(), List.of(firstAdminRole), null), requester);
            created = repository.findUser(tenant.id(), userId);
        }
        return new CreatedTenant(tenant, created);
    }

    public Organization createOrganization(Caller caller, String tenantId, NewOrganization request) {
        Principal actor = authority.current(caller);
        requireAllowed(actor, caller, ORGANIZATION_CREATE, tenantId, AuditEventType.ORGANIZATION_CREATED, "organization",
                "create");
        List<FieldError> errors = new ArrayList<>();
        UserFields.identifier("id", request.id(), true, errors);
        UserFields.displayName("name", request.name(), errors);
        if (!errors.isEmpty()) {
            throw invalid(AuditEventType.ORGANIZATION_CREATED, caller, "organization", "create", tenantId, errors);
        }
        try {
            provisioning.createOrganization(tenantId, request.id(), request.name(),
                    new UserProvisioning.Requester(tenantId, actor.userId(), caller.ipAddress()));
        } catch (UserDirectory.AlreadyExistsException e) {
            throw refused(AuditEventType.ORGANIZATION_CREATED, caller, "organization", "create", tenantId, "exists",
                    new ProblemException(ErrorCode.CONFLICT, "This organization id is taken in this tenant."));
        }
        return new Organization(tenantId, request.id(), request.name(), Optional.of(clock.instant()));
    }

    /** The organisations of tenant {@code t} the caller may read. */
    public Page<Organization> organizations(Caller caller, String tenantId, PageRequest page) {
        Principal actor = authority.current(caller);
        if (!authority.decide(actor, ORGANIZATION_READ, ResourceRef.inTenant(tenantId)).allowed()) {
            throw refused(AuditEventType.DATA_QUERY, caller, "organization", "list", tenantId, "not_granted",
                    new ProblemException(ErrorCode.FORBIDDEN, "The caller may not do this."));
        }
        requireTenant(caller, tenantId, AuditEventType.DATA_QUERY, "organization", "list");
        Page<Organization> raw = repository.organizations(tenantId, page);
        List<Organization> visible = raw.items().stream().filter(org -> authority.allows(actor, ORGANIZATION_READ,
                ResourceRef.inTenant(tenantId).withOrg(org.id()))).toList();
        audit.record(AuditEventType.DATA_QUERY, caller.actor(), "organization", "list", "success",
                Map.of("tenant", tenantId, "count", visible.size()));
        return new Page<>(visible, raw.nextCursor());
    }

    public SecuritySettings settings(Caller caller, String tenantId) {
        Principal actor = authority.current(caller);
        requireAllowed(actor, caller, TENANT_READ, tenantId, AuditEventType.DATA_QUERY, "tenant_settings", "read");
        Tenant tenant = requireTenant(caller, tenantId, AuditEventType.DATA_QUERY, "tenant_settings", "read");
        audit.record(AuditEventType.DATA_QUERY, caller.actor(), "tenant_settings", "read", "success",
                Map.of("tenant", tenantId));
        return tenant.settings();
    }

    /** Replaces the settings of tenant {@code t}; the audit event names the sections that changed. */
    public SecuritySettings replaceSettings(Caller caller, String tenantId, JsonNode document) {
        Principal actor = authority.current(caller);
        requireAllowed(actor, caller, TENANT_UPDATE, tenantId, AuditEventType.TENANT_SETTINGS_CHANGED, "tenant_settings",
                "update");
        SecuritySettings settings;
        try {
            settings = SettingsDocument.read(document, webhookTargets);
        } catch (ProblemException e) {
            throw refused(AuditEventType.TENANT_SETTINGS_CHANGED, caller, "tenant_settings", "update", tenantId,
                    "invalid", e);
        }
        Tenant before = requireTenant(caller, tenantId, AuditEventType.TENANT_SETTINGS_CHANGED, "tenant_settings",
                "update");
        // A purpose whose text changed gets a new version, so earlier consent is to the older text (ADR 0068).
        settings = settings.withConsent(settings.consent().versionedAfter(before.settings().consent()));
        if (!repository.replaceSettings(tenantId, settings, clock.instant())) {
            throw refused(AuditEventType.TENANT_SETTINGS_CHANGED, caller, "tenant_settings", "update", tenantId,
                    "not_found", new ProblemException(ErrorCode.NOT_FOUND, "No such tenant."));
        }
        audit.record(AuditEventType.TENANT_SETTINGS_CHANGED, caller.actor(), "tenant_settings", "update", "success",
                Map.of("tenant", tenantId, "changed", changedSections(before.settings(), settings)));
        return settings;
    }

    private static List<String> changedSections(SecuritySettings before, SecuritySettings after) {
        JsonNode old = SettingsDocument.write(before);
        JsonNode now = SettingsDocument.write(after);
        List<String> changed = new ArrayList<>();
        for (Iterator<String> names = now.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!now.get(name).equals(old.get(name))) {
                changed.add(name);
            }
        }
        return changed;
    }

    private void requireAllowed(Principal actor, Caller caller, Permission permission, String tenantId,
            AuditEventType type, String resource, String action) {
        if (!authority.allows(actor, permission, ResourceRef.inTenant(tenantId))) {
            throw refused(type, caller, resource, action, tenantId, "not_granted",
                    new ProblemException(ErrorCode.FORBIDDEN, "The caller may not do this."));
        }
    }

    /** A tenant the caller may act on but which does not exist is 404 (only global grants can get here). */
    private Tenant requireTenant(Caller caller, String tenantId, AuditEventType type, String resource, String action) {
        return repository.tenant(tenantId).orElseThrow(() -> refused(type, caller, resource, action, tenantId,
                "not_found", new ProblemException(ErrorCode.NOT_FOUND, "No such tenant.")));
    }

    private ProblemException invalid(AuditEventType type, Caller caller, String resource, String action, String tenantId,
            List<FieldError> errors) {
        return refused(type, caller, resource, action, tenantId, "invalid",
                ProblemException.invalid(ErrorCode.VALIDATION_FAILED, "The request is not valid.", errors));
    }

    private ProblemException refused(AuditEventType type, Caller caller, String resource, String action, String tenantId,
            String reason, ProblemException problem) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("reason", reason);
        if (tenantId != null) {
            data.put("tenant", tenantId);
        }
        if (!problem.errors().isEmpty()) {
            data.put("fields", problem.errors().stream().map(FieldError::field).distinct().toList());
        }
        audit.record(type, caller.actor(), resource, action, "denied", data);
        return problem;
    }
}
