package io.tollgate.detection;

import io.tollgate.audit.AuditRecorder;
import io.tollgate.lockout.FailureCounter;
import io.tollgate.session.SessionService;
import io.tollgate.storage.Attributes;
import io.tollgate.storage.Keys;
import io.tollgate.storage.TableNames;
import java.time.Instant;
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
 * tokens (refresh). Returns false when the account does not exist (nothing to lock).
 */
public class AccountLocker {

    private final DynamoDbClient dynamoDb;
    private final TableNames tables;
    private final FailureCounter counter;
    private final SessionService sessions;

    public AccountLocker(DynamoDbClient dynamoDb, TableNames tables, SessionService sessions) {
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
        sessions.revokeAll(tenantId, userId, "anomaly_lock", new AuditRecorder.Actor(tenantId, userId, null, null,
                AnomalyDetection.SOURCE));
        return true;
    }
}
