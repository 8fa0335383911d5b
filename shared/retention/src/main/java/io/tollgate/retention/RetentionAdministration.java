package io.tollgate.retention;

import io.tollgate.administration.AdminAuthority;
import io.tollgate.administration.AdministrationRepository;
import io.tollgate.administration.Caller;
import io.tollgate.audit.AuditEventType;
import io.tollgate.audit.AuditRecorder;
import io.tollgate.authz.Permission;
import io.tollgate.authz.Principal;
import io.tollgate.authz.ResourceRef;
import io.tollgate.http.ErrorCode;
import io.tollgate.http.ProblemException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A tenant's retention, administered over HTTP (ADR 0030): the effective policy with
 * its overrides, override changes (validated against the legal minimums) and legal holds on the
 * tenant or one of its users. The authorizer has decided on the route; this decides again on the
 * stored caller ({@code tenant:read} / {@code tenant:update} on tenant {@code t}). Every change
 * and every refusal is audited.
 */
public final class RetentionAdministration {

    static final Permission TENANT_READ = Permission.required("tenant:read");
    static final Permission TENANT_UPDATE = Permission.required("tenant:update");
    private static final int MAX_REASON = 500;

    private final RetentionPolicy policy;
    private final RetentionSettings settings;
    private final AdminAuthority authority;
    private final AdministrationRepository repository;
    private final AuditRecorder audit;

