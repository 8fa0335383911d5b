package io.tollgate.mfa;

import io.tollgate.audit.AuditRecorder.Actor;
import io.tollgate.otp.BackupCodes;
import io.tollgate.otp.TotpVerifier;
import io.tollgate.user.UserAccount;
import java.time.Clock;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * Checks a code against the second factors a user keeps on file, outside a login challenge: the
 * active TOTP credential (RFC 6238, each time step once) and the backup codes (single use). Used
 * where an authenticated caller proves the second factor again (step-up, ADR 0053). The match
 * carries the conditional write that uses the factor up; the caller commits it with its own
 * writes, so a code works once even under concurrency.
 */
public final class StoredFactorCheck {

    private static final Pattern SIX_DIGITS = Pattern.compile("[0-9]{6}");

    private final MfaCredentialRepository repository;
    private final MfaEnrolmentService enrolment;
    private final TotpVerifier verifier;
    private final BackupCodes backupCodes;
    private final Clock clock;

    public StoredFactorCheck(MfaCredentialRepository repository, MfaEnrolmentService enrolment, TotpVerifier verifier,
            BackupCodes backupCodes, Clock clock) {
        this.repository = Objects.requireNonNull(repository, "repository");
        this.enrolment = Objects.requireNonNull(enrolment, "enrolment");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.backupCodes = Objects.requireNonNull(backupCodes, "backupCodes");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * A matched factor: its method ({@code totp}, {@code backup_code}), its RFC 8176 {@code amr}
     * value, and the write that consumes it ({@code replayed} when the TOTP step was used already).
     */
    public record Match(String method, String amr, TransactWriteItem consume, boolean replayed) {
    }

    /** Whether the user keeps a factor this check can verify (an active TOTP credential or backup codes). */
    public static boolean canCheck(MfaCredentialRepository.Snapshot snapshot) {
        return snapshot.totp().filter(TotpCredential::active).isPresent()
                || snapshot.backupCodes().filter(s -> s.remaining() > 0).isPresent();
    }

    /** The factor {@code code} matches, if any. */
    public Optional<Match> match(UserAccount user, MfaCredentialRepository.Snapshot snapshot, String code, Actor actor) {
        String compact = code.replace(" ", "");
        if (SIX_DIGITS.matcher(compact).matches()) {
            return snapshot.totp().filter(TotpCredential::active).flatMap(totp -> totpStep(totp, compact, actor));
        }
        return snapshot.backupCodes().flatMap(stored -> backupCode(user.tenantId(), user.userId(), stored, code));
    }

    /**
     * A six-digit {@code code} against an active TOTP credential (RFC 6238, the verifier's window): the
     * matched step's consuming write (which also stores a secret still under the older encryption context
     * under the user's, ADR 0058), {@code replayed} when that step was used already. Used by the login's
     * second step as well.
     */
    public Optional<Match> totpStep(TotpCredential totp, String code, Actor actor) {
        MfaEnrolmentService.StoredSecret stored = enrolment.readSecret(totp, actor);
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
        long matched = step.getAsLong();
        boolean replayed = totp.lastStep().isPresent() && totp.lastStep().getAsLong() >= matched;
        return Optional.of(new Match("totp", "otp",
                repository.useTotpStep(totp, matched, clock.instant(), stored.upgradedCiphertext()), replayed));
    }

    /** {@code code} against the user's stored backup codes: the write that uses the matched one up. */
    public Optional<Match> backupCode(String tenantId, String userId, BackupCodes.Stored stored, String code) {
        OptionalInt slot = backupCodes.match(code, stored);
        if (slot.isEmpty()) {
            return Optional.empty();
        }
        int index = slot.getAsInt();
        return Optional.of(new Match("backup_code", "backup", repository.consumeBackupCode(tenantId, userId, index,
                stored.hashes().get(index), clock.instant()), false));
    }
}
