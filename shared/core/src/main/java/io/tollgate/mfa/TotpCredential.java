package io.tollgate.mfa;

import io.tollgate.storage.Attributes;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A user's TOTP credential as stored ({@code TENANT#t#USER#uid} / {@code MFA#TOTP}, identity
 * table): the secret envelope-encrypted with context {@code {tenant, purpose: "totp"}}, whether it
 * is still pending activation, and the last time step accepted (the replay guard).
 */
public record TotpCredential(String tenantId, String userId, Status status, String secretCiphertext,
        OptionalLong lastStep, Optional<Instant> pendingExpiresAt) {

    /** PENDING until a first valid code activates it; only ACTIVE credentials verify logins. */
    public enum Status {
        PENDING, ACTIVE
    }

    public TotpCredential {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(secretCiphertext, "secretCiphertext");
        Objects.requireNonNull(lastStep, "lastStep");
        Objects.requireNonNull(pendingExpiresAt, "pendingExpiresAt");
    }

    static TotpCredential fromItem(Map<String, AttributeValue> item) {
        return new TotpCredential(Attributes.requiredString(item, "tenant_id"), Attributes.requiredString(item, "user_id"),
                Status.valueOf(Attributes.requiredString(item, "status")),
                Attributes.requiredString(item, "secret_ciphertext"),
                Attributes.number(item, "last_step").map(OptionalLong::of).orElse(OptionalLong.empty()),
                Attributes.instantMillis(item, "pending_expires_at"));
    }

    public boolean active() {
        return status == Status.ACTIVE;
    }

    /** A pending credential that may still be activated at {@code now}. */
    public boolean pendingAt(Instant now) {
        return status == Status.PENDING && pendingExpiresAt.map(now::isBefore).orElse(false);
    }

    @Override
    public String toString() {
        return "TotpCredential[tenantId=" + tenantId + ", userId=" + userId + ", status=" + status + ", secret=<redacted>]";
    }
}
