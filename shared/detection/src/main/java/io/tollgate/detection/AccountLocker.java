package io.tollgate.detection;

import io.tollgate.audit.AuditEventType;
import io.tollgate.audit.AuditRecorder;
import io.tollgate.authz.ApiKeyRepository;
import io.tollgate.lockout.FailureCounter;
import io.tollgate.session.SessionService;
import io.tollgate.storage.Attributes;
import io.tollgate.storage.Keys;
import io.tollgate.storage.TableNames;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Locks an account the way login and the authorizer already read it (ADR 0021): the user item's
 * {@code locked_until} (login answers "account locked", as after five wrong passwords, and an
 * administrator's unlock clears it), and every session of the user revoked with a
 * {@code valid_after} that voids the access tokens already issued (authorizer) and the refresh
 * tokens (refresh), and every API key of the user revoked (ADR 0054; the authorizer already
 * refuses them while the lock lasts, revocation keeps them refused after an unlock). Returns
 * false when the account does not exist (nothing to lock).
 */
public class AccountLocker {

    private final DynamoDbClient dynamoDb;
    private final TableNames tables;
    private final FailureCounter counter;
    private final SessionService sessions;
    private final ApiKeyRepository apiKeys;
    private final AuditRecorder audit;

    public AccountLocker(DynamoDbClient dynamoDb, TableNames tables, SessionService sessions, ApiKeyRepository apiKeys,
            AuditRecorder audit) {
        this.apiKeys = Objects.requireNonNull(apiKeys, "apiKeys");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.tables = Objects.requireNonNull(tables, "tables");
        this.counter = new FailureCounter(dynamoDb);
        this.sessions = Objects.requireNonNull(sessions, "sessions");
    }

    public boolean lock(String tenantId, String userId, Instant until, Instant now) {
        Map<String, AttributeValue> pointer = dynamoDb.getItem(r -> r.tableName(tables.identity())
                .key(Keys.userId(tenantId, userId)).consistentRead(true)).item();
        Optional<String> username = pointer == null ? Optional.empty() : Attributes.string(pointer, "username");
        if (username.isEmpty()) {
            return false;
        }
        counter.lock(new FailureCounter.Target(tables.identity(), Keys.user(tenantId, username.get()), true,
                Optional.empty()), until, now);
        AuditRecorder.Actor actor = new AuditRecorder.Actor(tenantId, userId, null, null, AnomalyDetection.SOURCE);
        sessions.revokeAll(tenantId, userId, "anomaly_lock", actor);
        List<String> revoked = apiKeys.revokeAll(tenantId, userId);
        if (!revoked.isEmpty()) {
            audit.record(AuditEventType.API_KEYS_REVOKED, actor, "api_key", "revoke_all", "success",
                    Map.of("target_user_id", userId, "reason", "anomaly_lock", "api_keys", revoked));
        }
        return true;
    }
}
