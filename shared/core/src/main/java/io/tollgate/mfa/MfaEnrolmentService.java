package io.tollgate.mfa;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.tollgate.audit.AuditEventType;
import io.tollgate.audit.AuditRecorder;
import io.tollgate.audit.AuditRecorder.Actor;
import io.tollgate.crypto.CiphertextIntegrityException;
import io.tollgate.crypto.EncryptionContext;
import io.tollgate.crypto.EncryptionUnavailableException;
import io.tollgate.crypto.EnvelopeEncryptor;
import io.tollgate.http.ErrorCode;
import io.tollgate.http.ProblemException;
import io.tollgate.otp.BackupCodes;
import io.tollgate.otp.TotpSecret;
import io.tollgate.otp.TotpVerifier;
import io.tollgate.storage.ItemUpdate;
import io.tollgate.storage.TableNames;
import io.tollgate.storage.UserWrites;
import io.tollgate.tenant.Tenant;
import io.tollgate.user.UserAccount;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * TOTP enrolment and backup codes of the caller's own account (docs/openapi.yaml {@code /v1/me/mfa/...},
 * seed 000 MFA; ADR 0011).
 *
 * <ul>
 *   <li>Enrolment creates a 160-bit secret, stores it envelope-encrypted (context
 *       {@code {tenant, purpose: "totp"}}) as <em>pending</em> for {@value #PENDING_MINUTES} minutes,
 *       and returns it once as Base32, {@code otpauth://} URI (issuer = the tenant's display name)
 *       and QR code PNG.</li>
 *   <li>Activation needs a valid current code; in one transaction it marks the credential active
 *       (recording the code's time step, so the same code cannot log in afterwards), stores 10
 *       fresh backup codes (hashed) and adds {@code "totp"} to the user's {@code mfa_methods}.</li>
 *   <li>Regenerating backup codes voids the old set; deleting TOTP removes credential, codes and
 *       method together.</li>
 * </ul>
 * Every step is audited; no secret or code reaches an audit event, a log line or an error.
 */
public final class MfaEnrolmentService {

    static final int PENDING_MINUTES = 10;
    /** How long an enrolment may stay pending before it must be started again. */
    public static final Duration PENDING_LIFETIME = Duration.ofMinutes(PENDING_MINUTES);
    /** The purpose of a TOTP secret's encryption context. */
    public static final String TOTP_PURPOSE = "totp";
    static final String TOTP = "totp";

    private final MfaCredentialRepository repository;
    private final EnvelopeEncryptor encryptor;
    private final TotpVerifier verifier;
    private final BackupCodes backupCodes;
    private final AuditRecorder audit;
    private final TableNames tables;
    private final SecureRandom random;
    private final Clock clock;

    public MfaEnrolmentService(MfaCredentialRepository repository, EnvelopeEncryptor encryptor, TotpVerifier verifier,
            BackupCodes backupCodes, AuditRecorder audit, TableNames tables, SecureRandom random, Clock clock) {
        this.repository = Objects.requireNonNull(repository, "repository");
        this.encryptor = Objects.requireNonNull(encryptor, "encryptor");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.backupCodes = Objects.requireNonNull(backupCodes, "backupCodes");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.tables = Objects.requireNonNull(tables, "tables");
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** What enrolment shows the user once: never stored in clear, never logged. */
    public record TotpEnrolment(String secret, @JsonProperty("otpauth_uri") String otpauthUri,
            @JsonProperty("qr_png_base64") String qrPngBase64) {
        @Override
        public String toString() {
            return "TotpEnrolment[<redacted>]";
        }
    }

    /** Backup codes shown once. */
    public record BackupCodeList(@JsonProperty("backup_codes") List<String> codes) {
        public BackupCodeList {
            codes = List.copyOf(codes);
        }

        @Override
        public String toString() {
            return "BackupCodeList[<" + codes.size() + " redacted>]";
        }
    }

    /** {@code POST /v1/me/mfa/totp}: a new pending secret (replacing a pending one); 409 when TOTP is active. */
    public TotpEnrolment enrol(Actor caller) {
        MfaCredentialRepository.Snapshot snapshot = repository.loadById(caller.tenantId(), caller.userId());
        UserAccount user = activeUser(snapshot);
        return enrol(snapshot.tenant().orElseThrow(MfaEnrolmentService::notFound), user, snapshot.totp(), caller);
    }

    TotpEnrolment enrol(Tenant tenant, UserAccount user, Optional<TotpCredential> existing, Actor actor) {
        if (existing.filter(TotpCredential::active).isPresent()) {
            throw alreadyActive();
        }
        Instant now = clock.instant();
        TotpSecret secret = TotpSecret.generate(random);
        byte[] raw = secret.bytes();
        String ciphertext;
        try {
            ciphertext = Base64.getEncoder().encodeToString(encryptor.encrypt(raw, context(tenant.id(), user.userId())));
        } catch (EncryptionUnavailableException e) {
            throw unavailable();
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
        if (!repository.putPendingTotp(tenant.id(), user.userId(), ciphertext, now, now.plus(PENDING_LIFETIME))) {
            throw alreadyActive();
        }
        audit.record(AuditEventType.MFA_ENROLLED, actor, "mfa", "enrol", "pending",
                Map.of("method", TOTP, "pending_seconds", PENDING_LIFETIME.toSeconds()));
        String issuer = label(tenant.name());
        String account = label(user.username());
        return new TotpEnrolment(secret.base32(), secret.otpauthUri(issuer, account),
                secret.qrCodePngBase64(issuer, account));
    }

    /** The transaction parts of an activation and the backup codes to show when it commits. */
    record Activation(List<TransactWriteItem> writes, List<String> backupCodes) {
        @Override
        public String toString() {
            return "Activation[writes=" + writes.size() + "]";
        }
    }

    /**
     * Checks {@code code} against the pending secret. Empty when the code is wrong; 409 when there
     * is no pending enrolment (none, expired, or already active).
     */
    Optional<Activation> prepareActivation(MfaCredentialRepository.Snapshot snapshot, UserAccount user, String code,
            Actor actor) {
        Instant now = clock.instant();
        TotpCredential pending = snapshot.totp().filter(t -> t.pendingAt(now)).orElseThrow(() ->
                new ProblemException(ErrorCode.CONFLICT, "There is no pending TOTP enrolment; start one first."));
        StoredSecret stored = readSecret(pending, actor);
        byte[] secret = stored.bytes();
        OptionalLong step;
        try {
            step = verifier.verify(secret, code);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
        if (step.isEmpty()) {
            return Optional.empty();
        }
        BackupCodes.Issued issued = backupCodes.generate();
        List<TransactWriteItem> writes = List.of(repository.activateTotp(pending, step.getAsLong(), now, stored.upgradedCiphertext()),
                repository.putBackupCodes(user.tenantId(), user.userId(), issued.stored(), now));
        return Optional.of(new Activation(writes, issued.codes()));
    }

    /** {@code POST /v1/me/mfa/totp/activate}: 400 {@code validation_failed} for a wrong code, nothing changed. */
    public BackupCodeList activate(Actor caller, String code) {
        MfaCredentialRepository.Snapshot snapshot = repository.loadById(caller.tenantId(), caller.userId());
        UserAccount user = activeUser(snapshot);
        Optional<Activation> activation = prepareActivation(snapshot, user, code, caller);
        if (activation.isEmpty()) {
            audit.record(AuditEventType.MFA_FAILED, caller, "mfa", "activate", "failure",
                    Map.of("method", TOTP, "reason", "wrong_code"));
            throw ProblemException.invalid(ErrorCode.VALIDATION_FAILED, "The code is not valid.",
                    List.of(new ProblemException.FieldError("code", "invalid_code",
                            "Enter the current code shown by the authenticator app.")));
        }
        List<TransactWriteItem> writes = new ArrayList<>(activation.get().writes());
        writes.add(UserWrites.addMfaMethod(UserWrites.activeUser(tables.identity(), user.tenantId(), user.username()),
                TOTP).toTransactItem());
        try {
            repository.commit(writes);
        } catch (TransactionCanceledException changed) {
            throw new ProblemException(ErrorCode.CONFLICT, "The enrolment changed meanwhile; start it again.");
        }
        audit.record(AuditEventType.MFA_ACTIVATED, caller, "mfa", "activate", "success",
                Map.of("method", TOTP, "backup_codes", BackupCodes.COUNT));
        return new BackupCodeList(activation.get().backupCodes());
    }

    /** {@code POST /v1/me/mfa/backup-codes}: 10 fresh codes, the old ones void; 409 without active TOTP. */
    public BackupCodeList regenerateBackupCodes(Actor caller) {
        MfaCredentialRepository.Snapshot snapshot = repository.loadById(caller.tenantId(), caller.userId());
        UserAccount user = activeUser(snapshot);
        if (snapshot.totp().filter(TotpCredential::active).isEmpty()) {
            throw noActiveTotp();
        }
        BackupCodes.Issued issued = backupCodes.generate();
        try {
            repository.commit(List.of(repository.requireActiveTotp(user.tenantId(), user.userId()),
                    repository.putBackupCodes(user.tenantId(), user.userId(), issued.stored(), clock.instant())));
        } catch (TransactionCanceledException changed) {
            throw noActiveTotp();
        }
        audit.record(AuditEventType.MFA_BACKUP_CODES_REGENERATED, caller, "mfa", "regenerate", "success",
                Map.of("backup_codes", BackupCodes.COUNT));
        return new BackupCodeList(issued.codes());
    }

    /** {@code DELETE /v1/me/mfa/totp}: removes credential, backup codes and method; 404 when there is none. */
    public void disable(Actor caller) {
        MfaCredentialRepository.Snapshot snapshot = repository.loadById(caller.tenantId(), caller.userId());
        UserAccount user = activeUser(snapshot);
        TotpCredential existing = snapshot.totp().orElseThrow(() ->
                new ProblemException(ErrorCode.NOT_FOUND, "No TOTP credential is enrolled."));
        List<TransactWriteItem> writes = new ArrayList<>(
                repository.deleteTotpAndBackupCodes(user.tenantId(), user.userId()));
        int index = user.mfaMethods().indexOf(TOTP);
        ItemUpdate userUpdate = UserWrites.activeUser(tables.identity(), user.tenantId(), user.username());
        if (index >= 0) {
            UserWrites.removeMfaMethod(userUpdate, index, TOTP);
        } else {
            userUpdate.set("#status = :active");
        }
        writes.add(userUpdate.toTransactItem());
        try {
            repository.commit(writes);
        } catch (TransactionCanceledException changed) {
            throw new ProblemException(ErrorCode.CONFLICT, "The MFA settings changed meanwhile; try again.");
        }
        audit.record(AuditEventType.MFA_DISABLED, caller, "mfa", "disable", "success",
                Map.of("method", TOTP, "was", existing.status().name().toLowerCase(java.util.Locale.ROOT)));
    }

    /**
     * The plaintext secret of {@code credential}. 503 when KMS is unavailable; a ciphertext that
     * fails its integrity check is audited (HIGH) and surfaces as a 500.
     */
    byte[] decryptSecret(TotpCredential credential, Actor actor) {
        return readSecret(credential, actor).bytes();
    }

    /**
     * A stored secret: its bytes, and its ciphertext under the user's context when it was
     * written before the context named the user (ADR 0058), for the next write of the credential.
     */
    record StoredSecret(byte[] bytes, Optional<String> upgradedCiphertext) {
        @Override
        public String toString() {
            return "StoredSecret[<redacted>, upgraded=" + upgradedCiphertext.isPresent() + "]";
        }
    }

    /** As {@link #decryptSecret}, with the re-encryption of a secret written under the older context. */
    StoredSecret readSecret(TotpCredential credential, Actor actor) {
        EncryptionContext context = context(credential.tenantId(), credential.userId());
        try {
            EnvelopeEncryptor.UserBound<byte[]> read = encryptor.decryptUserBound(
                    Base64.getDecoder().decode(credential.secretCiphertext()), context);
            Optional<String> upgraded = read.legacy()
                    ? Optional.of(Base64.getEncoder().encodeToString(encryptor.encrypt(read.value(), context)))
                    : Optional.empty();
            return new StoredSecret(read.value(), upgraded);
        } catch (EncryptionUnavailableException e) {
            throw unavailable();
        } catch (CiphertextIntegrityException | IllegalArgumentException e) {
            audit.record(AuditEventType.MFA_SECRET_UNREADABLE, actor, "mfa", "decrypt", "failure",
                    Map.of("method", TOTP));
            throw new IllegalStateException("A stored TOTP secret failed its integrity check", e);
        }
    }

    /** A TOTP secret is bound to its tenant and its user (ADR 0058). */
    static EncryptionContext context(String tenantId, String userId) {
        return new EncryptionContext(tenantId, TOTP_PURPOSE, userId);
    }

    /** An {@code otpauth} label part: no colon (it separates issuer and account), at most 128 characters. */
    static String label(String value) {
        String cleaned = value.replace(':', ' ').strip();
        if (cleaned.isEmpty()) {
            cleaned = "Tollgate";
        }
        return cleaned.length() > 128 ? cleaned.substring(0, 128) : cleaned;
    }

    private static UserAccount activeUser(MfaCredentialRepository.Snapshot snapshot) {
        return snapshot.user().filter(UserAccount::active).orElseThrow(MfaEnrolmentService::notFound);
    }

    private static ProblemException notFound() {
        return new ProblemException(ErrorCode.NOT_FOUND, "The account is not available.");
    }

    private static ProblemException alreadyActive() {
        return new ProblemException(ErrorCode.CONFLICT, "TOTP is already active; delete it before enrolling again.");
    }

    private static ProblemException noActiveTotp() {
        return new ProblemException(ErrorCode.CONFLICT, "Backup codes need an active TOTP credential.");
    }

    static ProblemException unavailable() {
        return new ProblemException(ErrorCode.SERVICE_UNAVAILABLE, "The service is temporarily unavailable.");
    }
}
