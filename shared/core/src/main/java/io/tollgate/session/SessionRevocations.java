package io.tollgate.session;

import io.tollgate.storage.Attributes;
import io.tollgate.storage.Keys;
import io.tollgate.storage.TableNames;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * Whether an access token's session still stands, as the authorizer asks it on every request
 * (ADR 0006): the session must exist and be {@code ACTIVE}, the user must not be disabled, and
 * the token must not be older than the user's {@code valid_after}. One {@code BatchGetItem} of
 * the session and revocation items per session and {@link #maxAge} (default 30 s) — the
 * documented staleness bound — kept in a bounded LRU map, so a warm request pays no AWS call.
 *
 * <p>An API key acts without a session: {@link #apiKeyOwnerBlocked} also reads the owner's user
 * item in the same {@code BatchGetItem}, so a key is refused while its owner is disabled, deleted
 * or locked (lockout or anomaly lock, {@code locked_until}), within the same bound (ADR 0054).
 */
public final class SessionRevocations {

    /** Staleness bound of revocation for access tokens. */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofSeconds(30);

    private final DynamoDbClient dynamoDb;
    private final TableNames tables;
    private final Clock clock;
    private final Duration maxAge;
    private final Map<String, State> cache;

    /** What was read about one session (or an API key's owner), and when. */
    record State(boolean sessionActive, boolean userDisabled, long validAfterEpochSecond, Instant loadedAt,
            boolean ownerUsable, long lockedUntilEpochMilli) {
    }

    public SessionRevocations(DynamoDbClient dynamoDb, TableNames tables, Clock clock, Duration maxAge, int maxEntries) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.tables = Objects.requireNonNull(tables, "tables");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be positive");
        }
        this.cache = new LinkedHashMap<>(256, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, State> eldest) {
                return size() > maxEntries;
            }
        };
    }

    /**
     * True when a token of session {@code sessionId} of the user, issued at {@code issuedAt},
     * must be refused.
     */
    public boolean revoked(String tenantId, String userId, String sessionId, Instant issuedAt) {
        State state = state(tenantId, userId, Objects.requireNonNull(sessionId, "sessionId"), Optional.empty());
        return !state.sessionActive() || state.userDisabled() || issuedAt.getEpochSecond() < state.validAfterEpochSecond();
    }

    /** True when the user is disabled. */
    public boolean userDisabled(String tenantId, String userId) {
        return state(tenantId, userId, null, Optional.empty()).userDisabled();
    }

    /**
     * True when an API key of this owner must be refused: the owner is disabled, gone (no user
     * item of that id under {@code username}, or no user name known), or locked now.
     */
    public boolean apiKeyOwnerBlocked(String tenantId, String userId, Optional<String> username) {
        if (username.isEmpty()) {
            return true;
        }
        State state = state(tenantId, userId, null, username);
        return state.userDisabled() || !state.ownerUsable() || state.lockedUntilEpochMilli() > clock.millis();
    }

    private State state(String tenantId, String userId, String sessionId, Optional<String> username) {
        String key = tenantId + '\u0000' + userId + '\u0000' + (sessionId == null ? "" : sessionId)
                + username.map(name -> "\u0000owner").orElse("");
        Instant now = clock.instant();
        State state;
        synchronized (cache) {
            state = cache.get(key);
        }
        if (state == null || !state.loadedAt().plus(maxAge).isAfter(now)) {
            state = load(tenantId, userId, sessionId, username, now);
            synchronized (cache) {
                cache.put(key, state);
            }
        }
        return state;
    }

    private State load(String tenantId, String userId, String sessionId, Optional<String> username, Instant now) {
        Map<String, AttributeValue> sessionKey = sessionId == null ? Map.of() : Keys.session(tenantId, userId, sessionId);
        Map<String, AttributeValue> revocationKey = Keys.userRevocation(tenantId, userId);
        List<Map<String, AttributeValue>> keys = sessionId == null ? List.of(revocationKey) : List.of(sessionKey, revocationKey);
        Map<String, KeysAndAttributes> request = new HashMap<>();
        request.put(tables.sessions(), KeysAndAttributes.builder().keys(keys)
                .projectionExpression("#pk, #sk, #status, valid_after, disabled")
                .expressionAttributeNames(Map.of("#pk", Keys.PK, "#sk", Keys.SK, "#status", "status"))
                .build());
        username.ifPresent(name -> request.put(tables.identity(), KeysAndAttributes.builder()
                .keys(Keys.user(tenantId, name)).consistentRead(true)
                .projectionExpression("user_id, #status, locked_until")
                .expressionAttributeNames(Map.of("#status", "status")).build()));
        BatchGetItemResponse response = dynamoDb.batchGetItem(r -> r.requestItems(request));
        if (response.hasUnprocessedKeys() && !response.unprocessedKeys().isEmpty()) {
            throw new IllegalStateException("DynamoDB left revocation keys unprocessed");
        }
        boolean ownerUsable = false;
        long lockedUntil = 0;
        for (Map<String, AttributeValue> item : response.responses().getOrDefault(tables.identity(), List.of())) {
            ownerUsable = userId.equals(Attributes.string(item, "user_id").orElse(null))
                    && "ACTIVE".equals(Attributes.string(item, "status").orElse(""));
            lockedUntil = Attributes.instantMillis(item, "locked_until").map(Instant::toEpochMilli).orElse(0L);
        }
        boolean active = sessionId == null;
        boolean disabled = false;
        long validAfter = 0;
        for (Map<String, AttributeValue> item : response.responses().getOrDefault(tables.sessions(), List.of())) {
            if (sessionId != null && item.get(Keys.SK).equals(sessionKey.get(Keys.SK))) {
                active = SessionRecord.ACTIVE.equals(Attributes.string(item, "status").orElse(""));
            } else {
                validAfter = Attributes.number(item, "valid_after").orElse(0L);
                disabled = item.containsKey("disabled") && Boolean.TRUE.equals(item.get("disabled").bool());
            }
        }
        return new State(active, disabled, validAfter, now, ownerUsable, lockedUntil);
    }
}
