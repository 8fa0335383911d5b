package io.tollgate.session;

import io.tollgate.settings.SecuritySettings;
import io.tollgate.storage.Attributes;
import io.tollgate.storage.Keys;
import io.tollgate.storage.TableNames;
import io.tollgate.token.AccessTokenIssuer;
import io.tollgate.token.OpaqueTokens;
import io.tollgate.user.UserAccount;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/**
 * Opens a session after a completed authentication: writes the session and its first refresh
 * token (stored only as SHA-256) in one DynamoDB transaction with the caller's user-state change,
 * then signs the access token. One round trip.
 */
public final class SessionIssuer {

    private final DynamoDbClient dynamoDb;
    private final TableNames tables;
    private final AccessTokenIssuer accessTokens;
    private final OpaqueTokens opaqueTokens;
    private final Clock clock;

    public SessionIssuer(DynamoDbClient dynamoDb, TableNames tables, AccessTokenIssuer accessTokens,
            OpaqueTokens opaqueTokens, Clock clock) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.tables = Objects.requireNonNull(tables, "tables");
        this.accessTokens = Objects.requireNonNull(accessTokens, "accessTokens");
        this.opaqueTokens = Objects.requireNonNull(opaqueTokens, "opaqueTokens");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Creates the session for {@code user}, authenticated by {@code amr} at {@code authTime},
     * atomically with {@code alongWith} (e.g. the failure-counter reset). A cancelled transaction
     * surfaces as {@link software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException}.
     */
    public TokenPair open(UserAccount user, List<String> amr, Instant authTime, SecuritySettings settings,
            List<TransactWriteItem> alongWith) {
        Instant now = clock.instant();
        String sessionId = UUID.randomUUID().toString();
        String refreshToken = opaqueTokens.generate();
        String refreshHash = OpaqueTokens.hash(refreshToken);
        Instant absoluteEnd = now.plus(settings.sessions().absoluteLifetime());
        String audience = settings.tokens().defaultAudience();

        Map<String, AttributeValue> session = new HashMap<>(Keys.session(user.tenantId(), user.userId(), sessionId));
        session.put("session_id", Attributes.s(sessionId));
        session.put("tenant_id", Attributes.s(user.tenantId()));
        session.put("user_id", Attributes.s(user.userId()));
        session.put("status", Attributes.s("ACTIVE"));
        session.put("refresh_hash", Attributes.s(refreshHash));
        session.put("amr", Attributes.strings(amr));
        session.put("audience", Attributes.s(audience));
        session.put("auth_time", Attributes.epochMillis(authTime));
        session.put("created_at", Attributes.epochMillis(now));
        session.put("last_used_at", Attributes.epochMillis(now));
        session.put("expires_at", Attributes.epochMillis(absoluteEnd));
        session.put(Keys.TTL, Attributes.epochSeconds(absoluteEnd));

        Map<String, AttributeValue> refresh = new HashMap<>(Keys.refreshToken(refreshHash));
        refresh.put("tenant_id", Attributes.s(user.tenantId()));
        refresh.put("user_id", Attributes.s(user.userId()));
        refresh.put("session_id", Attributes.s(sessionId));
        refresh.put("status", Attributes.s("ACTIVE"));
        refresh.put("issued_at", Attributes.epochMillis(now));
        refresh.put("expires_at", Attributes.epochMillis(absoluteEnd));
        refresh.put(Keys.TTL, Attributes.epochSeconds(absoluteEnd));

        List<TransactWriteItem> writes = new ArrayList<>(alongWith);
        writes.add(putNew(tables.sessions(), session));
        writes.add(putNew(tables.sessions(), refresh));
        dynamoDb.transactWriteItems(TransactWriteItemsRequest.builder().transactItems(writes).build());

        String accessToken = accessTokens.issue(new AccessTokenIssuer.Subject(user.userId(), user.tenantId(),
                user.organizationId(), user.roles(), sessionId, amr, authTime, audience),
                settings.tokens().accessTokenTtl());
        return new TokenPair(accessToken, refreshToken, "Bearer", settings.tokens().accessTokenTtl().toSeconds());
    }

    private static TransactWriteItem putNew(String table, Map<String, AttributeValue> item) {
        return TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
                .conditionExpression("attribute_not_exists(#pk)")
                .expressionAttributeNames(Map.of("#pk", Keys.PK)).build()).build();
    }
}
