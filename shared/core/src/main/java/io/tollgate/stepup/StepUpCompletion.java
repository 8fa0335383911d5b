package io.tollgate.stepup;

import io.tollgate.audit.AuditEventType;
import io.tollgate.audit.AuditRecorder;
import io.tollgate.audit.AuditRecorder.Actor;
import io.tollgate.http.ErrorCode;
import io.tollgate.http.ProblemException;
import io.tollgate.lockout.FailureCounter;
import io.tollgate.lockout.LockoutPolicy;
import io.tollgate.platform.TollgateServices;
import io.tollgate.session.SessionRecord;
import io.tollgate.session.TokenPair;
import io.tollgate.settings.SecuritySettings;
import io.tollgate.storage.Attributes;
import io.tollgate.storage.Keys;
import io.tollgate.storage.TableNames;
import io.tollgate.token.AccessTokenIssuer;
import io.tollgate.user.UserAccount;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The two ends of every step-up proof (ADR 0053), whatever the proof (password and code, or a
 * passkey assertion): a failure counts toward the account lockout and is audited
 * {@code step_up_failed}; a success uses the factor up in one transaction with a check that the
 * session is still active, then issues a fresh access token of that session with
 * {@code auth_time} now and is audited {@code step_up_success}. One place, so both proofs keep
 * the same lockout, audit and session rules.
 */
public final class StepUpCompletion {

    private final FailureCounter counter;
    private final AccessTokenIssuer accessTokens;
    private final AuditRecorder audit;
    private final DynamoDbClient dynamoDb;
    private final TableNames tables;

    public StepUpCompletion(FailureCounter counter, AccessTokenIssuer accessTokens, AuditRecorder audit,
            DynamoDbClient dynamoDb, TableNames tables) {
        this.counter = Objects.requireNonNull(counter, "counter");
        this.accessTokens = Objects.requireNonNull(accessTokens, "accessTokens");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.tables = Objects.requireNonNull(tables, "tables");
    }

    /** The completion of a container (signing key, failure counter, audit). */
    public static StepUpCompletion create(TollgateServices services) {
        return new StepUpCompletion(new FailureCounter(services.dynamoDb()),
                new AccessTokenIssuer(services.signingKeys(), services.clock(), services.config().tokenIssuer()),
                services.audit(), services.dynamoDb(), services.config().tables());
    }

    /**
     * Commits {@code factorWrites} (each conditional: the factor is used once) with a check that
     * session {@code sessionId} is still active, and returns the fresh access token.
     *
     * @param factorLost the failure to throw when the first factor write's condition fails (the
     *     factor was used meanwhile); called only then
     * @throws ProblemException 401 token_invalid when the session is no longer active
     */
    public TokenPair complete(UserAccount user, SecuritySettings settings, Actor caller, String sessionId,
            List<TransactWriteItem> factorWrites, List<String> amr, Instant now,
            Supplier<ProblemException> factorLost) {
        SessionRecord session = activeSession(user, sessionId)
                .orElseThrow(() -> new ProblemException(ErrorCode.TOKEN_INVALID, "The session is not active."));
        List<TransactWriteItem> writes = new ArrayList<>(factorWrites);
        writes.add(sessionStillActive(user, sessionId));
        try {
            dynamoDb.transactWriteItems(r -> r.transactItems(writes));
        } catch (TransactionCanceledException cancelled) {
            boolean lost = !factorWrites.isEmpty() && cancelled.hasCancellationReasons()
                    && "ConditionalCheckFailed".equals(cancelled.cancellationReasons().get(0).code());
            if (lost) {
                throw factorLost.get();
            }
            throw new ProblemException(ErrorCode.TOKEN_INVALID, "The session is not active.");
        }
        String token = accessTokens.issue(new AccessTokenIssuer.Subject(user.userId(), user.tenantId(),
                user.organizationId(), user.roles(), sessionId, amr, now, session.audience()),
                settings.tokens().accessTokenTtl());
        audit.record(AuditEventType.STEP_UP_SUCCESS, caller, "auth", "step_up", "success",
                Map.of("session_id", sessionId, "amr", amr));
        return new TokenPair(token, null, "Bearer", settings.tokens().accessTokenTtl().toSeconds());
    }

    /**
     * A failed step-up: when {@code counts} and the account exists, the failure counts toward the
     * lockout (and may lock, audited once with {@code step: step_up}); every failure is audited with
     * its reason and {@code details}. Returns the problem to throw: {@code code}, with a message that
     * tells nothing about the reason.
     */
    public ProblemException fail(String reason, boolean counts, Optional<UserAccount> account,
            SecuritySettings settings, Actor caller, Instant now, ErrorCode code, Map<String, Object> details) {
        if (counts && account.isPresent()) {
            UserAccount user = account.get();
            LockoutPolicy policy = new LockoutPolicy(settings.lockout());
            FailureCounter.Target target = new FailureCounter.Target(tables.identity(),
                    Keys.user(user.tenantId(), user.username()), true, Optional.empty());
            FailureCounter.Counted counted = counter.countAndLock(target, user.failures(), policy, now);
            if (counted.lockedNow()) {
                audit.record(AuditEventType.ACCOUNT_LOCKED, caller, "user", "lock", "locked",
                        Map.of("failures", counted.count().getAsLong(), "window_seconds",
                                settings.lockout().window().toSeconds(),
                                "locked_seconds", settings.lockout().duration().toSeconds(), "step", "step_up"));
            }
        }
        Map<String, Object> data = new HashMap<>(details);
        data.put("reason", reason);
        audit.record(AuditEventType.STEP_UP_FAILED, caller, "auth", "step_up", "failure", data);
        return code == ErrorCode.MFA_INVALID ? new ProblemException(code, "The verification failed.")
                : new ProblemException(code, "The credentials are not valid.");
    }

    private Optional<SessionRecord> activeSession(UserAccount user, String sessionId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(tables.sessions())
                .key(Keys.session(user.tenantId(), user.userId(), sessionId)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty()
                : Optional.of(SessionRecord.from(item)).filter(s -> SessionRecord.ACTIVE.equals(s.status()));
    }

    private TransactWriteItem sessionStillActive(UserAccount user, String sessionId) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":active", Attributes.s(SessionRecord.ACTIVE));
        return TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(tables.sessions())
                .key(Keys.session(user.tenantId(), user.userId(), sessionId))
                .conditionExpression("#status = :active")
                .expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(values).build()).build();
    }
}
