package io.tollgate.authz;

import io.tollgate.audit.AuditEventType;
import io.tollgate.audit.AuditRecorder;
import io.tollgate.audit.AuditRecorder.Actor;
import io.tollgate.http.ErrorCode;
import io.tollgate.http.ProblemException;
import io.tollgate.http.ProblemException.FieldError;
import io.tollgate.user.UserAccount;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The rules of API keys (ADR 0054), for the owner's {@code /v1/me/api-keys} routes and for
 * administrators:
 *
 * <ul>
 *   <li>A key has a name (1-64 characters), a subset of its owner's current roles, and an expiry
 *       stated at creation: {@code expires_in_days} 1-365, default 90. The authorizer refuses it
 *       after that instant.</li>
 *   <li>At most {@value #MAX_KEYS_PER_USER} active keys per user, enforced by the repository's
 *       conditional counter (never list-then-create); expired keys still count until revoked, and
 *       are revoked to make room when the limit is reached.</li>
 *   <li>Revocation one by one (the owner), every key of a user (an administrator, the owner's
 *       anomaly lock) and every key of a tenant (emergency, audited CRITICAL).</li>
 * </ul>
 */
public final class ApiKeyService {

    /** Active keys per user (seed 000). */
    public static final int MAX_KEYS_PER_USER = 10;
    /** The lifetime of a key created without {@code expires_in_days}. */
    public static final int DEFAULT_LIFETIME_DAYS = 90;
    /** The longest lifetime a key may be created with. */
    public static final int MAX_LIFETIME_DAYS = 365;

    private static final Pattern KEY_ID = Pattern.compile("[a-z0-9]{8}");
    private static final int MAX_PREFIX_ATTEMPTS = 3;

    private final ApiKeyRepository repository;
    private final ApiKeys generator;
    private final AuditRecorder audit;
    private final Clock clock;

    public ApiKeyService(ApiKeyRepository repository, ApiKeys generator, AuditRecorder audit, Clock clock) {
        this.repository = Objects.requireNonNull(repository, "repository");
        this.generator = Objects.requireNonNull(generator, "generator");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** {@code POST /v1/me/api-keys}: a name, optionally a subset of the owner's roles and a lifetime in days. */
    public record Request(String name, List<String> roles, Integer expiresInDays) {
    }

    /** A created key: the plaintext is shown once. */
    public record Issued(String id, String plaintext, String name, List<String> roles, Instant expiresAt) {
        public Issued {
            roles = List.copyOf(roles);
        }

        @Override
        public String toString() {
            return "Issued[id=" + id + ", secret=<redacted>]";
        }
    }

    /** A validated request: the roles the key carries and when it expires. */
    record Checked(String name, List<String> roles, Duration lifetime) {
    }

    /** Validates {@code request} for {@code owner}; 400 naming every bad field. */
    static Checked check(Request request, List<String> ownerRoles) {
        List<FieldError> errors = new ArrayList<>();
        if (request.name() == null || request.name().isBlank() || request.name().length() > 64) {
            errors.add(new FieldError("name", "required", "A name of 1-64 characters is required."));
        }
        List<String> roles = request.roles() == null || request.roles().isEmpty() ? ownerRoles
                : List.copyOf(request.roles());
        if (!ownerRoles.containsAll(roles)) {
            errors.add(new FieldError("roles", "not_held", "An API key may carry only roles the caller holds."));
        }
        int days = request.expiresInDays() == null ? DEFAULT_LIFETIME_DAYS : request.expiresInDays();
        if (days < 1 || days > MAX_LIFETIME_DAYS) {
            errors.add(new FieldError("expires_in_days", "out_of_range",
                    "A key lives 1-" + MAX_LIFETIME_DAYS + " days (default " + DEFAULT_LIFETIME_DAYS + ")."));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(ErrorCode.VALIDATION_FAILED, "The request is not valid.", errors);
        }
        return new Checked(request.name(), roles, Duration.ofDays(days));
    }

    /**
     * Creates a key for {@code owner} (its current roles bound the key's). 409 when the owner
     * already has {@value #MAX_KEYS_PER_USER} active, unexpired keys.
     */
    public Issued create(Actor actor, UserAccount owner, Request request) {
        Checked checked = check(request, owner.roles());
        Instant expiresAt = clock.instant().plus(checked.lifetime());
        ApiKeyRepository.NewKey key = new ApiKeyRepository.NewKey(owner.tenantId(), owner.userId(), owner.username(),
                owner.organizationId(), checked.roles(), checked.name(), expiresAt);
        boolean madeRoom = false;
        for (int attempt = 0; attempt < MAX_PREFIX_ATTEMPTS; attempt++) {
            ApiKeys.IssuedApiKey issued = generator.generate();
            ApiKeyRepository.Created created = repository.create(issued.stored(), key, MAX_KEYS_PER_USER);
            if (created == ApiKeyRepository.Created.LIMIT_REACHED) {
                if (madeRoom || revokeExpired(actor, owner) == 0) {
                    throw new ProblemException(ErrorCode.CONFLICT,
                            "At most " + MAX_KEYS_PER_USER + " active API keys per user.");
                }
                madeRoom = true;
                attempt--;
                continue;
            }
            if (created == ApiKeyRepository.Created.CONFLICT) {
                throw new ProblemException(ErrorCode.CONFLICT, "API keys of this user are being changed; try again.");
            }
            if (created == ApiKeyRepository.Created.CREATED) {
                audit.record(AuditEventType.API_KEY_CREATED, actor, "api_key", "create", "success",
                        Map.of("api_key", issued.stored().prefix(), "roles", checked.roles(),
                                "expires_at", expiresAt.toString()));
                return new Issued(issued.stored().prefix(), issued.plaintext(), checked.name(), checked.roles(),
                        expiresAt);
            }
        }
        throw new IllegalStateException("Could not find a free API key prefix");
    }

    /** Revokes the owner's expired keys that are still marked active (they count toward the limit). */
    private int revokeExpired(Actor actor, UserAccount owner) {
        Instant now = clock.instant();
        int revoked = 0;
        for (ApiKeyRepository.ApiKeyRecord key : repository.list(owner.tenantId(), owner.userId())) {
            if (key.active() && !key.usableAt(now) && repository.revoke(owner.tenantId(), owner.userId(), key.prefix())) {
                revoked++;
                audit.record(AuditEventType.API_KEY_REVOKED, actor, "api_key", "revoke", "success",
                        Map.of("api_key", key.prefix(), "reason", "expired"));
            }
        }
        return revoked;
    }

    /** The owner's keys (metadata only) as {@code GET /v1/me/api-keys} shows them. */
    public List<Map<String, Object>> list(String tenantId, String userId) {
        return repository.list(tenantId, userId).stream().map(ApiKeyService::view).toList();
    }

    /** {@code DELETE /v1/me/api-keys/{id}}: 404 unless the owner has such an active key. */
    public void revokeOwn(Actor actor, String tenantId, String userId, String id) {
        if (id == null || !KEY_ID.matcher(id).matches() || !repository.revoke(tenantId, userId, id)) {
            throw new ProblemException(ErrorCode.NOT_FOUND, "No such active API key.");
        }
        audit.record(AuditEventType.API_KEY_REVOKED, actor, "api_key", "revoke", "success", Map.of("api_key", id));
    }

    /**
     * Revokes every active key of a user ({@code reason}: {@code administrator}, {@code anomaly_lock})
     * and audits it once; returns the prefixes revoked.
     */
    public List<String> revokeAllOf(Actor actor, String tenantId, String userId, String reason) {
        List<String> revoked = repository.revokeAll(tenantId, userId);
        audit.record(AuditEventType.API_KEYS_REVOKED, actor, "api_key", "revoke_all", "success",
                Map.of("target_user_id", userId, "reason", reason, "api_keys", revoked));
        return revoked;
    }

    /** {@code POST /v1/tenants/{t}/api-keys/revoke-all}: every active key of the tenant; audited CRITICAL. */
    public int revokeAllInTenant(Actor actor, String tenantId) {
        int revoked = 0;
        for (ApiKeyRepository.ApiKeyRecord key : repository.listTenant(tenantId)) {
            if (key.active() && repository.revoke(tenantId, key.userId(), key.prefix())) {
                revoked++;
            }
        }
        audit.record(AuditEventType.API_KEYS_REVOKED_ALL, actor, "api_key", "revoke_all", "success",
                Map.of("target_tenant_id", tenantId, "api_keys_revoked", revoked));
        return revoked;
    }

    /**
     * Revokes the user's active keys that carry a role outside {@code roles} (a role change),
     * auditing each; returns the prefixes revoked.
     */
    public List<String> revokeCarryingOtherRoles(Actor actor, String tenantId, String userId, List<String> roles) {
        List<String> revoked = new ArrayList<>();
        for (ApiKeyRepository.ApiKeyRecord key : repository.list(tenantId, userId)) {
            if (key.active() && !roles.containsAll(key.roles()) && repository.revoke(tenantId, userId, key.prefix())) {
                revoked.add(key.prefix());
                audit.record(AuditEventType.API_KEY_REVOKED, actor, "api_key", "revoke", "success",
                        Map.of("api_key", key.prefix(), "target_user_id", userId, "reason", "role_change"));
            }
        }
        return List.copyOf(revoked);
    }

    /** Deletes every key of a deleted user and its count; returns how many keys. */
    public int purgeAll(String tenantId, String userId) {
        return repository.purgeAll(tenantId, userId);
    }

    /** What the owner sees of a key: never the secret or its digest. */
    static Map<String, Object> view(ApiKeyRepository.ApiKeyRecord key) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", key.prefix());
        out.put("name", key.name());
        out.put("roles", key.roles());
        out.put("status", key.status());
        out.put("created_at", key.createdAt().toString());
        out.put("expires_at", key.expiresAt().toString());
        out.put("last_used_at", key.lastUsedAt().map(Object::toString).orElse(null));
        return out;
    }
}
