package io.tollgate.administration;

import io.tollgate.storage.Attributes;
import io.tollgate.user.UserAccount;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A user as an administrator sees it: identity, organisation, roles, status and lockout state.
 * Read with a projection that never includes the password hash or MFA secrets.
 *
 * @param username the normalised user name (the item key)
 * @param legacyEmailCiphertext the stored e-mail ciphertext when it predates the user-bound
 *                              context (ADR 0058): the next write of the item replaces it
 */
public record ManagedUser(String tenantId, String userId, String username, Optional<String> email,
        Optional<String> organizationId, List<String> roles, UserAccount.Status status, Optional<Instant> lockedUntil,
        long failedAttempts, List<String> mfaMethods, Optional<Instant> createdAt, Optional<Instant> lastLoginAt,
        Optional<String> legacyEmailCiphertext) {

    /** The attributes read for a user; everything else on the item (hashes, MFA secrets) stays in the table. */
    static final List<String> PROJECTION = List.of("tenant_id", "user_id", "username", "email_enc", "org_id", "roles",
            "status", "locked_until", "fail_count", "mfa_methods", "created_at", "last_login_at");

    public ManagedUser {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(status, "status");
        roles = List.copyOf(roles);
        mfaMethods = List.copyOf(mfaMethods);
        Objects.requireNonNull(legacyEmailCiphertext, "legacyEmailCiphertext");
    }

    /** A user whose e-mail ciphertext (if any) is bound to it. */
    public ManagedUser(String tenantId, String userId, String username, Optional<String> email,
            Optional<String> organizationId, List<String> roles, UserAccount.Status status, Optional<Instant> lockedUntil,
            long failedAttempts, List<String> mfaMethods, Optional<Instant> createdAt, Optional<Instant> lastLoginAt) {
        this(tenantId, userId, username, email, organizationId, roles, status, lockedUntil, failedAttempts, mfaMethods,
                createdAt, lastLoginAt, Optional.empty());
    }

    /** The user of {@code item}, with its e-mail address as the repository decrypted it. */
    static ManagedUser from(Map<String, AttributeValue> item,
            Optional<io.tollgate.crypto.EnvelopeEncryptor.UserBound<String>> email) {
        return new ManagedUser(Attributes.requiredString(item, "tenant_id"), Attributes.requiredString(item, "user_id"),
                Attributes.requiredString(item, "username"), email.map(io.tollgate.crypto.EnvelopeEncryptor.UserBound::value),
                Attributes.string(item, "org_id"), Attributes.stringList(item, "roles"),
                UserAccount.Status.valueOf(Attributes.requiredString(item, "status")),
                Attributes.instantMillis(item, "locked_until"), Attributes.number(item, "fail_count").orElse(0L),
                Attributes.stringList(item, "mfa_methods"), Attributes.instantMillis(item, "created_at"),
                Attributes.instantMillis(item, "last_login_at"),
                email.filter(io.tollgate.crypto.EnvelopeEncryptor.UserBound::legacy)
                        .flatMap(legacy -> Attributes.string(item, "email_enc")));
    }

    /** Whether a lockout is in force at {@code now}. */
    public boolean lockedAt(Instant now) {
        return lockedUntil.map(now::isBefore).orElse(false);
    }

    /** The JSON representation of {@code GET /v1/users/{id}} (docs/openapi.yaml {@code User}). */
    public Map<String, Object> view(Instant now) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", userId);
        out.put("username", username);
        out.put("email", email.orElse(null));
        out.put("org", organizationId.orElse(null));
        out.put("roles", roles);
        out.put("status", status.name());
        out.put("locked", lockedAt(now));
        out.put("locked_until", lockedUntil.filter(now::isBefore).map(Instant::toString).orElse(null));
        out.put("mfa_methods", mfaMethods);
        out.put("created_at", createdAt.map(Instant::toString).orElse(null));
        out.put("last_login_at", lastLoginAt.map(Instant::toString).orElse(null));
        return out;
    }

    @Override
    public String toString() {
        return "ManagedUser[tenantId=" + tenantId + ", userId=" + userId + ", roles=" + roles + ", status=" + status + "]";
    }
}
