package io.tollgate.user;

import io.tollgate.lockout.FailureState;
import io.tollgate.storage.Attributes;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A user of a tenant as stored on its identity item: credentials, roles, organisation, status,
 * MFA methods and the login failure counter. {@code userId} (the token {@code sub}) is random
 * and never changes; the item is keyed by the normalised user name so login is one look-up.
 * {@code passwordHistory} holds the Argon2id hashes of the previous passwords, newest first
 * (ADR 0025); never plaintext.
 */
public record UserAccount(String tenantId, String userId, String username, String organizationId,
        List<String> roles, Status status, String passwordHash, Instant passwordChangedAt,
        List<String> mfaMethods, FailureState failures, Map<String, Instant> liveSessions, long sessionVersion,
        List<String> passwordHistory) {

    public enum Status {
        ACTIVE, DISABLED
    }

    public UserAccount {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(passwordHash, "passwordHash");
        roles = List.copyOf(roles);
        mfaMethods = List.copyOf(mfaMethods);
        Objects.requireNonNull(failures, "failures");
        liveSessions = Map.copyOf(liveSessions);
        passwordHistory = List.copyOf(passwordHistory);
    }

    public boolean active() {
        return status == Status.ACTIVE;
    }

    public static UserAccount fromItem(Map<String, AttributeValue> item) {
        return new UserAccount(Attributes.requiredString(item, "tenant_id"), Attributes.requiredString(item, "user_id"),
                Attributes.requiredString(item, "username"), Attributes.string(item, "org_id").orElse(null),
                Attributes.stringList(item, "roles"), Status.valueOf(Attributes.requiredString(item, "status")),
                Attributes.requiredString(item, "password_hash"),
                Attributes.instantMillis(item, "password_changed_at").orElse(Instant.EPOCH),
                Attributes.stringList(item, "mfa_methods"), FailureState.from(item),
                Attributes.instantMap(item, "live_sessions"), Attributes.number(item, "session_version").orElse(0L),
                Attributes.stringList(item, "password_history"));
    }

    @Override
    public String toString() {
        return "UserAccount[tenantId=" + tenantId + ", userId=" + userId + ", status=" + status + "]";
    }
}
