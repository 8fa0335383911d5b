package io.tollgate.session;

import io.tollgate.settings.SecuritySettings;
import io.tollgate.storage.Attributes;
import io.tollgate.storage.ItemUpdate;
import io.tollgate.storage.Keys;
import io.tollgate.storage.TableNames;
import io.tollgate.token.AccessTokenIssuer;
import io.tollgate.token.OpaqueTokens;
import io.tollgate.user.UserAccount;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/**
 * Opens a session after a completed authentication (password, or password and second factor):
 * writes the session, its first refresh token (stored only as SHA-256) and the user's session
 * slots in one DynamoDB transaction together with the caller's change to the user item, then
 * signs the access token. One round trip.
 *
 * <p>Concurrent sessions are capped (seed 000: 3): the user item keeps its live session ids with
 * their creation instants and a version; opening a session beyond the cap evicts the oldest in
 * the same transaction, conditioned on the version read, so two concurrent logins cannot both
 * take the last slot (ADR 0006).
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

    /** What the new session is for and who asks for it. */
    public record SessionRequest(UserAccount user, List<String> amr, Instant authTime, String audience,
            TokenDelivery delivery, String sourceIp, String userAgent) {
        public SessionRequest {
            Objects.requireNonNull(user, "user");
            amr = List.copyOf(amr);
            Objects.requireNonNull(authTime, "authTime");
            Objects.requireNonNull(audience, "audience");
            Objects.requireNonNull(delivery, "delivery");
        }
    }

    /** The opened session: its tokens and the sessions it evicted. */
    public record OpenedSession(TokenPair tokens, String sessionId, List<String> evicted) {
        @Override
        public String toString() {
            return "OpenedSession[sessionId=" + sessionId + ", evicted=" + evicted + "]";
        }
    }

    /**
     * Creates the session atomically with {@code userUpdate} (an update of the request's user item,
     * to which the session slot change is added) and {@code alongWith}. A cancelled transaction
     * surfaces as {@link software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException};
     * a concurrent session change shows as a failed condition on the user item.
     */
    public OpenedSession open(SessionRequest request, SecuritySettings settings, ItemUpdate userUpdate,
            List<TransactWriteItem> alongWith) {
        UserAccount user = request.user();
        if (!userUpdate.key().equals(Keys.user(user.tenantId(), user.username()))) {
            throw new IllegalArgumentException("The user update must target the session's user item");
        }
        if (!settings.tokens().audiences().contains(request.audience())) {
            throw new IllegalArgumentException("Audience " + request.audience() + " is not allowed");
        }
        Instant now = clock.instant();
        String sessionId = UUID.randomUUID().toString();
        String refreshToken = opaqueTokens.generate();
        String refreshHash = OpaqueTokens.hash(refreshToken);
        Optional<String> csrfToken = request.delivery() == TokenDelivery.COOKIE
                ? Optional.of(opaqueTokens.generate()) : Optional.empty();
        Instant absoluteEnd = now.plus(settings.sessions().absoluteLifetime());

        Map<String, Instant> live = new LinkedHashMap<>();
        user.liveSessions().entrySet().stream()
                .filter(e -> e.getValue().plus(settings.sessions().absoluteLifetime()).isAfter(now))
                .sorted(Map.Entry.comparingByValue(Comparator.naturalOrder()))
                .forEach(e -> live.put(e.getKey(), e.getValue()));
        List<String> evicted = new ArrayList<>();
        while (live.size() >= settings.sessions().maxConcurrent()) {
            String oldest = live.keySet().iterator().next();
            live.remove(oldest);
            evicted.add(oldest);
        }
        live.put(sessionId, now);
        userUpdate.name("#live", "live_sessions").name("#sv", "session_version")
                .value(":live", Attributes.instantMap(live))
                .value(":sv_next", Attributes.n(user.sessionVersion() + 1))
                .set("#live = :live").set("#sv = :sv_next");
        if (user.sessionVersion() == 0) {
            userUpdate.condition("attribute_not_exists(#sv)");
        } else {
            userUpdate.value(":sv", Attributes.n(user.sessionVersion())).condition("#sv = :sv");
        }

        Map<String, AttributeValue> session = new HashMap<>(Keys.session(user.tenantId(), user.userId(), sessionId));
        session.put("session_id", Attributes.s(sessionId));
        session.put("tenant_id", Attributes.s(user.tenantId()));
        session.put("user_id", Attributes.s(user.userId()));
        session.put("username", Attributes.s(Keys.normaliseUsername(user.username())));
        session.put("status", Attributes.s(SessionRecord.ACTIVE));
        session.put("refresh_hash", Attributes.s(refreshHash));
        session.put("generation", Attributes.n(1));
        session.put("amr", Attributes.strings(request.amr()));
        session.put("audience", Attributes.s(request.audience()));
        session.put("delivery", Attributes.s(request.delivery().name()));
        session.put("auth_time", Attributes.epochMillis(request.authTime()));
        session.put("created_at", Attributes.epochMillis(now));
        session.put("last_used_at", Attributes.epochMillis(now));
        session.put("expires_at", Attributes.epochMillis(absoluteEnd));
        if (request.sourceIp() != null) {
            session.put("source_ip", Attributes.s(request.sourceIp()));
        }
        if (request.userAgent() != null) {
            session.put("user_agent", Attributes.s(truncate(request.userAgent(), 256)));
        }
        session.put(Keys.TTL, Attributes.epochSeconds(absoluteEnd));

        List<TransactWriteItem> writes = new ArrayList<>(alongWith);
        writes.add(userUpdate.toTransactItem());
        writes.add(putNew(tables.sessions(), session));
        writes.add(putNew(tables.sessions(), RefreshTokenItems.active(refreshHash, user, sessionId, 1, request.amr(),
                request.authTime(), request.audience(), request.delivery(), csrfToken.map(OpaqueTokens::hash),
                now, absoluteEnd)));
        for (String old : evicted) {
            writes.add(SessionRecord.revoke(tables.sessions(), user.tenantId(), user.userId(), old, "evicted", now,
                    absoluteEnd).toTransactItem());
        }
        dynamoDb.transactWriteItems(TransactWriteItemsRequest.builder().transactItems(writes).build());

        String accessToken = accessTokens.issue(new AccessTokenIssuer.Subject(user.userId(), user.tenantId(),
                user.organizationId(), user.roles(), sessionId, request.amr(), request.authTime(), request.audience()),
                settings.tokens().accessTokenTtl());
        TokenPair tokens = new TokenPair(accessToken, refreshToken, "Bearer",
                settings.tokens().accessTokenTtl().toSeconds(), csrfToken.orElse(null));
        return new OpenedSession(tokens, sessionId, List.copyOf(evicted));
    }

    static String truncate(String value, int max) {
        return value.length() <= max ? value : value.substring(0, max);
    }

    static TransactWriteItem putNew(String table, Map<String, AttributeValue> item) {
        return TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
                .conditionExpression("attribute_not_exists(#pk)")
                .expressionAttributeNames(Map.of("#pk", Keys.PK)).build()).build();
    }
}
