package io.tollgate.mfa;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.tollgate.audit.AuditEventType;
import io.tollgate.audit.AuditRecorder;
import io.tollgate.audit.AuditRecorder.Actor;
import io.tollgate.http.ErrorCode;
import io.tollgate.http.ProblemException;
import io.tollgate.settings.SecuritySettings;
import io.tollgate.sms.PhoneNumbers;
import io.tollgate.sms.SmsSendCap;
import io.tollgate.storage.ItemUpdate;
import io.tollgate.storage.TableNames;
import io.tollgate.storage.UserWrites;
import io.tollgate.tenant.Tenant;
import io.tollgate.user.UserAccount;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The caller's own phone number for SMS codes (ADR 0032): {@code POST /v1/me/phone}
 * registers an E.164 number (envelope-encrypted, pending) and texts it a 6-digit code, valid
 * {@value #CODE_MINUTES} minutes, {@value #MAX_ATTEMPTS} attempts; {@code POST /v1/me/phone/verify}
 * with that code makes it the verified number and adds {@code "sms"} to the user's MFA methods.
 * Only where the tenant allows SMS ({@code mfa.smsAllowed}); every step is audited with the last
 * two digits at most.
 */
public final class SmsEnrolmentService {

    static final int CODE_MINUTES = 5;
    /** Life of a verification code. */
    public static final Duration CODE_LIFETIME = Duration.ofMinutes(CODE_MINUTES);
    /** Attempts per verification code. */
    public static final int MAX_ATTEMPTS = 5;

    private static final String CODE_LABEL = "tollgate-phone-verification-v1";

    private final MfaCredentialRepository repository;
    private final SmsDelivery delivery;
    private final AuditRecorder audit;
    private final TableNames tables;
    private final Clock clock;

    public SmsEnrolmentService(MfaCredentialRepository repository, SmsDelivery delivery, AuditRecorder audit,
            TableNames tables, Clock clock) {
        this.repository = Objects.requireNonNull(repository, "repository");
        this.delivery = Objects.requireNonNull(delivery, "delivery");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.tables = Objects.requireNonNull(tables, "tables");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** What the caller sees of its number: the last two digits and whether it is verified. */
    public record PhoneView(@JsonProperty("phone_last2") String phoneLastTwo, boolean verified,
            @JsonProperty("code_expires_in") @JsonInclude(JsonInclude.Include.NON_NULL) Long codeExpiresIn) {
    }

    /** {@code POST /v1/me/phone}: registers {@code phone} as pending and texts it a verification code. */
    public PhoneView register(Actor caller, String phone) {
        MfaCredentialRepository.Snapshot snapshot = repository.loadById(caller.tenantId(), caller.userId());
        UserAccount user = activeUser(snapshot);
        Tenant tenant = snapshot.tenant().orElseThrow(SmsEnrolmentService::notFound);
        requireAllowed(tenant.settings(), caller, "phone_register");
        if (!PhoneNumbers.isE164(phone)) {
            audit.record(AuditEventType.MFA_SMS_REFUSED, caller, "mfa", "phone_register", "failure",
                    Map.of("reason", "invalid_number"));
            throw invalidPhone();
        }
        if (!delivery.cap().tryCount(SmsSendCap.user(user.tenantId(), user.userId()),
                SmsSendCap.REGISTRATIONS_PER_USER_PER_DAY)) {
            audit.record(AuditEventType.MFA_SMS_CAP_REACHED, caller, "mfa", "phone_register", "refused",
                    Map.of("scope", "user_daily", "limit", SmsSendCap.REGISTRATIONS_PER_USER_PER_DAY));
            throw ProblemException.rateLimited("No more phone numbers can be registered today.",
                    delivery.cap().untilReset());
        }
        delivery.countSend(caller, phone, "phone_verification");
        Instant now = clock.instant();
        String code = delivery.newCode();
        String lastTwo = PhoneNumbers.lastTwoDigits(phone);
        String ciphertext = delivery.encrypt(user.tenantId(), user.userId(), phone);
        String codeHash = codeHash(user, now, code);
        repository.putPendingPhone(user.tenantId(), user.userId(), ciphertext, lastTwo, codeHash, now,
                now.plus(CODE_LIFETIME));
        audit.record(AuditEventType.MFA_PHONE_ADDED, caller, "mfa", "phone_register", "pending",
                Map.of("method", MfaChallenges.SMS, "phone_last2", lastTwo,
                        "replaces_verified", snapshot.sms().map(SmsCredential::verified).orElse(false)));
        delivery.deliver(caller, phone, "Your " + tenant.name() + " verification code is " + code + ". It is valid for "
                + CODE_MINUTES + " minutes. Do not share it.", "phone_verification", "phone");
        audit.record(AuditEventType.MFA_SMS_CODE_SENT, caller, "mfa", "sms_code", "sent",
                Map.of("purpose", "phone_verification", "phone_last2", lastTwo,
                        "valid_seconds", CODE_LIFETIME.toSeconds()));
        return new PhoneView(lastTwo, false, CODE_LIFETIME.toSeconds());
    }

    /**
     * {@code POST /v1/me/phone/verify}: the code texted to the pending number makes it the verified
     * one. 400 naming {@code code} when wrong (each try uses one of {@value #MAX_ATTEMPTS}
     * attempts), 409 when no live verification is pending.
     */
    public PhoneView verify(Actor caller, String code) {
        MfaCredentialRepository.Snapshot snapshot = repository.loadById(caller.tenantId(), caller.userId());
        UserAccount user = activeUser(snapshot);
        Tenant tenant = snapshot.tenant().orElseThrow(SmsEnrolmentService::notFound);
        requireAllowed(tenant.settings(), caller, "phone_verify");
        Instant now = clock.instant();
        SmsCredential.Pending pending = snapshot.sms().flatMap(SmsCredential::pending)
                .filter(p -> p.liveAt(now, MAX_ATTEMPTS))
                .orElseThrow(() -> noPending(caller));
        if (!repository.countPhoneAttempt(user.tenantId(), user.userId(), pending.codeHash(), MAX_ATTEMPTS, now)) {
            throw noPending(caller);
        }
        String candidate = codeHash(user, pending.createdAt(), code.strip());
        if (!MessageDigest.isEqual(candidate.getBytes(StandardCharsets.US_ASCII),
                pending.codeHash().getBytes(StandardCharsets.US_ASCII))) {
            audit.record(AuditEventType.MFA_FAILED, caller, "mfa", "phone_verify", "failure",
                    Map.of("method", MfaChallenges.SMS, "reason", "wrong_code", "attempt", pending.attempts() + 1,
                            "max_attempts", MAX_ATTEMPTS));
            throw ProblemException.invalid(ErrorCode.VALIDATION_FAILED, "The code is not valid.",
                    List.of(new ProblemException.FieldError("code", "invalid_code",
                            "Enter the code texted to the new phone number.")));
        }
        List<TransactWriteItem> writes = new ArrayList<>();
        writes.add(repository.verifyPendingPhone(pending, user.tenantId(), user.userId(), now));
        ItemUpdate userUpdate = UserWrites.activeUser(tables.identity(), user.tenantId(), user.username());
        if (user.mfaMethods().contains(MfaChallenges.SMS)) {
            userUpdate.set("#status = :active");
        } else {
            UserWrites.addMfaMethod(userUpdate, MfaChallenges.SMS);
        }
        writes.add(userUpdate.toTransactItem());
        try {
            repository.commit(writes);
        } catch (TransactionCanceledException changed) {
            throw new ProblemException(ErrorCode.CONFLICT, "The phone registration changed meanwhile; start it again.");
        }
        audit.record(AuditEventType.MFA_PHONE_VERIFIED, caller, "mfa", "phone_verify", "success",
                Map.of("method", MfaChallenges.SMS, "phone_last2", pending.lastTwo()));
        return new PhoneView(pending.lastTwo(), true, null);
    }

    private void requireAllowed(SecuritySettings settings, Actor caller, String action) {
        if (!settings.mfa().smsAllowed()) {
            audit.record(AuditEventType.MFA_SMS_REFUSED, caller, "mfa", action, "failure",
                    Map.of("reason", "sms_not_allowed"));
            throw smsNotAllowed();
        }
    }

    /** The clear refusal where the tenant has not opted in to SMS codes. */
    static ProblemException smsNotAllowed() {
        return new ProblemException(ErrorCode.FORBIDDEN, "SMS codes are not enabled for this tenant.");
    }

    private String codeHash(UserAccount user, Instant createdAt, String code) {
        return delivery.codeHash(CODE_LABEL, user.tenantId(), user.userId(),
                Long.toString(createdAt.toEpochMilli()), code);
    }

    private ProblemException noPending(Actor caller) {
        audit.record(AuditEventType.MFA_FAILED, caller, "mfa", "phone_verify", "failure",
                Map.of("method", MfaChallenges.SMS, "reason", "no_pending_verification"));
        return new ProblemException(ErrorCode.CONFLICT,
                "There is no pending phone verification; register the number again.");
    }

    private static ProblemException invalidPhone() {
        return ProblemException.invalid(ErrorCode.VALIDATION_FAILED, "The request is not valid.",
                List.of(new ProblemException.FieldError("phone", "invalid_e164",
                        "The phone number must be in E.164 form, e.g. +447700900123.")));
    }

    private static UserAccount activeUser(MfaCredentialRepository.Snapshot snapshot) {
        return snapshot.user().filter(UserAccount::active).orElseThrow(SmsEnrolmentService::notFound);
    }

    private static ProblemException notFound() {
        return new ProblemException(ErrorCode.NOT_FOUND, "The account is not available.");
    }

}
