package io.tollgate.login;

import io.tollgate.audit.AuditEventType;
import io.tollgate.audit.AuditRecorder;
import io.tollgate.audit.AuditRecorder.Actor;
import io.tollgate.http.ErrorCode;
import io.tollgate.http.ProblemException;
import io.tollgate.lockout.FailureCounter;
import io.tollgate.lockout.FailureState;
import io.tollgate.lockout.LockoutPolicy;
import io.tollgate.mfa.MfaChallenge;
import io.tollgate.mfa.MfaChallenges;
import io.tollgate.password.Argon2idPasswordHasher;
import io.tollgate.password.PasswordChangeTickets;
import io.tollgate.session.SessionIssuer;
import io.tollgate.session.TokenDelivery;
import io.tollgate.storage.ItemUpdate;
import io.tollgate.settings.SecuritySettings;
import io.tollgate.settings.SecuritySettings.LockoutSettings;
import io.tollgate.storage.Keys;
import io.tollgate.storage.TableNames;
import io.tollgate.storage.UserWrites;
import io.tollgate.tenant.Tenant;
import io.tollgate.user.UserAccount;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The password step of authentication (docs/openapi.yaml, seed 000 §Authentication).
 *
 * <ul>
 *   <li>A blocked client IP is refused with 429 and {@code Retry-After} before any other work.</li>
 *   <li>Unknown tenant, unknown user, wrong password, disabled or locked account all end in the
 *       same {@link ErrorCode#INVALID_CREDENTIALS}, after exactly one Argon2id run.</li>
 *   <li>Wrong passwords count against the account (5 in 15 min → locked 30 min) and every
 *       failure counts against the client network (an IPv4 address or an IPv6 /64) in the tenant
 *       (20 in 15 min → blocked 60 min) and across every tenant ({@link #CROSS_TENANT_IP_BLOCK}),
 *       atomically (ADR 0057).</li>
 *   <li>Every refusal does the same DynamoDB work: a failure with no account to count against
 *       (unknown user or tenant) makes the same conditional write on the account item it named,
 *       which finds no item and writes nothing, so timing and capacity do not reveal which
 *       user names exist.</li>
 *   <li>Success opens a session in one transaction that also resets the account's failure window,
 *       on condition that no lock was set meanwhile. With a second factor enrolled it opens an MFA
 *       challenge instead and keeps the failure window (MFA failures count towards the lockout);
 *       when the tenant requires MFA and none is enrolled, an enrolment challenge (ADR 0011).</li>
 *   <li>A correct password older than the tenant's maximum age opens neither: the answer is a
 *       one-time password-change ticket (ADR 0025); for a user with a second factor, only after
 *       that factor (the MFA step answers with the ticket instead of tokens).</li>
 * </ul>
 * DynamoDB round trips: 2 on success, 4 on a failure (one more when it sets a lock or block).
 */
public final class LoginService {

    private static final int MAX_TRANSACTION_ATTEMPTS = 3;

    /**
     * Failures from one client network across every tenant (ADR 0057): 100 in 15 minutes block
     * it for 60 minutes everywhere, so spraying just under each tenant's threshold over many
     * tenants is stopped too.
     */
    public static final LockoutSettings CROSS_TENANT_IP_BLOCK = new LockoutSettings(100, Duration.ofMinutes(15),
            Duration.ofMinutes(60));

    private final LoginRepository repository;
    private final FailureCounter counter;
    private final Argon2idPasswordHasher hasher;
    private final SessionIssuer sessions;
    private final MfaChallenges mfaChallenges;
    private final PasswordChangeTickets passwordChangeTickets;
    private final AuditRecorder audit;
    private final TableNames tables;
    private final Clock clock;
    private final SecuritySettings unknownTenantSettings;

    public LoginService(LoginRepository repository, FailureCounter counter, Argon2idPasswordHasher hasher,
            SessionIssuer sessions, MfaChallenges mfaChallenges, PasswordChangeTickets passwordChangeTickets,
            AuditRecorder audit, TableNames tables, Clock clock,
            SecuritySettings unknownTenantSettings) {
        this.repository = Objects.requireNonNull(repository, "repository");
        this.counter = Objects.requireNonNull(counter, "counter");
        this.hasher = Objects.requireNonNull(hasher, "hasher");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.mfaChallenges = Objects.requireNonNull(mfaChallenges, "mfaChallenges");
        this.passwordChangeTickets = Objects.requireNonNull(passwordChangeTickets, "passwordChangeTickets");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.tables = Objects.requireNonNull(tables, "tables");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.unknownTenantSettings = Objects.requireNonNull(unknownTenantSettings, "unknownTenantSettings");
    }

    public LoginResult login(LoginCommand command) {
        Instant now = clock.instant();
        LoginRepository.Snapshot snapshot = repository.load(command.tenantId(), command.username(), command.sourceIp());
        SecuritySettings settings = snapshot.tenant().map(Tenant::settings).orElse(unknownTenantSettings);
        String counterTenant = snapshot.tenant().isPresent() ? command.tenantId() : Keys.UNKNOWN_TENANT;
        Optional<UserAccount> user = snapshot.user();
        Actor actor = new Actor(counterTenant, user.map(UserAccount::userId).orElse(null),
                user.map(UserAccount::organizationId).orElse(null), command.sourceIp(), command.userAgent());

        LockoutPolicy ipPolicy = new LockoutPolicy(settings.ipBlock());
        LockoutPolicy crossTenantPolicy = new LockoutPolicy(CROSS_TENANT_IP_BLOCK);
        if (ipPolicy.isLocked(snapshot.ipFailures(), now)
                || crossTenantPolicy.isLocked(snapshot.crossTenantIpFailures(), now)) {
            audit.record(AuditEventType.BLOCKED_IP_REFUSED, actor, "auth", "login", "denied", Map.of());
            Duration tenantBlock = ipPolicy.remainingLock(snapshot.ipFailures(), now);
            Duration crossTenantBlock = crossTenantPolicy.remainingLock(snapshot.crossTenantIpFailures(), now);
            throw ProblemException.rateLimited("Too many failed attempts from this address; try again later.",
                    tenantBlock.compareTo(crossTenantBlock) >= 0 ? tenantBlock : crossTenantBlock);
        }

        Argon2idPasswordHasher.Verification verification = user
                .map(u -> hasher.verify(command.password(), u.passwordHash()))
                .orElseGet(() -> new Argon2idPasswordHasher.Verification(hasher.verifyDummy(command.password()), false));
        LockoutPolicy accountPolicy = new LockoutPolicy(settings.lockout());

        String reason = null;
        if (snapshot.tenant().isEmpty()) {
            reason = "unknown_tenant";
        } else if (snapshot.tenant().get().status() != Tenant.Status.ACTIVE) {
            reason = "tenant_suspended";
        } else if (user.isEmpty()) {
            reason = "unknown_user";
        } else if (!verification.matches()) {
            reason = "wrong_password";
        } else if (!user.get().active()) {
            reason = "account_disabled";
        } else if (accountPolicy.isLocked(user.get().failures(), now)) {
            reason = "account_locked";
        } else if (!settings.tokens().audiences().contains(
                command.audience().orElse(settings.tokens().defaultAudience()))) {
            reason = "audience_not_allowed";
        }
        if (reason != null) {
            throw fail(reason, command, snapshot, settings, counterTenant, actor, now);
        }

        UserAccount account = user.get();
        // With a second factor the expired password is changed only after it: the MFA step issues the ticket.
        if (expired(account, settings, now) && account.mfaMethods().isEmpty()) {
            return passwordChangeOnly(account, command, snapshot, settings, counterTenant, actor, now);
        }
        Optional<String> rehash = verification.needsRehash() ? Optional.of(hasher.hash(command.password()))
                : Optional.empty();
        try {
            LoginResult result = complete(account, command, settings, rehash, now, actor);
            if (rehash.isPresent()) {
                audit.record(AuditEventType.PASSWORD_REHASHED, actor, "user", "rehash", "success", Map.of());
            }
            if (result instanceof LoginResult.MfaRequired mfa) {
                audit.record(AuditEventType.MFA_CHALLENGE_ISSUED, actor, "auth", "login", "pending",
                        Map.of("methods", mfa.methods()));
            } else if (result instanceof LoginResult.MfaEnrolmentRequired enrolment) {
                audit.record(AuditEventType.MFA_ENROLMENT_REQUIRED, actor, "auth", "login", "pending",
                        Map.of("methods", enrolment.methods()));
            } else {
                audit.record(AuditEventType.LOGIN_SUCCESS, actor, "auth", "login", "success",
                        Map.of("amr", List.of("pwd")));
            }
            return result;
        } catch (AccountStateChanged changed) {
            throw fail("account_locked", command, snapshot, settings, counterTenant, actor, now);
        }
    }

    /** True when the tenant sets a maximum password age and the password is at least that old. */
    static boolean expired(UserAccount account, SecuritySettings settings, Instant now) {
        return PasswordChangeTickets.passwordExpired(account, settings, now);
    }

    /**
     * A correct but expired password (ADR 0025): no session, only a one-time ticket for
     * {@code POST /v1/auth/password/expired}, opened on the same conditions as a session (active,
     * not locked). The failure window is kept: the login is not complete.
     */
    private LoginResult passwordChangeOnly(UserAccount account, LoginCommand command, LoginRepository.Snapshot snapshot,
            SecuritySettings settings, String counterTenant, Actor actor, Instant now) {
        ItemUpdate pending = UserWrites.passwordAcceptedPendingMfa(tables.identity(), account.tenantId(),
                account.username(), now, Optional.empty());
        String ticket;
        try {
            ticket = passwordChangeTickets.open(account, List.of(pending.toTransactItem()));
        } catch (TransactionCanceledException cancelled) {
            if (cancelled.cancellationReasons().stream().anyMatch(r -> "ConditionalCheckFailed".equals(r.code()))) {
                throw fail("account_locked", command, snapshot, settings, counterTenant, actor, now);
            }
            throw cancelled;
        }
        audit.record(AuditEventType.PASSWORD_EXPIRED, actor, "auth", "login", "pending",
                Map.of("password_changed_at", account.passwordChangedAt().toString(),
                        "max_age_days", settings.password().maxAge().toDays()));
        return new LoginResult.PasswordChangeRequired(ticket, PasswordChangeTickets.LIFETIME);
    }

    private LoginResult complete(UserAccount first, LoginCommand command, SecuritySettings settings,
            Optional<String> rehash, Instant now, Actor actor) {
        String audience = command.audience().orElse(settings.tokens().defaultAudience());
        UserAccount account = first;
        for (int attempt = 1; ; attempt++) {
            ItemUpdate reset = UserWrites.passwordAccepted(tables.identity(), account.tenantId(), account.username(),
                    now, rehash);
            try {
                if (account.mfaMethods().isEmpty() && !settings.mfa().required()) {
                    TokenDelivery delivery = TokenDelivery.forAudience(audience);
                    SessionIssuer.OpenedSession opened = sessions.open(new SessionIssuer.SessionRequest(account,
                            List.of("pwd"), now, audience, delivery, command.sourceIp(), command.userAgent()),
                            settings, reset, List.of());
                    opened.evicted().forEach(old -> audit.record(AuditEventType.SESSION_EVICTED, actor, "session",
                            "evict", "revoked", Map.of("session_id", old, "max_sessions",
                                    settings.sessions().maxConcurrent())));
                    return new LoginResult.Authenticated(opened.tokens(), delivery, settings.sessions().absoluteLifetime());
                }
                // The failure window is reset only when the second step completes: otherwise every
                // correct password would wipe the MFA failures counted against the lockout.
                ItemUpdate pending = UserWrites.passwordAcceptedPendingMfa(tables.identity(), account.tenantId(),
                        account.username(), now, rehash);
                if (account.mfaMethods().isEmpty()) {
                    List<String> methods = List.of("totp");
                    return new LoginResult.MfaEnrolmentRequired(mfaChallenges.open(account, methods,
                            MfaChallenge.Purpose.ENROLMENT, audience, List.of(pending.toTransactItem())), methods);
                }
                List<String> methods = MfaChallenges.offeredMethods(account, settings);
                return new LoginResult.MfaRequired(mfaChallenges.open(account, methods, MfaChallenge.Purpose.VERIFY,
                        audience, List.of(pending.toTransactItem())), methods);
            } catch (TransactionCanceledException cancelled) {
                boolean conditionFailed = cancelled.cancellationReasons().stream()
                        .anyMatch(r -> "ConditionalCheckFailed".equals(r.code()));
                if (attempt >= MAX_TRANSACTION_ATTEMPTS) {
                    throw conditionFailed ? new AccountStateChanged() : cancelled;
                }
                if (conditionFailed) {
                    // A lock, a disable or a concurrent session change: re-read and decide again.
                    Optional<UserAccount> reread = repository.reloadUser(account.tenantId(), account.username());
                    LockoutPolicy policy = new LockoutPolicy(settings.lockout());
                    if (reread.isEmpty() || !reread.get().active() || policy.isLocked(reread.get().failures(), now)
                            || !reread.get().userId().equals(account.userId())) {
                        throw new AccountStateChanged();
                    }
                    account = reread.get();
                }
            }
        }
    }

    private ProblemException fail(String reason, LoginCommand command, LoginRepository.Snapshot snapshot,
            SecuritySettings settings, String counterTenant, Actor actor, Instant now) {
        if ("wrong_password".equals(reason)) {
            UserAccount account = snapshot.user().orElseThrow();
            LockoutPolicy policy = new LockoutPolicy(settings.lockout());
            FailureCounter.Target target = new FailureCounter.Target(tables.identity(),
                    Keys.user(account.tenantId(), account.username()), true, Optional.empty());
            FailureCounter.Counted counted = counter.countAndLock(target, account.failures(), policy, now);
            if (counted.lockedNow()) {
                audit.record(AuditEventType.ACCOUNT_LOCKED, actor, "user", "lock", "locked",
                        Map.of("failures", counted.count().getAsLong(), "window_seconds", settings.lockout().window().toSeconds(),
                                "locked_seconds", settings.lockout().duration().toSeconds()));
            }
        } else {
            // The same write as above, on the account the request named, counting nothing (ADR 0057).
            counter.touch(new FailureCounter.Target(tables.identity(),
                    Keys.user(command.tenantId(), command.username()), true, Optional.empty()));
        }
        countIpFailure(new FailureCounter.Target(tables.security(), Keys.ipCounter(counterTenant, command.sourceIp()),
                false, Optional.of(now.plus(settings.ipBlock().window().plus(settings.ipBlock().duration())))),
                snapshot.ipFailures(), settings.ipBlock(), actor, now, Map.of());
        countIpFailure(new FailureCounter.Target(tables.security(), Keys.crossTenantIpCounter(command.sourceIp()),
                false, Optional.of(now.plus(CROSS_TENANT_IP_BLOCK.window().plus(CROSS_TENANT_IP_BLOCK.duration())))),
                snapshot.crossTenantIpFailures(), CROSS_TENANT_IP_BLOCK, actor, now, Map.of("scope", "all_tenants"));
        audit.record(AuditEventType.LOGIN_FAILURE, actor, "auth", "login", "failure", Map.of("reason", reason));
        return new ProblemException(ErrorCode.INVALID_CREDENTIALS, "The credentials are not valid.");
    }

    /** Counts one failure of the client network on {@code target}; blocks it (audited once) at the threshold. */
    private void countIpFailure(FailureCounter.Target target, FailureState before, LockoutSettings block, Actor actor,
            Instant now, Map<String, Object> detail) {
        FailureCounter.Counted counted = counter.countAndLock(target, before, new LockoutPolicy(block), now);
        if (counted.lockedNow()) {
            Map<String, Object> data = new java.util.HashMap<>(detail);
            data.putAll(Map.of("failures", counted.count().getAsLong(), "window_seconds", block.window().toSeconds(),
                    "blocked_seconds", block.duration().toSeconds()));
            audit.record(AuditEventType.IP_BLOCKED, actor, "ip", "block", "blocked", data);
        }
    }

    /** The account was locked or disabled between the read and the session transaction. */
    private static final class AccountStateChanged extends RuntimeException {
        private static final long serialVersionUID = 1L;

        AccountStateChanged() {
            super("account state changed during login", null, false, false);
        }
    }
}
