package io.tollgate.password;

import io.tollgate.audit.AuditEventType;
import io.tollgate.audit.AuditRecorder;
import io.tollgate.audit.AuditRecorder.Actor;
import io.tollgate.http.ErrorCode;
import io.tollgate.http.ProblemException;
import io.tollgate.lockout.FailureCounter;
import io.tollgate.lockout.LockoutPolicy;
import io.tollgate.mail.MailMessage;
import io.tollgate.mail.MailSender;
import io.tollgate.mfa.MfaCredentialRepository;
import io.tollgate.platform.TollgateServices;
import io.tollgate.session.SessionService;
import io.tollgate.session.SessionServices;
import io.tollgate.settings.SecuritySettings;
import io.tollgate.storage.Attributes;
import io.tollgate.storage.ItemUpdate;
import io.tollgate.storage.Keys;
import io.tollgate.storage.TableNames;
import io.tollgate.tenant.Tenant;
import io.tollgate.token.OpaqueTokens;
import io.tollgate.user.UserAccount;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * {@code POST /v1/me/password} (docs/openapi.yaml, seed 000 password policy; ADR 0025).
 *
 * <ul>
 *   <li>The current password is required. A wrong one (or a locked, disabled or vanished account)
 *       answers exactly like a failed login, {@link ErrorCode#INVALID_CREDENTIALS}, and a wrong
 *       one counts against the account's lockout window like a failed login does.</li>
 *   <li>The new password is checked against the tenant's policy and against the current and the
 *       previous passwords ({@code historySize} in all, default 12); every broken rule is reported
 *       in one 422 {@code password_policy_violated}. The history holds Argon2id hashes only and is
 *       compared by {@link Argon2idPasswordHasher#verify}, never as plaintext.</li>
 *   <li>The write is conditioned on the password hash that was verified: of two concurrent changes
 *       exactly one wins, the other gets 409 and writes nothing.</li>
 *   <li>A login with a correct but expired password (older than the tenant's {@code maxAge})
 *       gets a one-time {@link PasswordChangeTickets ticket} instead of tokens;
 *       {@link #changeExpired} changes the password with it, under the same rules.</li>
 *   <li>Afterwards every session is revoked ({@link SessionService#revokeAll}, which also voids
 *       every access token issued before now), a notification mail goes to the account's address
 *       and a {@code password_changed} event is audited.</li>
 * </ul>
 */
public final class PasswordChangeService {

    private static final Logger LOG = LoggerFactory.getLogger(PasswordChangeService.class);

    /** The rule reported when the new password is the current one or one of the remembered ones. */
    public static final String REUSED_RULE = "reused";

    private final MfaCredentialRepository users;
    private final PasswordChangeTickets tickets;
    private final FailureCounter counter;
    private final Argon2idPasswordHasher hasher;
    private final CommonPasswords commonPasswords;
    private final SessionService sessions;
    private final MailSender mail;
    private final AuditRecorder audit;
    private final DynamoDbClient dynamoDb;
    private final TableNames tables;
    private final Clock clock;
    private final SecuritySettings unknownTenantSettings;

    public PasswordChangeService(MfaCredentialRepository users, PasswordChangeTickets tickets, FailureCounter counter, Argon2idPasswordHasher hasher,
            CommonPasswords commonPasswords, SessionService sessions, MailSender mail, AuditRecorder audit,
            DynamoDbClient dynamoDb, TableNames tables, Clock clock, SecuritySettings unknownTenantSettings) {
        this.users = Objects.requireNonNull(users, "users");
        this.tickets = Objects.requireNonNull(tickets, "tickets");
        this.counter = Objects.requireNonNull(counter, "counter");
        this.hasher = Objects.requireNonNull(hasher, "hasher");
        this.commonPasswords = Objects.requireNonNull(commonPasswords, "commonPasswords");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.mail = Objects.requireNonNull(mail, "mail");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.tables = Objects.requireNonNull(tables, "tables");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.unknownTenantSettings = Objects.requireNonNull(unknownTenantSettings, "unknownTenantSettings");
    }

    /** The service of a container, built from its {@link TollgateServices} (needs a mail sender). */
    public static PasswordChangeService create(TollgateServices services) {
        return new PasswordChangeService(new MfaCredentialRepository(services.dynamoDb(), services.config().tables(),
                services.encryptor()),
                new PasswordChangeTickets(services.dynamoDb(), services.config().tables(),
                        new OpaqueTokens(services.random()), services.clock()),
                new FailureCounter(services.dynamoDb()), services.passwordHasher(), CommonPasswords.load(),
                SessionServices.create(services), services.mailSender(), services.audit(), services.dynamoDb(),
                services.config().tables(), services.clock(), services.defaultSettings());
    }

    /** The two passwords of a change request; {@link #toString()} shows neither. */
    public record PasswordChange(String currentPassword, String newPassword) {
        public PasswordChange {
            Objects.requireNonNull(currentPassword, "currentPassword");
            Objects.requireNonNull(newPassword, "newPassword");
        }

        @Override
        public String toString() {
            return "PasswordChange[<redacted>]";
        }
    }

    /**
     * Changes the password of {@code actor}'s account and returns the ids of the sessions revoked.
     *
     * @throws ProblemException 401 invalid_credentials, 422 password_policy_violated, 409 conflict
     */
    public List<String> change(Actor actor, PasswordChange change) {
        Instant now = clock.instant();
        MfaCredentialRepository.Snapshot snapshot = users.loadById(actor.tenantId(), actor.userId());
        SecuritySettings settings = snapshot.tenant().map(Tenant::settings).orElse(unknownTenantSettings);
        Optional<UserAccount> found = snapshot.user();
        Argon2idPasswordHasher.Verification verification = found
                .map(u -> hasher.verify(change.currentPassword(), u.passwordHash()))
                .orElseGet(() -> new Argon2idPasswordHasher.Verification(hasher.verifyDummy(change.currentPassword()),
                        false));
        LockoutPolicy lockout = new LockoutPolicy(settings.lockout());
        String reason = null;
        if (found.isEmpty()) {
            reason = "unknown_user";
        } else if (!verification.matches()) {
            reason = "wrong_password";
        } else if (!found.get().active()) {
            reason = "account_disabled";
        } else if (lockout.isLocked(found.get().failures(), now)) {
            reason = "account_locked";
        }
        if (reason != null) {
            throw refuse(reason, found, settings, actor, now);
        }
        return commit(found.get(), snapshot, settings, change.newPassword(), actor, Optional.empty());
    }

    /**
     * {@code POST /v1/auth/password/expired}: the password change a login with an expired password
     * led to (ADR 0025). The ticket stands for the verified current password; it is consumed in the
     * same transaction as the change, so it works once. Returns the ids of the sessions revoked.
     *
     * @throws ProblemException 401 token_invalid (unknown, used or expired ticket, or the account
     *     changed since), 422 password_policy_violated (the ticket stays usable), 409 conflict
     */
    public List<String> changeExpired(String ticketToken, String newPassword, String sourceIp, String userAgent) {
        return changeWithTicket(ticketToken, PasswordChangeTickets.Purpose.EXPIRED_PASSWORD, newPassword, sourceIp,
                userAgent);
    }

    /**
     * {@code POST /v1/auth/password/set}: the first password of a user an administrator invited
     * (ADR 0045). The 24-hour invitation ticket stands for the unusable random password the account
     * was created with; it is consumed with the change, so the link works once.
     *
     * @throws ProblemException 401 token_invalid, 422 password_policy_violated (the link stays usable)
     */
    public void setInvited(String ticketToken, String newPassword, String sourceIp, String userAgent) {
        changeWithTicket(ticketToken, PasswordChangeTickets.Purpose.INVITATION, newPassword, sourceIp, userAgent);
    }

    private List<String> changeWithTicket(String ticketToken, PasswordChangeTickets.Purpose purpose, String newPassword,
            String sourceIp, String userAgent) {
        Optional<PasswordChangeTickets.Ticket> ticket = tickets.find(ticketToken, purpose);
        MfaCredentialRepository.Snapshot snapshot = ticket.map(t -> users.loadById(t.tenantId(), t.userId()))
                .orElse(null);
        Optional<UserAccount> account = snapshot == null ? Optional.empty() : snapshot.user()
                .filter(UserAccount::active)
                .filter(u -> u.passwordHash().equals(ticket.get().passwordHash()));
        if (account.isEmpty()) {
            throw new ProblemException(ErrorCode.TOKEN_INVALID, "The password change token is not valid.");
        }
        SecuritySettings settings = snapshot.tenant().map(Tenant::settings).orElse(unknownTenantSettings);
        Actor actor = new Actor(account.get().tenantId(), account.get().userId(), account.get().organizationId(),
                sourceIp, userAgent);
        return commit(account.get(), snapshot, settings, newPassword, actor, ticket);
    }

    private List<String> commit(UserAccount account, MfaCredentialRepository.Snapshot snapshot,
            SecuritySettings settings, String newPassword, Actor actor, Optional<PasswordChangeTickets.Ticket> ticket) {
        Instant now = clock.instant();
        List<String> history = account.passwordHistory();
        List<ProblemException.FieldError> errors = new ArrayList<>();
        new PasswordPolicy(settings.password(), commonPasswords).check(newPassword,
                List.of(account.username(), snapshot.email().orElse(""), account.tenantId()))
                .forEach(v -> errors.add(new ProblemException.FieldError("new_password", v.rule(), v.message())));
        int remembered = settings.password().historySize();
        if (remembered > 0 && reusesRemembered(newPassword, account.passwordHash(), history, remembered)) {
            errors.add(new ProblemException.FieldError("new_password", REUSED_RULE,
                    "Use a password that differs from your last " + remembered + " passwords."));
        }
        boolean invitation = ticket.map(t -> t.purpose() == PasswordChangeTickets.Purpose.INVITATION).orElse(false);
        String via = invitation ? "invitation" : ticket.isPresent() ? "expired_password_ticket" : "current_password";
        if (!errors.isEmpty()) {
            audit.record(AuditEventType.PASSWORD_CHANGED, actor, "user", "password_change", "failure",
                    Map.of("reason", "policy", "via", via,
                            "rules", errors.stream().map(ProblemException.FieldError::code).toList()));
            throw ProblemException.invalid(ErrorCode.PASSWORD_POLICY_VIOLATED,
                    "The new password does not meet the password policy.", errors);
        }

        List<String> newHistory = new ArrayList<>();
        // An invitation's random placeholder is nobody's password: it is not remembered.
        if (remembered > 1 && !invitation) {
            newHistory.add(account.passwordHash());
            newHistory.addAll(history.subList(0, Math.min(history.size(), remembered - 2)));
        }
        store(account, hasher.hash(newPassword), newHistory, now, ticket);
        List<String> revoked = sessions.revokeAll(account.tenantId(), account.userId(), "password_change", actor);
        audit.record(AuditEventType.PASSWORD_CHANGED, actor, "user", "password_change", "success",
                Map.of("via", via, "sessions_revoked", revoked.size()));
        if (!invitation) {
            snapshot.email().ifPresent(to -> notify(to, snapshot.tenant().map(Tenant::name)
                    .orElse(account.tenantId()), now));
        }
        return revoked;
    }

    private boolean reusesRemembered(String candidate, String currentHash, List<String> history, int remembered) {
        List<String> hashes = new ArrayList<>();
        hashes.add(currentHash);
        hashes.addAll(history.subList(0, Math.min(history.size(), remembered - 1)));
        boolean reused = false;
        // Every hash is verified, also after a match: the time does not tell which one matched.
        for (String hash : hashes) {
            reused |= hasher.verify(candidate, hash).matches();
        }
        return reused;
    }

    private void store(UserAccount account, String newHash, List<String> history, Instant now,
            Optional<PasswordChangeTickets.Ticket> ticket) {
        ItemUpdate update = ItemUpdate.of(tables.identity(), Keys.user(account.tenantId(), account.username()))
                .name("#status", "status").name("#history", "password_history")
                .value(":new", Attributes.s(newHash)).value(":now", Attributes.epochMillis(now))
                .value(":history", Attributes.strings(history)).value(":user", Attributes.s(account.userId()))
                .value(":old", Attributes.s(account.passwordHash())).value(":active", Attributes.s("ACTIVE"))
                .set("password_hash = :new").set("password_changed_at = :now").set("#history = :history")
                .condition("user_id = :user AND password_hash = :old AND #status = :active");
        List<TransactWriteItem> writes = new ArrayList<>();
        ticket.ifPresent(t -> writes.add(tickets.consume(t)));
        writes.add(update.toTransactItem());
        try {
            dynamoDb.transactWriteItems(TransactWriteItemsRequest.builder().transactItems(writes).build());
        } catch (TransactionCanceledException e) {
            if (e.cancellationReasons().stream().anyMatch(r -> "ConditionalCheckFailed".equals(r.code()))) {
                throw new ProblemException(ErrorCode.CONFLICT,
                        "The password was changed by another request; sign in again.");
            }
            throw e;
        }
    }

    private ProblemException refuse(String reason, Optional<UserAccount> account, SecuritySettings settings,
            Actor actor, Instant now) {
        if ("wrong_password".equals(reason)) {
            UserAccount user = account.orElseThrow();
            LockoutPolicy policy = new LockoutPolicy(settings.lockout());
            FailureCounter.Target target = new FailureCounter.Target(tables.identity(),
                    Keys.user(user.tenantId(), user.username()), true, Optional.empty());
            OptionalLong count = counter.recordFailure(target, user.failures(), policy, now);
            if (count.isPresent() && policy.mustLock(count.getAsLong(), user.failures(), now)
                    && counter.lock(target, policy.lockEnd(now), now)) {
                audit.record(AuditEventType.ACCOUNT_LOCKED, actor, "user", "lock", "locked",
                        Map.of("failures", count.getAsLong(), "window_seconds", settings.lockout().window().toSeconds(),
                                "locked_seconds", settings.lockout().duration().toSeconds()));
            }
        }
        audit.record(AuditEventType.PASSWORD_CHANGED, actor, "user", "password_change", "failure",
                Map.of("reason", reason));
        return new ProblemException(ErrorCode.INVALID_CREDENTIALS, "The credentials are not valid.");
    }

    private void notify(String to, String tenantName, Instant now) {
        try {
            mail.send(new MailMessage(to, "Your password was changed",
                    "The password of your " + tenantName + " account was changed at " + now + ".\n\n"
                            + "All your sessions were signed out. If you did not change it, contact your administrator"
                            + " at once.\n"));
        } catch (MailSender.MailUnavailableException | IllegalArgumentException e) {
            // The change stands and is audited; a lost notification must not undo it.
            LOG.warn("password change notification not sent cause={}", e.getClass().getSimpleName());
        }
    }
}
