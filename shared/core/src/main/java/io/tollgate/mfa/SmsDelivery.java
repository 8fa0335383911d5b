package io.tollgate.mfa;

import io.tollgate.audit.AuditEventType;
import io.tollgate.audit.AuditRecorder;
import io.tollgate.audit.AuditRecorder.Actor;
import io.tollgate.crypto.CiphertextIntegrityException;
import io.tollgate.crypto.EncryptionContext;
import io.tollgate.crypto.EncryptionUnavailableException;
import io.tollgate.crypto.EnvelopeEncryptor;
import io.tollgate.http.ErrorCode;
import io.tollgate.http.ProblemException;
import io.tollgate.sms.PhoneNumbers;
import io.tollgate.sms.SmsMessage;
import io.tollgate.sms.SmsSendCap;
import io.tollgate.sms.SmsSender;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What SMS codes share between phone verification and sign-in (ADR 0032): the phone number's
 * envelope encryption (context {@code {tenant, user, purpose: "phone"}}), 6-digit codes, and the
 * send itself behind the per-number daily cap — counted under the number's keyed hash, audited
 * with the last two digits only. A container without an SMS provider or without the key of the
 * keyed hash refuses with 503 rather than sending unprotected.
 */
public final class SmsDelivery {

    /** The purpose of a phone number's encryption context. */
    public static final String PHONE_PURPOSE = "phone";

    private final Optional<SmsSender> sender;
    private final Optional<PhoneNumbers> numbers;
    private final SmsSendCap cap;
    private final int perNumberPerDay;
    private final EnvelopeEncryptor encryptor;
    private final AuditRecorder audit;
    private final SecureRandom random;

    public SmsDelivery(Optional<SmsSender> sender, Optional<PhoneNumbers> numbers, SmsSendCap cap, int perNumberPerDay,
            EnvelopeEncryptor encryptor, AuditRecorder audit, SecureRandom random) {
        this.sender = Objects.requireNonNull(sender, "sender");
        this.numbers = Objects.requireNonNull(numbers, "numbers");
        this.cap = Objects.requireNonNull(cap, "cap");
        if (perNumberPerDay < 1) {
            throw new IllegalArgumentException("perNumberPerDay must be positive");
        }
        this.perNumberPerDay = perNumberPerDay;
        this.encryptor = Objects.requireNonNull(encryptor, "encryptor");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** A fresh 6-digit code (uniform over 000000..999999). */
    public String newCode() {
        return String.format(Locale.ROOT, "%06d", random.nextInt(1_000_000));
    }

    /** The number, encrypted for its owner; 503 when KMS is unavailable. */
    public String encrypt(String tenantId, String userId, String e164) {
        try {
            return encryptor.encryptToBase64(e164, context(tenantId, userId));
        } catch (EncryptionUnavailableException e) {
            throw MfaEnrolmentService.unavailable();
        }
    }

    /** The number of {@code ciphertext}; 503 when KMS is unavailable, audited HIGH and 500 when tampered. */
    public String decrypt(String tenantId, String userId, String ciphertext, Actor actor) {
        try {
            return phone(encryptor, tenantId, userId, ciphertext);
        } catch (EncryptionUnavailableException e) {
            throw MfaEnrolmentService.unavailable();
        } catch (CiphertextIntegrityException e) {
            audit.record(AuditEventType.MFA_SECRET_UNREADABLE, actor, "mfa", "decrypt", "failure",
                    Map.of("method", MfaChallenges.SMS));
            throw new IllegalStateException("A stored phone number failed its integrity check", e);
        }
    }

    /** The keyed hash of a number (503 when the container has no key for it). */
    public String keyedHash(String e164) {
        return numbers().keyedHash(e164);
    }

    /** The keyed hash of a code bound to its owner and moment, for codes that have no token to key them. */
    public String codeHash(String label, String... parts) {
        return numbers().keyedHash(label, parts);
    }

    /**
     * Counts one send against the number's daily cap: 429 and a {@code mfa_sms_cap_reached} event
     * when the cap is reached (nothing counted, nothing to send). Call before writing the code.
     *
     * @param purpose {@code "phone_verification"} or {@code "sign_in"}, for the audit trail
     */
    public void countSend(Actor actor, String e164, String purpose) {
        sender.orElseThrow(MfaEnrolmentService::unavailable);
        if (!cap.tryCount(SmsSendCap.number(keyedHash(e164)), perNumberPerDay)) {
            audit.record(AuditEventType.MFA_SMS_CAP_REACHED, actor, "mfa", "sms_send", "refused",
                    Map.of("scope", "number_daily", "limit", perNumberPerDay, "purpose", purpose,
                            "phone_last2", PhoneNumbers.lastTwoDigits(e164)));
            throw ProblemException.rateLimited("No more text messages can be sent to this number today.",
                    cap.untilReset());
        }
    }

    /**
     * Sends {@code text} (after {@link #countSend}). 503 when the provider is unavailable; 400
     * naming {@code field} when the provider refuses the number.
     */
    public void deliver(Actor actor, String e164, String text, String purpose, String field) {
        SmsSender smsSender = sender.orElseThrow(MfaEnrolmentService::unavailable);
        try {
            smsSender.send(new SmsMessage(e164, text));
        } catch (SmsSender.SmsRejectedException e) {
            audit.record(AuditEventType.MFA_SMS_REFUSED, actor, "mfa", "sms_send", "failure",
                    Map.of("reason", "provider_rejected_number", "purpose", purpose,
                            "phone_last2", PhoneNumbers.lastTwoDigits(e164)));
            throw ProblemException.invalid(ErrorCode.VALIDATION_FAILED, "The request is not valid.",
                    java.util.List.of(new ProblemException.FieldError(field, "undeliverable",
                            "Text messages cannot be delivered to this number.")));
        } catch (SmsSender.SmsUnavailableException e) {
            throw MfaEnrolmentService.unavailable();
        }
    }

    /** The limit of SMS per number and UTC day this container applies. */
    public int perNumberPerDay() {
        return perNumberPerDay;
    }

    SmsSendCap cap() {
        return cap;
    }

    private PhoneNumbers numbers() {
        return numbers.orElseThrow(MfaEnrolmentService::unavailable);
    }

    /** The number of {@code ciphertext} for its owner, with the envelope encryption alone (a data-subject export). */
    public static String phone(EnvelopeEncryptor encryptor, String tenantId, String userId, String ciphertext) {
        return encryptor.decryptFromBase64(ciphertext, context(tenantId, userId));
    }

    static EncryptionContext context(String tenantId, String userId) {
        return new EncryptionContext(tenantId, PHONE_PURPOSE, userId);
    }
}
