package io.tollgate.stepup;

import io.tollgate.audit.AuditRecorder.Actor;
import io.tollgate.http.ErrorCode;
import io.tollgate.http.ProblemException;
import io.tollgate.mfa.MfaCredentialRepository;
import io.tollgate.mfa.MfaServices;
import io.tollgate.mfa.StoredFactorCheck;
import io.tollgate.password.Argon2idPasswordHasher;
import io.tollgate.platform.TollgateServices;
import io.tollgate.session.TokenPair;
import io.tollgate.settings.SecuritySettings;
import io.tollgate.storage.TableNames;
import io.tollgate.tenant.Tenant;
import io.tollgate.user.UserAccount;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * {@code POST /v1/auth/step-up} (ADR 0053): an authenticated caller proves its password again
 * and, when it has a second factor, a TOTP or backup code, and gets a fresh access token of the
 * same session with {@code auth_time} now and {@code amr} of this proof. The refresh token is
 * untouched, so a later refresh goes back to the login's {@code auth_time}.
 *
 * <ul>
 *   <li>A wrong password or code counts toward the account lockout exactly like a failed login
 *       (5 in 15 minutes lock the account for 30), and every failure is audited
 *       ({@code step_up_failed}, with the reason only in the audit trail).</li>
 *   <li>A locked, disabled or vanished account answers like a wrong password, after the same
 *       Argon2id work.</li>
 *   <li>The factor (TOTP step, backup-code slot) is used up in one transaction that also checks
 *       the session is still active, so a code works once even under concurrency.</li>
 * </ul>
 */
public final class StepUpService {

    private final MfaCredentialRepository users;
    private final StoredFactorCheck factors;
    private final Argon2idPasswordHasher hasher;
    private final StepUpCompletion completion;
    private final Clock clock;
    private final SecuritySettings unknownTenantSettings;

    public StepUpService(MfaCredentialRepository users, StoredFactorCheck factors, Argon2idPasswordHasher hasher,
            StepUpCompletion completion, Clock clock, SecuritySettings unknownTenantSettings) {
        this.users = Objects.requireNonNull(users, "users");
        this.factors = Objects.requireNonNull(factors, "factors");
        this.hasher = Objects.requireNonNull(hasher, "hasher");
        this.completion = Objects.requireNonNull(completion, "completion");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.unknownTenantSettings = Objects.requireNonNull(unknownTenantSettings, "unknownTenantSettings");
    }

    /** The service of a container (account function: password hasher, TOTP decryption, signing key). */
    public static StepUpService create(TollgateServices services) {
        TableNames tables = services.config().tables();
        MfaCredentialRepository users = new MfaCredentialRepository(services.dynamoDb(), tables, services.encryptor());
        return new StepUpService(users, MfaServices.storedFactorCheck(services), services.passwordHasher(),
                StepUpCompletion.create(services), services.clock(), services.defaultSettings());
    }

    /** The proof: the password and, for a user with a second factor, a code; {@link #toString()} shows neither. */
    public record Proof(String password, Optional<String> code) {
        public Proof {
            Objects.requireNonNull(password, "password");
            Objects.requireNonNull(code, "code");
        }

        @Override
        public String toString() {
            return "Proof[<redacted>]";
        }
    }

    /**
     * Re-authenticates the caller of session {@code sessionId} and returns a fresh access token.
     *
     * @throws ProblemException 401 invalid_credentials (password, account state), 401 mfa_invalid
     *     (second factor missing, wrong or replayed), 401 token_invalid (session no longer active)
     */
    public TokenPair stepUp(Actor caller, String sessionId, Proof proof) {
        Instant now = clock.instant();
        MfaCredentialRepository.Snapshot snapshot = users.loadById(caller.tenantId(), caller.userId());
        SecuritySettings settings = snapshot.tenant().map(Tenant::settings).orElse(unknownTenantSettings);
        Optional<UserAccount> found = snapshot.user();
        Argon2idPasswordHasher.Verification verification = found
                .map(u -> hasher.verify(proof.password(), u.passwordHash()))
                .orElseGet(() -> new Argon2idPasswordHasher.Verification(hasher.verifyDummy(proof.password()), false));
        Optional<String> refusal = verification.matches() || found.isEmpty()
                ? snapshot.refusal(settings, now) : Optional.of("wrong_password");
        if (refusal.isPresent()) {
            throw fail(refusal.get(), found, settings, caller, now, ErrorCode.INVALID_CREDENTIALS);
        }
        UserAccount user = found.get();
        List<TransactWriteItem> writes = new ArrayList<>();
        List<String> amr = new ArrayList<>(List.of("pwd"));
        if (!user.mfaMethods().isEmpty()) {
            if (proof.code().isEmpty()) {
                throw fail("code_missing", found, settings, caller, now, ErrorCode.MFA_INVALID);
            }
            Optional<StoredFactorCheck.Match> match = factors.match(user, snapshot, proof.code().get(), caller);
            if (match.isEmpty() || match.get().replayed()) {
                throw fail(match.isEmpty() ? "wrong_code" : "code_replayed", found, settings, caller, now,
                        ErrorCode.MFA_INVALID);
            }
            writes.add(match.get().consume());
            amr.add(match.get().amr());
        }
        return completion.complete(user, settings, caller, sessionId, writes, amr, now,
                () -> fail("code_replayed", found, settings, caller, now, ErrorCode.MFA_INVALID));
    }

    /** A wrong password or code counts toward the lockout; an account state or a missing code does not. */
    private ProblemException fail(String reason, Optional<UserAccount> account, SecuritySettings settings,
            Actor caller, Instant now, ErrorCode code) {
        boolean counts = "wrong_password".equals(reason) || "wrong_code".equals(reason)
                || "code_replayed".equals(reason);
        return completion.fail(reason, counts, account, settings, caller, now, code, Map.of());
    }
}
