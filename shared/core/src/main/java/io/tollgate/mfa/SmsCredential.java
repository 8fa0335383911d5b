package io.tollgate.mfa;

import io.tollgate.storage.Attributes;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A user's SMS factor as stored ({@code TENANT#t#USER#uid} / {@code MFA#SMS}, identity table; ADR
 * 0032): the verified number, if any, and a number waiting for its verification code, if any —
 * both envelope-encrypted with context {@code {tenant, user, purpose: "phone"}}, plus their last
 * two digits. Registering a new number never touches the verified one: only a verified number
 * receives sign-in codes, and a new number replaces it only once its own code was entered.
 */
public record SmsCredential(String tenantId, String userId, Optional<String> phoneCiphertext,
        Optional<String> phoneLastTwo, Optional<Pending> pending) {

    /** A number waiting for verification: its code (keyed hash only), expiry and attempts used. */
    public record Pending(String phoneCiphertext, String lastTwo, String codeHash, Instant createdAt,
            Instant expiresAt, int attempts) {
        public Pending {
            Objects.requireNonNull(phoneCiphertext, "phoneCiphertext");
            Objects.requireNonNull(codeHash, "codeHash");
        }

        /** Whether the code may still be entered at {@code now}. */
        public boolean liveAt(Instant now, int maxAttempts) {
            return now.isBefore(expiresAt) && attempts < maxAttempts;
        }

        @Override
        public String toString() {
            return "Pending[lastTwo=" + lastTwo + ", attempts=" + attempts + "]";
        }
    }

    public SmsCredential {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(phoneCiphertext, "phoneCiphertext");
        Objects.requireNonNull(phoneLastTwo, "phoneLastTwo");
        Objects.requireNonNull(pending, "pending");
    }

    static SmsCredential fromItem(Map<String, AttributeValue> item) {
        Optional<Pending> pending = Attributes.string(item, "pending_phone_ciphertext").map(ciphertext -> new Pending(
                ciphertext, Attributes.string(item, "pending_last2").orElse(""),
                Attributes.requiredString(item, "pending_code_hash"),
                Attributes.instantMillis(item, "pending_created_at").orElse(Instant.EPOCH),
                Attributes.instantMillis(item, "pending_expires_at").orElse(Instant.EPOCH),
                Attributes.number(item, "pending_attempts").orElse(0L).intValue()));
        return new SmsCredential(Attributes.requiredString(item, "tenant_id"), Attributes.requiredString(item, "user_id"),
                Attributes.string(item, "phone_ciphertext"), Attributes.string(item, "phone_last2"), pending);
    }

    /** Whether a verified number is registered (only then can SMS codes be sent for sign-in). */
    public boolean verified() {
        return phoneCiphertext.isPresent();
    }

    @Override
    public String toString() {
        return "SmsCredential[tenantId=" + tenantId + ", userId=" + userId + ", verified=" + verified()
                + ", pending=" + pending.isPresent() + "]";
    }
}
