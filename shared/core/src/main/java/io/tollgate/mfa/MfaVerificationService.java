package io.tollgate.mfa;

import io.tollgate.audit.AuditEventType;
import io.tollgate.audit.AuditRecorder;
import io.tollgate.audit.AuditRecorder.Actor;
import io.tollgate.http.ErrorCode;
import io.tollgate.http.ProblemException;
import io.tollgate.lockout.FailureCounter;
import io.tollgate.lockout.LockoutPolicy;
import io.tollgate.mail.MailMessage;
import io.tollgate.mail.MailSender;
import io.tollgate.otp.BackupCodes;
import io.tollgate.otp.TotpVerifier;
import io.tollgate.password.PasswordChangeTickets;
import io.tollgate.session.SessionIssuer;
import io.tollgate.session.TokenDelivery;
import io.tollgate.settings.SecuritySettings;
import io.tollgate.storage.ItemUpdate;
import io.tollgate.storage.Keys;
import io.tollgate.storage.TableNames;
import io.tollgate.storage.UserWrites;
import io.tollgate.tenant.Tenant;
import io.tollgate.user.UserAccount;
import io.tollgate.webauthn.WebAuthnService;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The second step of a login (docs/openapi.yaml {@code /v1/auth/mfa/...}; ADR 0011).
 *
 * <ul>
 *   <li>{@link #verify}: the code may be a TOTP code (RFC 6238, each time step once per user), a
 *       backup code (single use) or the e-mail code sent for this challenge. Every answer counts
 *       one of the challenge's 5 attempts first (conditional write); a wrong answer also counts
 *       against the account lockout. Success opens the session in the one transaction that also
 *       consumes the challenge and the factor (TOTP step or backup-code slot), so the
 *       {@code mfa_token} and the code are single use even under concurrency.</li>
 *   <li>{@link #sendEmailCode}: a 6-digit code by mail, valid 10 minutes (and no longer than its
 *       challenge), at most 3 per challenge; only a keyed hash is stored.</li>
 *   <li>{@link #startEnrolment} / {@link #finishEnrolment}: when the tenant requires MFA and the
 *       user has none, the challenge allows exactly one thing: enrolling TOTP; activation then
 *       completes the login with {@code amr = ["pwd","otp"]}.</li>
 * </ul>
 * Every failure is the same 401 {@code mfa_invalid} whatever the reason; the reason goes only to
 * the audit event ({@code mfa_failed}).
 */
public final class MfaVerificationService {

    /** Life of an e-mail code. */
    public static final Duration EMAIL_CODE_LIFETIME = Duration.ofMinutes(10);
    /** Life of an SMS code (ADR 0032); never longer than its challenge. */
    public static final Duration SMS_CODE_LIFETIME = Duration.ofMinutes(5);
    /** The methods an answer may name ({@code method} of {@code POST /v1/auth/mfa/verify}). */
    public static final java.util.Set<String> CODE_METHODS = java.util.Set.of("totp", "email", "sms", "backup_code");

    private static final int MAX_SESSION_ATTEMPTS = 3;
    private static final Pattern SIX_DIGITS = Pattern.compile("[0-9]{6}");
    private static final String TOTP = "totp";
    private static final String EMAIL = "email";
    private static final String BACKUP = "backup_code";
    private static final String SMS = MfaChallenges.SMS;

    private final MfaChallenges challenges;
    private final MfaCredentialRepository repository;
    private final MfaEnrolmentService enrolment;
    /** TOTP steps and backup codes, checked the same way as a step-up checks them (ADR 0053). */
    private final StoredFactorCheck storedFactors;
    private final SessionIssuer sessions;
    private final FailureCounter counter;
    private final MailSender mail;
    private final AuditRecorder audit;
    private final TableNames tables;
    private final SecureRandom random;
    private final Clock clock;
    private final SecuritySettings unknownTenantSettings;
    private final WebAuthnService webauthn;
    private final SmsDelivery sms;
    private final PasswordChangeTickets passwordChangeTickets;

    public MfaVerificationService(MfaChallenges challenges, MfaCredentialRepository repository,
            MfaEnrolmentService enrolment, TotpVerifier verifier, BackupCodes backupCodes, SessionIssuer sessions,
            FailureCounter counter, MailSender mail, AuditRecorder audit, TableNames tables, SecureRandom random,
            Clock clock, SecuritySettings unknownTenantSettings, WebAuthnService webauthn, SmsDelivery sms,
            PasswordChangeTickets passwordChangeTickets) {
        this.passwordChangeTickets = Objects.requireNonNull(passwordChangeTickets, "passwordChangeTickets");
        this.challenges = Objects.requireNonNull(challenges, "challenges");
        this.repository = Objects.requireNonNull(repository, "repository");
        this.enrolment = Objects.requireNonNull(enrolment, "enrolment");
        this.storedFactors = new StoredFactorCheck(repository, enrolment, verifier, backupCodes, clock);
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.counter = Objects.requireNonNull(counter, "counter");
        this.mail = Objects.requireNonNull(mail, "mail");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.tables = Objects.requireNonNull(tables, "tables");
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.unknownTenantSettings = Objects.requireNonNull(unknownTenantSettings, "unknownTenantSettings");
        this.webauthn = Objects.requireNonNull(webauthn, "webauthn");
        this.sms = Objects.requireNonNull(sms, "sms");
    }

    /** Where a request comes from. */
    public record Origin(String sourceIp, String userAgent) {
    }

    // ------------------------------------------------------------------ verify

    /** {@code POST /v1/auth/mfa/verify} with a code of any offered method. */
    public MfaCompletion verify(String mfaToken, String code, Origin origin) {
        return verify(mfaToken, code, Optional.empty(), origin);
    }

    /**
     * {@code POST /v1/auth/mfa/verify}; with {@code method} ({@code totp}, {@code email},
     * {@code sms}, {@code backup_code}) the code is checked against that method only.
     */
    public MfaCompletion verify(String mfaToken, String code, Optional<String> method, Origin origin) {
        Answer answer = answer(mfaToken, MfaChallenge.Purpose.VERIFY, origin);
        MfaChallenge challenge = answer.challenge();
        Actor actor = answer.actor();
        int attempt = answer.attempt();
        MfaCredentialRepository.Snapshot snapshot = answer.snapshot();
        SecuritySettings settings = answer.settings();
        UserAccount user = answer.user();

        Optional<Factor> factor = match(challenge, mfaToken, code, method, snapshot, actor);
        String tried = method.orElseGet(() -> attemptedMethod(code, snapshot));
        if (factor.isEmpty()) {
            throw wrongAnswer(challenge, attempt, user, settings, actor, "wrong_code", tried, true);
        }
        Factor used = factor.get();
        if (used.replayed()) {
            throw wrongAnswer(challenge, attempt, user, settings, actor, "code_replayed", used.method(), true);
        }
        List<TransactWriteItem> alongWith = new ArrayList<>();
        alongWith.add(challenges.consumeAnswered(challenge, used.codeCondition()));
        used.write().ifPresent(alongWith::add);
        List<String> amr = List.of("pwd", used.amr());
        SessionIssuer.OpenedSession opened;
        try {
            if (PasswordChangeTickets.passwordExpired(user, settings, clock.instant())) {
                return passwordChangeInstead(challenge, user, amr, alongWith, actor, used.method());
            }
            opened = openSession(challenge, user, settings, amr, alongWith, update -> { }, origin);
        } catch (FactorRejected rejected) {
            throw wrongAnswer(challenge, attempt, user, settings, actor,
                    used.method().equals(TOTP) ? "code_replayed" : "backup_code_used", used.method(), true);
        }
        audit.record(AuditEventType.MFA_VERIFIED, actor, "auth", "mfa_verify", "success",
                Map.of("method", used.method(), "amr", amr));
        if (used.method().equals(BACKUP)) {
            audit.record(AuditEventType.MFA_BACKUP_CODE_USED, actor, "mfa", "backup_code", "success",
                    Map.of("remaining", snapshot.backupCodes().map(BackupCodes.Stored::remaining).orElse(1) - 1));
        }
        loggedIn(opened, settings, actor, amr);
        return new MfaCompletion(opened.tokens(), delivery(challenge), settings.sessions().absoluteLifetime(), amr,
                List.of());
    }

    /** The factor an answer matched, and the conditional write that uses it up. */
    private record Factor(String method, String amr, Optional<MfaChallenges.CodeCondition> codeCondition,
            Optional<TransactWriteItem> write, boolean replayed) {
    }

    private Optional<Factor> match(MfaChallenge challenge, String mfaToken, String code, Optional<String> method,
            MfaCredentialRepository.Snapshot snapshot, Actor actor) {
        Instant now = clock.instant();
        String compact = code.replace(" ", "");
        java.util.function.Predicate<String> named = m -> method.isEmpty() || method.get().equals(m);
        if (SIX_DIGITS.matcher(compact).matches()) {
            Optional<String> emailHash = Optional.empty();
            boolean emailMatches = false;
            boolean smsMatches = false;
            if (named.test(SMS) && challenge.methods().contains(SMS) && challenge.smsCodeHash().isPresent()
                    && challenge.smsCodeExpiresAt().map(now::isBefore).orElse(false)) {
                String candidate = MfaChallenges.smsCodeHash(mfaToken, compact);
                smsMatches = MessageDigest.isEqual(candidate.getBytes(StandardCharsets.US_ASCII),
                        challenge.smsCodeHash().get().getBytes(StandardCharsets.US_ASCII));
            }
            if (named.test(EMAIL) && challenge.methods().contains(EMAIL) && challenge.emailCodeHash().isPresent()
                    && challenge.emailCodeExpiresAt().map(now::isBefore).orElse(false)) {
                String candidate = MfaChallenges.emailCodeHash(mfaToken, compact);
                emailMatches = MessageDigest.isEqual(candidate.getBytes(StandardCharsets.US_ASCII),
                        challenge.emailCodeHash().get().getBytes(StandardCharsets.US_ASCII));
                emailHash = challenge.emailCodeHash();
            }
            // Every six-digit answer also goes through the TOTP check, whichever factor it turns out to match.
            Optional<StoredFactorCheck.Match> totp = snapshot.totp().filter(TotpCredential::active)
                    .filter(t -> named.test(TOTP) && challenge.methods().contains(TOTP))
                    .flatMap(t -> storedFactors.totpStep(t, compact, actor));
            if (smsMatches) {
                return Optional.of(new Factor(SMS, SMS, challenge.smsCodeHash()
                        .map(hash -> new MfaChallenges.CodeCondition("sms_code_hash", hash)), Optional.empty(), false));
            }
            if (emailMatches) {
                return Optional.of(new Factor(EMAIL, EMAIL, emailHash
                        .map(hash -> new MfaChallenges.CodeCondition("email_code_hash", hash)), Optional.empty(), false));
            }
            return totp.map(match -> new Factor(TOTP, match.amr(), Optional.empty(), Optional.of(match.consume()),
                    match.replayed()));
        }
        return snapshot.backupCodes()
                .filter(s -> named.test(BACKUP) && challenge.methods().contains(BACKUP))
                .flatMap(s -> storedFactors.backupCode(challenge.tenantId(), challenge.userId(), s, code))
                .map(match -> new Factor(BACKUP, match.amr(), Optional.empty(), Optional.of(match.consume()), false));
    }

    /** Which method an answer was meant for (for the audit trail; never the answer itself). */
    private static String attemptedMethod(String code, MfaCredentialRepository.Snapshot snapshot) {
        if (SIX_DIGITS.matcher(code.replace(" ", "")).matches()) {
            return snapshot.totp().filter(TotpCredential::active).isPresent() ? TOTP : EMAIL;
        }
        return BACKUP;
    }

    // ------------------------------------------------------------------ WebAuthn as second factor

    /**
     * {@code POST /v1/auth/mfa/webauthn}: assertion options for the user's own credentials, kept
     * with the challenge (a new call replaces them); answered through {@link #verifyWebAuthn}.
     */
    public String startWebAuthn(String mfaToken, Origin origin) {
        MfaChallenge challenge = liveChallenge(mfaToken, MfaChallenge.Purpose.VERIFY, origin);
        Actor actor = actor(challenge, origin);
        if (!challenge.methods().contains(WebAuthnService.METHOD)) {
            throw refuse(actor, "webauthn_not_offered", Optional.empty());
        }
        MfaCredentialRepository.Snapshot snapshot = repository.load(challenge.tenantId(), challenge.username(),
                challenge.userId());
        UserAccount user = usableUser(snapshot, settings(snapshot), challenge, actor);
        WebAuthnService.SecondFactorOptions options = webauthn.secondFactorOptions(snapshot.tenant().orElseThrow(), user)
                .orElseThrow(() -> refuse(actor, "no_webauthn_credential", Optional.empty()));
        if (!challenges.recordWebAuthnRequest(challenge, options.requestJson())) {
            throw refuse(actor, "challenge_exhausted", Optional.empty());
        }
        return options.publicKeyJson();
    }

    /**
     * {@code POST /v1/auth/mfa/verify} with {@code credential} instead of {@code code}: the
     * assertion must answer the options of {@link #startWebAuthn} for this challenge. Counts an
     * attempt and, when wrong, the lockout, like a code; success gives {@code amr ["pwd","hwk"]}
     * ({@code "swk"} for a synced passkey).
     */
    public MfaCompletion verifyWebAuthn(String mfaToken, String credentialJson, Origin origin) {
        Answer a = answer(mfaToken, MfaChallenge.Purpose.VERIFY, origin);
        if (!a.challenge().methods().contains(WebAuthnService.METHOD) || a.challenge().webAuthnRequest().isEmpty()) {
            throw wrongAnswer(a, "no_webauthn_request");
        }
        WebAuthnService.SecondFactor factor = webauthn.verifySecondFactor(a.snapshot().tenant().orElseThrow(), a.user(),
                a.challenge().webAuthnRequest().get(), credentialJson, a.actor());
        if (factor instanceof WebAuthnService.SecondFactor.Failed failed) {
            throw wrongAnswer(a, failed.reason());
        }
        WebAuthnService.SecondFactor.Verified verified = (WebAuthnService.SecondFactor.Verified) factor;
        List<TransactWriteItem> alongWith = List.of(challenges.consume(a.challenge(), Optional.empty()), verified.write());
        List<String> amr = List.of("pwd", verified.amr());
        SessionIssuer.OpenedSession opened;
        try {
            if (PasswordChangeTickets.passwordExpired(a.user(), a.settings(), clock.instant())) {
                return passwordChangeInstead(a.challenge(), a.user(), amr, alongWith, a.actor(), WebAuthnService.METHOD);
            }
            opened = openSession(a.challenge(), a.user(), a.settings(), amr, alongWith, update -> { }, origin);
        } catch (FactorRejected concurrent) {
            throw wrongAnswer(a, "sign_count_regression");
        }
        audit.record(AuditEventType.MFA_VERIFIED, a.actor(), "auth", "mfa_verify", "success",
                Map.of("method", WebAuthnService.METHOD, "amr", amr, "credential_id", verified.credentialId()));
        loggedIn(opened, a.settings(), a.actor(), amr);
        return new MfaCompletion(opened.tokens(), delivery(a.challenge()), a.settings().sessions().absoluteLifetime(),
                amr, List.of());
    }

    private ProblemException wrongAnswer(Answer a, String reason) {
        return wrongAnswer(a.challenge(), a.attempt(), a.user(), a.settings(), a.actor(), reason, WebAuthnService.METHOD,
                true);
    }

    // ------------------------------------------------------------------ e-mail codes

    /** {@code POST /v1/auth/mfa/email}: sends a fresh 6-digit code to the user's address. */
    public void sendEmailCode(String mfaToken, Origin origin) {
        MfaChallenge challenge = liveChallenge(mfaToken, MfaChallenge.Purpose.VERIFY, origin);
        Actor actor = actor(challenge, origin);
        if (!challenge.methods().contains(EMAIL)) {
            throw refuse(actor, "email_not_offered", Optional.empty());
        }
        MfaCredentialRepository.Snapshot snapshot = repository.load(challenge.tenantId(), challenge.username(),
                challenge.userId());
        SecuritySettings settings = settings(snapshot);
        UserAccount user = usableUser(snapshot, settings, challenge, actor);
        String address = snapshot.email().orElseThrow(() ->
                new ProblemException(ErrorCode.CONFLICT, "No e-mail address is registered for this account."));
        Instant now = clock.instant();
        if (challenge.emailSends() >= MfaChallenges.MAX_EMAIL_SENDS) {
            throw tooManySends(challenge, now);
        }
        String code = String.format(java.util.Locale.ROOT, "%06d", random.nextInt(1_000_000));
        Instant codeExpires = now.plus(EMAIL_CODE_LIFETIME);
        if (!challenges.recordEmailCode(challenge, MfaChallenges.emailCodeHash(mfaToken, code), codeExpires)) {
            Optional<MfaChallenge> now2 = challenges.find(mfaToken);
            if (now2.isPresent() && now2.get().liveAt(clock.instant())
                    && now2.get().emailSends() >= MfaChallenges.MAX_EMAIL_SENDS) {
                throw tooManySends(now2.get(), clock.instant());
            }
            throw refuse(actor, "challenge_exhausted", Optional.empty());
        }
        String tenantName = snapshot.tenant().map(Tenant::name).orElse("Tollgate");
        try {
            mail.send(new MailMessage(address, tenantName + " sign-in code",
                    "Your " + tenantName + " sign-in code is " + code + ".\n\n"
                            + "It is valid for " + EMAIL_CODE_LIFETIME.toMinutes() + " minutes and works once.\n"
                            + "If you did not try to sign in, change your password now.\n"));
        } catch (MailSender.MailUnavailableException e) {
            throw MfaEnrolmentService.unavailable();
        }
        audit.record(AuditEventType.MFA_EMAIL_CODE_SENT, actor, "mfa", "email_code", "sent",
                Map.of("send", challenge.emailSends() + 1, "max_sends", MfaChallenges.MAX_EMAIL_SENDS,
                        "valid_seconds", EMAIL_CODE_LIFETIME.toSeconds(), "user_id", user.userId()));
    }

    // ------------------------------------------------------------------ SMS codes

    /**
     * {@code POST /v1/auth/mfa/sms}: texts a fresh 6-digit code to the user's verified number
     * (ADR 0032): valid {@link #SMS_CODE_LIFETIME} and no longer than the challenge, single use,
     * at most {@value MfaChallenges#MAX_SMS_SENDS} per challenge and the per-number daily cap.
     * Refused with 403 where the tenant does not allow SMS; like any other MFA failure (401) where
     * the user has no verified number or SMS was not offered to this challenge.
     */
    public void sendSmsCode(String mfaToken, Origin origin) {
        MfaChallenge challenge = liveChallenge(mfaToken, MfaChallenge.Purpose.VERIFY, origin);
        Actor actor = actor(challenge, origin);
        MfaCredentialRepository.Snapshot snapshot = repository.load(challenge.tenantId(), challenge.username(),
                challenge.userId());
        SecuritySettings settings = settings(snapshot);
        UserAccount user = usableUser(snapshot, settings, challenge, actor);
        if (!settings.mfa().smsAllowed()) {
            audit.record(AuditEventType.MFA_SMS_REFUSED, actor, "mfa", "sms_code", "failure",
                    Map.of("reason", "sms_not_allowed", "purpose", "sign_in"));
            throw SmsEnrolmentService.smsNotAllowed();
        }
        Optional<SmsCredential> credential = snapshot.sms().filter(SmsCredential::verified);
        if (!challenge.methods().contains(SMS) || credential.isEmpty()) {
            audit.record(AuditEventType.MFA_SMS_REFUSED, actor, "mfa", "sms_code", "failure",
                    Map.of("reason", credential.isEmpty() ? "no_verified_number" : "sms_not_offered",
                            "purpose", "sign_in"));
            throw refuse(actor, "sms_not_offered", Optional.empty());
        }
        Instant now = clock.instant();
        if (challenge.smsSends() >= MfaChallenges.MAX_SMS_SENDS) {
            throw smsChallengeCap(challenge, actor, now);
        }
        String phone = sms.decrypt(user.tenantId(), user.userId(), credential.get().phoneCiphertext().orElseThrow(),
                actor);
        sms.countSend(actor, phone, "sign_in");
        String code = sms.newCode();
        Instant codeExpires = now.plus(SMS_CODE_LIFETIME);
        if (codeExpires.isAfter(challenge.expiresAt())) {
            codeExpires = challenge.expiresAt();
        }
        if (!challenges.recordSmsCode(challenge, MfaChallenges.smsCodeHash(mfaToken, code), codeExpires)) {
            Optional<MfaChallenge> reread = challenges.find(mfaToken);
            if (reread.isPresent() && reread.get().liveAt(clock.instant())
                    && reread.get().smsSends() >= MfaChallenges.MAX_SMS_SENDS) {
                throw smsChallengeCap(reread.get(), actor, clock.instant());
            }
            throw refuse(actor, "challenge_exhausted", Optional.empty());
        }
        String tenantName = snapshot.tenant().map(Tenant::name).orElse("Tollgate");
        sms.deliver(actor, phone, "Your " + tenantName + " sign-in code is " + code + ". It is valid for "
                + SMS_CODE_LIFETIME.toMinutes() + " minutes. Do not share it.", "sign_in", "mfa_token");
        audit.record(AuditEventType.MFA_SMS_CODE_SENT, actor, "mfa", "sms_code", "sent",
                Map.of("purpose", "sign_in", "send", challenge.smsSends() + 1, "max_sends", MfaChallenges.MAX_SMS_SENDS,
                        "valid_seconds", Duration.between(now, codeExpires).toSeconds(),
                        "phone_last2", credential.get().phoneLastTwo().orElse(""), "user_id", user.userId()));
    }

    private ProblemException smsChallengeCap(MfaChallenge challenge, Actor actor, Instant now) {
        audit.record(AuditEventType.MFA_SMS_CAP_REACHED, actor, "mfa", "sms_code", "refused",
                Map.of("scope", "challenge", "limit", MfaChallenges.MAX_SMS_SENDS));
        return tooManySends(challenge, now);
    }

    private static ProblemException tooManySends(MfaChallenge challenge, Instant now) {
        Duration left = Duration.between(now, challenge.expiresAt());
        return ProblemException.rateLimited("No more codes can be sent for this sign-in; sign in again.",
                left.isNegative() ? Duration.ofSeconds(1) : left);
    }

    // ------------------------------------------------------------------ enrolment when MFA is required

    /** {@code POST /v1/auth/mfa/enrolment/totp}: starts TOTP enrolment with an enrolment challenge. */
    public MfaEnrolmentService.TotpEnrolment startEnrolment(String mfaToken, Origin origin) {
        MfaChallenge challenge = liveChallenge(mfaToken, MfaChallenge.Purpose.ENROLMENT, origin);
        Actor actor = actor(challenge, origin);
        MfaCredentialRepository.Snapshot snapshot = repository.load(challenge.tenantId(), challenge.username(),
                challenge.userId());
        UserAccount user = usableUser(snapshot, settings(snapshot), challenge, actor);
        return enrolment.enrol(snapshot.tenant().orElseThrow(), user, snapshot.totp(), actor);
    }

    /**
     * {@code POST /v1/auth/mfa/enrolment/totp/activate}: activates the pending TOTP with a valid
     * code and completes the login ({@code amr = ["pwd","otp"]}), returning the backup codes once.
     */
    public MfaCompletion finishEnrolment(String mfaToken, String code, Origin origin) {
        Answer answer = answer(mfaToken, MfaChallenge.Purpose.ENROLMENT, origin);
        MfaChallenge challenge = answer.challenge();
        Actor actor = answer.actor();
        int attempt = answer.attempt();
        MfaCredentialRepository.Snapshot snapshot = answer.snapshot();
        SecuritySettings settings = answer.settings();
        UserAccount user = answer.user();
        Optional<MfaEnrolmentService.Activation> activation = enrolment.prepareActivation(snapshot, user, code, actor);
        if (activation.isEmpty()) {
            // The caller holds the secret it is typing from: a typo, not a guess; only the attempts count.
            throw wrongAnswer(challenge, attempt, user, settings, actor, "wrong_code", TOTP, false);
        }
        List<TransactWriteItem> alongWith = new ArrayList<>();
        alongWith.add(challenges.consume(challenge, Optional.empty()));
        alongWith.addAll(activation.get().writes());
        List<String> amr = List.of("pwd", "otp");
        SessionIssuer.OpenedSession opened;
        try {
            opened = openSession(challenge, user, settings, amr, alongWith,
                    update -> UserWrites.addMfaMethod(update, TOTP), origin);
        } catch (FactorRejected changed) {
            throw new ProblemException(ErrorCode.CONFLICT, "The enrolment changed meanwhile; start it again.");
        }
        audit.record(AuditEventType.MFA_ACTIVATED, actor, "mfa", "activate", "success",
                Map.of("method", TOTP, "backup_codes", BackupCodes.COUNT, "required_by_tenant", true));
        audit.record(AuditEventType.MFA_VERIFIED, actor, "auth", "mfa_verify", "success",
                Map.of("method", TOTP, "amr", amr));
        loggedIn(opened, settings, actor, amr);
        return new MfaCompletion(opened.tokens(), delivery(challenge), settings.sessions().absoluteLifetime(), amr,
                activation.get().backupCodes());
    }

    // ------------------------------------------------------------------ shared steps

    /** The common start of an answer: the live challenge, its counted attempt and the user as stored now. */
    private record Answer(MfaChallenge challenge, Actor actor, int attempt, MfaCredentialRepository.Snapshot snapshot,
            SecuritySettings settings, UserAccount user) {
    }

    /** Finds the live challenge, counts one attempt (refused when none is left) and loads a usable user. */
    private Answer answer(String mfaToken, MfaChallenge.Purpose purpose, Origin origin) {
        MfaChallenge challenge = liveChallenge(mfaToken, purpose, origin);
        Actor actor = actor(challenge, origin);
        OptionalInt attempt = challenges.countAttempt(challenge);
        if (attempt.isEmpty()) {
            throw refuse(actor, "challenge_exhausted", Optional.empty());
        }
        MfaCredentialRepository.Snapshot snapshot = repository.load(challenge.tenantId(), challenge.username(),
                challenge.userId());
        SecuritySettings settings = settings(snapshot);
        return new Answer(challenge, actor, attempt.getAsInt(), snapshot, settings,
                usableUser(snapshot, settings, challenge, actor));
    }

    private MfaChallenge liveChallenge(String mfaToken, MfaChallenge.Purpose purpose, Origin origin) {
        Optional<MfaChallenge> challenge = challenges.find(mfaToken);
        if (challenge.isEmpty()) {
            throw refuse(new Actor(Keys.UNKNOWN_TENANT, null, null, origin.sourceIp(), origin.userAgent()),
                    "unknown_challenge", Optional.empty());
        }
        Actor actor = actor(challenge.get(), origin);
        if (challenge.get().purpose() != purpose) {
            throw refuse(actor, "wrong_purpose", Optional.empty());
        }
        if (!challenge.get().liveAt(clock.instant())) {
            throw refuse(actor, "challenge_expired", Optional.empty());
        }
        return challenge.get();
    }

    private UserAccount usableUser(MfaCredentialRepository.Snapshot snapshot, SecuritySettings settings,
            MfaChallenge challenge, Actor actor) {
        Optional<String> refusal = snapshot.refusal(settings, clock.instant());
        if (refusal.isPresent()) {
            challenges.discard(challenge);
            throw refuse(actor, refusal.get(), Optional.empty());
        }
        return snapshot.user().get();
    }

    private SecuritySettings settings(MfaCredentialRepository.Snapshot snapshot) {
        return snapshot.tenant().map(Tenant::settings).orElse(unknownTenantSettings);
    }

    private static TokenDelivery delivery(MfaChallenge challenge) {
        return TokenDelivery.forAudience(challenge.audience());
    }

    /**
     * Opens the session with {@code alongWith} (whose first part consumes the challenge) in one
     * transaction; retries a lost race on the session slots, re-reading the user.
     */
    private SessionIssuer.OpenedSession openSession(MfaChallenge challenge, UserAccount first, SecuritySettings settings,
            List<String> amr, List<TransactWriteItem> alongWith, Consumer<ItemUpdate> userChange, Origin origin) {
        Actor actor = actor(challenge, origin);
        UserAccount user = first;
        String audience = challenge.audience() == null ? settings.tokens().defaultAudience() : challenge.audience();
        for (int attempt = 1; ; attempt++) {
            Instant now = clock.instant();
            ItemUpdate update = UserWrites.secondFactorAccepted(tables.identity(), user.tenantId(), user.username(), now);
            userChange.accept(update);
            try {
                return sessions.open(new SessionIssuer.SessionRequest(user, amr, now, audience,
                        TokenDelivery.forAudience(audience), origin.sourceIp(), origin.userAgent()),
                        settings, update, alongWith);
            } catch (TransactionCanceledException cancelled) {
                List<CancellationReason> reasons = cancelled.hasCancellationReasons()
                        ? cancelled.cancellationReasons() : List.of();
                if (conditionFailed(reasons, 0)) {
                    throw refuse(actor, "challenge_consumed", Optional.empty());
                }
                for (int i = 1; i < alongWith.size(); i++) {
                    if (conditionFailed(reasons, i)) {
                        throw new FactorRejected();
                    }
                }
                if (attempt >= MAX_SESSION_ATTEMPTS) {
                    throw cancelled;
                }
                if (conditionFailed(reasons, alongWith.size())) {
                    MfaCredentialRepository.Snapshot reread = repository.load(challenge.tenantId(),
                            challenge.username(), challenge.userId());
                    user = usableUser(reread, settings, challenge, actor);
                }
            }
        }
    }

    /**
     * The second factor of a user whose password has expired (ADR 0025): no session, a one-time
     * password-change ticket written in the transaction that consumes the challenge and the factor.
     */
    private MfaCompletion passwordChangeInstead(MfaChallenge challenge, UserAccount user, List<String> amr,
            List<TransactWriteItem> alongWith, Actor actor, String method) {
        String ticket;
        try {
            ticket = passwordChangeTickets.open(user, alongWith);
        } catch (TransactionCanceledException cancelled) {
            List<CancellationReason> reasons = cancelled.hasCancellationReasons() ? cancelled.cancellationReasons()
                    : List.of();
            if (conditionFailed(reasons, 0)) {
                throw refuse(actor, "challenge_consumed", Optional.empty());
            }
            throw new FactorRejected();
        }
        audit.record(AuditEventType.MFA_VERIFIED, actor, "auth", "mfa_verify", "success",
                Map.of("method", method, "amr", amr));
        audit.record(AuditEventType.PASSWORD_EXPIRED, actor, "auth", "login", "pending",
                Map.of("password_changed_at", user.passwordChangedAt().toString(), "after", "second_factor"));
        return MfaCompletion.passwordChangeRequired(ticket, delivery(challenge), PasswordChangeTickets.LIFETIME, amr);
    }

    private static boolean conditionFailed(List<CancellationReason> reasons, int index) {
        return index < reasons.size() && "ConditionalCheckFailed".equals(reasons.get(index).code());
    }

    /** The factor's conditional write failed: the TOTP step or backup code was used concurrently. */
    private static final class FactorRejected extends RuntimeException {
        private static final long serialVersionUID = 1L;

        FactorRejected() {
            super("factor already used", null, false, false);
        }
    }

    private void loggedIn(SessionIssuer.OpenedSession opened, SecuritySettings settings, Actor actor, List<String> amr) {
        opened.evicted().forEach(old -> audit.record(AuditEventType.SESSION_EVICTED, actor, "session", "evict",
                "revoked", Map.of("session_id", old, "max_sessions", settings.sessions().maxConcurrent())));
        audit.record(AuditEventType.LOGIN_SUCCESS, actor, "auth", "login", "success", Map.of("amr", amr));
    }

    /**
     * A wrong answer: counts against the account lockout (unless {@code countsTowardsLockout} is
     * false), kills the challenge when its attempts are used up or the account got locked, and
     * returns the one MFA failure answer.
     */
    private ProblemException wrongAnswer(MfaChallenge challenge, int attemptsUsed, UserAccount user,
            SecuritySettings settings, Actor actor, String reason, String method, boolean countsTowardsLockout) {
        Instant now = clock.instant();
        boolean locked = false;
        if (countsTowardsLockout) {
            LockoutPolicy policy = new LockoutPolicy(settings.lockout());
            FailureCounter.Target target = new FailureCounter.Target(tables.identity(),
                    Keys.user(user.tenantId(), user.username()), true, Optional.empty());
            FailureCounter.Counted counted = counter.countAndLock(target, user.failures(), policy, now);
            locked = counted.count().isPresent() && counted.count().getAsLong() >= settings.lockout().threshold();
            if (counted.lockedNow()) {
                audit.record(AuditEventType.ACCOUNT_LOCKED, actor, "user", "lock", "locked",
                        Map.of("failures", counted.count().getAsLong(), "window_seconds",
                                settings.lockout().window().toSeconds(),
                                "locked_seconds", settings.lockout().duration().toSeconds(), "step", "mfa"));
            }
        }
        if (locked || attemptsUsed >= challenge.maxAttempts()) {
            challenges.discard(challenge);
        }
        return refuse(actor, reason, Optional.of(Map.of("method", method, "attempt", attemptsUsed,
                "max_attempts", challenge.maxAttempts())));
    }

    /** Audits the failure with its reason and returns the answer that never tells reasons apart. */
    private ProblemException refuse(Actor actor, String reason, Optional<Map<String, Object>> details) {
        Map<String, Object> data = new java.util.HashMap<>(details.orElse(Map.of()));
        data.put("reason", reason);
        audit.record(AuditEventType.MFA_FAILED, actor, "auth", "mfa_verify", "failure", data);
        return invalid();
    }

    /** The single MFA failure answer: same status, code and detail whatever went wrong. */
    public static ProblemException invalid() {
        return new ProblemException(ErrorCode.MFA_INVALID, "The verification failed.");
    }

    private static Actor actor(MfaChallenge challenge, Origin origin) {
        return new Actor(challenge.tenantId(), challenge.userId(), null, origin.sourceIp(), origin.userAgent());
    }
}
