package io.tollgate.mfa;

import io.tollgate.storage.Attributes;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * An open second-step challenge as stored ({@code MFA#<sha256(mfa_token)>} / {@code MFA}, security
 * table): whose it is, what it is for, how many attempts it has left and the e-mail code sent
 * for it, if any (only as a keyed hash), the SMS code sent for it likewise (ADR 0032), and the
 * WebAuthn assertion request issued for it, if any (public data: the challenge and allowed
 * credential ids). Never holds the {@code mfa_token}, a code or a phone number.
 */
public record MfaChallenge(String tokenHash, String tenantId, String userId, String username, List<String> methods,
        Purpose purpose, String audience, int attempts, int maxAttempts, Instant expiresAt,
        Optional<String> emailCodeHash, Optional<Instant> emailCodeExpiresAt, int emailSends,
        Optional<String> webAuthnRequest, Optional<String> smsCodeHash, Optional<Instant> smsCodeExpiresAt,
        int smsSends) {

    /** What completing the challenge does. */
    public enum Purpose {
        /** Prove an enrolled second factor ({@code POST /v1/auth/mfa/verify}). */
        VERIFY,
        /** Enrol TOTP because the tenant requires MFA and the user has none ({@code /v1/auth/mfa/enrolment/...}). */
        ENROLMENT
    }

    public MfaChallenge {
        methods = List.copyOf(methods);
    }

    static MfaChallenge fromItem(String tokenHash, Map<String, AttributeValue> item) {
        return new MfaChallenge(tokenHash, Attributes.requiredString(item, "tenant_id"),
                Attributes.requiredString(item, "user_id"), Attributes.requiredString(item, "username"),
                Attributes.stringList(item, "methods"),
                Purpose.valueOf(Attributes.string(item, "purpose").orElse(Purpose.VERIFY.name())),
                Attributes.string(item, "audience").orElse(null),
                Attributes.number(item, "attempts").orElse(0L).intValue(),
                Attributes.number(item, "max_attempts").orElse((long) MfaChallenges.MAX_ATTEMPTS).intValue(),
                Attributes.instantMillis(item, "expires_at").orElse(Instant.EPOCH),
                Attributes.string(item, "email_code_hash"),
                Attributes.instantMillis(item, "email_code_expires_at"),
                Attributes.number(item, "email_sends").orElse(0L).intValue(),
                Attributes.string(item, "webauthn_request"),
                Attributes.string(item, "sms_code_hash"),
                Attributes.instantMillis(item, "sms_code_expires_at"),
                Attributes.number(item, "sms_sends").orElse(0L).intValue());
    }

    /** Whether the challenge may still be answered at {@code now}. */
    public boolean liveAt(Instant now) {
        return now.isBefore(expiresAt) && attempts < maxAttempts;
    }

    @Override
    public String toString() {
        return "MfaChallenge[tenantId=" + tenantId + ", userId=" + userId + ", purpose=" + purpose
                + ", attempts=" + attempts + "/" + maxAttempts + "]";
    }
}