    public RetentionAdministration(RetentionPolicy policy, RetentionSettings settings, AdminAuthority authority,
            AdministrationRepository repository, AuditRecorder audit) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.authority = Objects.requireNonNull(authority, "authority");
        this.repository = Objects.requireNonNull(repository, "repository");
        this.audit = Objects.requireNonNull(audit, "audit");
    }

    /** {@code PUT /v1/tenants/{t}/retention} body. */
    public record OverridesChange(Map<String, Object> overrides) {
    }

    /** {@code PUT /v1/tenants/{t}/legal-holds/{hold}} body. */
    public record HoldRequest(String reason) {
        @Override
        public String toString() {
            return "HoldRequest[]";
        }
    }

    /** {@code GET /v1/tenants/{t}/retention}: every class with the tenant's days, and the holds. */
    public Map<String, Object> view(Caller caller, String tenantId) {
        require(caller, TENANT_READ, tenantId, AuditEventType.DATA_QUERY, "read");
        audit.record(AuditEventType.DATA_QUERY, caller.actor(), "retention", "read", "success", Map.of("tenant", tenantId));
        return view(settings.read(tenantId));
    }

    /** {@code PUT /v1/tenants/{t}/retention}: replaces the overrides (400 naming each bad class; nothing written). */
    public Map<String, Object> replaceOverrides(Caller caller, String tenantId, OverridesChange change) {
        require(caller, TENANT_UPDATE, tenantId, AuditEventType.RETENTION_CHANGED, "update");
        Map<String, Object> requested = change == null || change.overrides() == null ? null : change.overrides();
        if (requested == null) {
            throw refused(caller, AuditEventType.RETENTION_CHANGED, "update", tenantId, "invalid",
                    ProblemException.invalid(ErrorCode.VALIDATION_FAILED, "The retention overrides are not valid",
                            List.of(new ProblemException.FieldError("overrides", "required", "an object of class id to days"))));
        }
        Map<String, Integer> stored;
        try {
            stored = settings.putOverrides(tenantId, requested);
        } catch (ProblemException e) {
            throw refused(caller, AuditEventType.RETENTION_CHANGED, "update", tenantId, "invalid", e);
        }
        audit.record(AuditEventType.RETENTION_CHANGED, caller.actor(), "retention", "update", "success",
                Map.of("tenant", tenantId, "overrides", stored, "policy_version", policy.version()));
        return view(settings.read(tenantId));
    }

    /** {@code PUT /v1/tenants/{t}/legal-holds/{hold}}: {@code hold} is {@code tenant} or a user id of the tenant. */
    public void placeHold(Caller caller, String tenantId, String hold, HoldRequest request) {
        require(caller, TENANT_UPDATE, tenantId, AuditEventType.LEGAL_HOLD_CHANGED, "place");
        String reason = request == null || request.reason() == null ? "" : request.reason().strip();
        if (reason.isEmpty() || reason.length() > MAX_REASON) {
            throw refused(caller, AuditEventType.LEGAL_HOLD_CHANGED, "place", tenantId, "invalid",
                    ProblemException.invalid(ErrorCode.VALIDATION_FAILED, "The legal hold is not valid",
                            List.of(new ProblemException.FieldError("reason", "required",
                                    "a reason of 1 to " + MAX_REASON + " characters"))));
        }
        Optional<String> user = user(caller, tenantId, hold, "place");
        if (user.isPresent()) {
            settings.holdUser(tenantId, user.get(), reason, caller.principal().userId());
        } else {
            settings.holdTenant(tenantId, reason, caller.principal().userId());
        }
        audit.record(AuditEventType.LEGAL_HOLD_CHANGED, caller.actor(), "legal_hold", "place", "success",
                holdData(tenantId, user));
    }

    /** {@code DELETE /v1/tenants/{t}/legal-holds/{hold}} (idempotent). */
    public void releaseHold(Caller caller, String tenantId, String hold) {
        require(caller, TENANT_UPDATE, tenantId, AuditEventType.LEGAL_HOLD_CHANGED, "release");
        Optional<String> user = user(caller, tenantId, hold, "release");
        if (user.isPresent()) {
            settings.releaseUser(tenantId, user.get());
        } else {
            settings.releaseTenant(tenantId);
        }
        audit.record(AuditEventType.LEGAL_HOLD_CHANGED, caller.actor(), "legal_hold", "release", "success",
                holdData(tenantId, user));
    }

    private Optional<String> user(Caller caller, String tenantId, String hold, String action) {
        if ("tenant".equals(hold)) {
            return Optional.empty();
        }
        if (hold == null || repository.findUser(tenantId, hold).isEmpty()) {
            throw refused(caller, AuditEventType.LEGAL_HOLD_CHANGED, action, tenantId, "not_found",
                    new ProblemException(ErrorCode.NOT_FOUND, "No such user."));
        }
        return Optional.of(hold);
    }

    private static Map<String, Object> holdData(String tenantId, Optional<String> user) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("tenant", tenantId);
        data.put("scope", user.isPresent() ? "user" : "tenant");
        user.ifPresent(id -> data.put("held_user", id));
        return data;
    }

    private void require(Caller caller, Permission permission, String tenantId, AuditEventType type, String action) {
        Principal actor = authority.current(caller);
        if (!authority.allows(actor, permission, ResourceRef.inTenant(tenantId))) {
            throw refused(caller, type, action, tenantId, "not_granted",
                    new ProblemException(ErrorCode.FORBIDDEN, "The caller may not do this."));
        }
        if (repository.tenant(tenantId).isEmpty()) {
            throw refused(caller, type, action, tenantId, "not_found", new ProblemException(ErrorCode.NOT_FOUND,
                    "No such tenant."));
        }
    }

    private ProblemException refused(Caller caller, AuditEventType type, String action, String tenantId, String reason,
            ProblemException problem) {
        audit.record(type, caller.actor(), type == AuditEventType.LEGAL_HOLD_CHANGED ? "legal_hold" : "retention",
                action, "failure", Map.of("tenant", tenantId, "reason", reason));
        return problem;
    }

    private Map<String, Object> view(TenantRetention retention) {
        List<Map<String, Object>> classes = new ArrayList<>();
        for (DataClass dataClass : policy.classes()) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("id", dataClass.id());
            line.put("description", dataClass.description());
            line.put("store", dataClass.store());
            line.put("action", dataClass.action().wireName());
            line.put("enforcement", dataClass.enforcement());
            line.put("default_days", dataClass.retentionDays());
            line.put("legal_minimum_days", dataClass.legalMinimumDays());
            line.put("days", retention.days(dataClass));
            line.put("overridden", retention.overrides().containsKey(dataClass.id()));
            classes.add(line);
        }
        Map<String, Object> holds = new LinkedHashMap<>();
        holds.put("tenant", retention.tenantHold());
        holds.put("users", retention.heldUsers().stream().sorted().toList());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tenant", retention.tenantId());
        out.put("policy_version", policy.version());
        out.put("classes", classes);
        out.put("legal_holds", holds);
        return out;
    }
}
