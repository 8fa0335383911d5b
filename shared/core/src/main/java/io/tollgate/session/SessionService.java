package io.tollgate.session;

import io.tollgate.audit.AuditEventType;
import io.tollgate.audit.AuditRecorder;
import io.tollgate.audit.AuditRecorder.Actor;
import io.tollgate.http.ErrorCode;
import io.tollgate.http.ProblemException;
import io.tollgate.settings.SecuritySettings;
import io.tollgate.storage.Attributes;
import io.tollgate.storage.ItemUpdate;
import io.tollgate.storage.Keys;
import io.tollgate.storage.PartitionQueries;
import io.tollgate.storage.TableNames;
import io.tollgate.tenant.Tenant;
import io.tollgate.token.AccessTokenIssuer;
import io.tollgate.token.OpaqueTokens;
import io.tollgate.user.UserAccount;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refresh-token rotation with reuse detection, logout, logout-all and session listing
 * (docs/contract.md §Tokens and keys, seed 000 §Session security, ADR 0006).
 *
 * <p>Race safety by construction: a refresh is one read of the presented token's item and one
 * transaction that flips that item from {@code ACTIVE} to {@code ROTATED}, creates its successor
 * and moves the session's {@code refresh_hash} — all on conditions, never read-then-write. Of N
 * concurrent refreshes of one token exactly one transaction commits; the others fail its
 * condition and get 401 without touching the family. A rotated token presented again after the
 * {@link #reuseGrace} revokes the whole family (the session) and raises {@code token_reuse_detected}
 * (HIGH); within the grace it is refused as a lost race and the family lives on.
 *
 * <p>DynamoDB round trips per refresh: 3 (GetItem, BatchGetItem of tenant and user, the transaction).
 */
public final class SessionService {

    private static final Logger LOG = LoggerFactory.getLogger(SessionService.class);
    private static final Pattern OPAQUE = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final int TRANSACTION_LIMIT = 100;

    private final DynamoDbClient dynamoDb;
    private final TableNames tables;
    private final AccessTokenIssuer accessTokens;
    private final OpaqueTokens opaqueTokens;
    private final AuditRecorder audit;
    private final Clock clock;
    private final SecuritySettings defaultSettings;
    private final Duration reuseGrace;

    public SessionService(DynamoDbClient dynamoDb, TableNames tables, AccessTokenIssuer accessTokens,
            OpaqueTokens opaqueTokens, AuditRecorder audit, Clock clock, SecuritySettings defaultSettings,
            Duration reuseGrace) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.tables = Objects.requireNonNull(tables, "tables");
        this.accessTokens = Objects.requireNonNull(accessTokens, "accessTokens");
        this.opaqueTokens = Objects.requireNonNull(opaqueTokens, "opaqueTokens");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.defaultSettings = Objects.requireNonNull(defaultSettings, "defaultSettings");
        this.reuseGrace = Objects.requireNonNull(reuseGrace, "reuseGrace");
    }

    /** Default grace in which a rotated token is a lost race rather than a reuse (ADR 0006). */
    public static final Duration DEFAULT_REUSE_GRACE = Duration.ofSeconds(10);

    /** Where a refresh token came from: the JSON body, or the {@code __Host-} cookie with its CSRF header. */
    public record Presented(String refreshToken, TokenDelivery via, Optional<String> csrfHeader, String sourceIp,
            String userAgent) {
        public Presented {
            Objects.requireNonNull(via, "via");
            Objects.requireNonNull(csrfHeader, "csrfHeader");
        }

        @Override
        public String toString() {
            return "Presented[via=" + via + "]";
        }
    }

    /** The successor pair, how to deliver it, and how long its session may still live. */
    public record Refreshed(TokenPair tokens, TokenDelivery delivery, Duration remainingLifetime) {
    }

    /** {@code POST /v1/auth/token/refresh}. */
    public Refreshed refresh(Presented presented) {
        Instant now = clock.instant();
        RefreshTokenItems.Record token = find(presented)
                .orElseThrow(() -> invalid(null, presented, "unknown_token"));
        checkChannel(token, presented);
        if (RefreshTokenItems.ROTATED.equals(token.status())) {
            boolean race = token.rotatedAt().map(at -> at.plus(reuseGrace).isAfter(now)).orElse(false);
            if (race) {
                throw invalid(token, presented, "concurrent_rotation");
            }
            revokeFamily(token, "token_reuse", now);
            audit.record(AuditEventType.TOKEN_REUSE_DETECTED, actor(token, presented), "session", "refresh", "revoked",
                    Map.of("session_id", token.sessionId(), "generation", token.generation()));
            throw new ProblemException(ErrorCode.TOKEN_INVALID, "The refresh token is not valid.");
        }
        if (!RefreshTokenItems.ACTIVE.equals(token.status())) {
            throw invalid(token, presented, "revoked");
        }
        if (!token.expiresAt().isAfter(now)) {
            throw invalid(token, presented, "expired");
        }
        Map<String, Map<String, AttributeValue>> identity = loadIdentity(token);
        Optional<Tenant> tenant = Optional.ofNullable(identity.get("tenant")).map(Tenant::fromItem);
        Optional<UserAccount> user = Optional.ofNullable(identity.get("user")).map(UserAccount::fromItem)
                .filter(u -> u.userId().equals(token.userId()));
        SecuritySettings settings = tenant.map(Tenant::settings).orElse(defaultSettings);
        if (tenant.isEmpty() || tenant.get().status() != Tenant.Status.ACTIVE || user.isEmpty() || !user.get().active()) {
            revokeFamily(token, "account_inactive", now);
            throw invalid(token, presented, "account_inactive");
        }
        if (!token.issuedAt().plus(settings.sessions().idleTimeout()).isAfter(now)) {
            revokeFamily(token, "idle_timeout", now);
            throw invalid(token, presented, "idle_timeout");
        }

        String successor = opaqueTokens.generate();
        String successorHash = OpaqueTokens.hash(successor);
        long generation = token.generation() + 1;
        UserAccount account = user.get();
        List<TransactWriteItem> writes = List.of(
                ItemUpdate.of(tables.sessions(), Keys.refreshToken(token.hash()))
                        .name("#status", "status")
                        .value(":active", Attributes.s(RefreshTokenItems.ACTIVE))
                        .value(":rotated", Attributes.s(RefreshTokenItems.ROTATED))
                        .value(":now", Attributes.epochMillis(now))
                        .set("#status = :rotated").set("rotated_at = :now")
                        .condition("#status = :active").toTransactItem(),
                SessionIssuer.putNew(tables.sessions(), RefreshTokenItems.active(successorHash, account, token.sessionId(),
                        generation, token.amr(), token.authTime(), token.audience(), token.delivery(), token.csrfHash(),
                        now, token.expiresAt())),
                ItemUpdate.of(tables.sessions(), Keys.session(token.tenantId(), token.userId(), token.sessionId()))
                        .name("#status", "status")
                        .value(":active", Attributes.s(SessionRecord.ACTIVE))
                        .value(":old", Attributes.s(token.hash())).value(":new", Attributes.s(successorHash))
                        .value(":now", Attributes.epochMillis(now)).value(":generation", Attributes.n(generation))
                        .set("refresh_hash = :new").set("last_used_at = :now").set("generation = :generation")
                        .condition("#status = :active AND refresh_hash = :old").toTransactItem(),
                TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(tables.identity())
                        .key(Keys.user(token.tenantId(), token.username()))
                        .conditionExpression("#status = :active")
                        .expressionAttributeNames(Map.of("#status", "status"))
                        .expressionAttributeValues(Map.of(":active", Attributes.s("ACTIVE"))).build()).build());
        try {
            dynamoDb.transactWriteItems(TransactWriteItemsRequest.builder().transactItems(writes).build());
        } catch (TransactionCanceledException cancelled) {
            List<CancellationReason> reasons = cancelled.cancellationReasons();
            if (failed(reasons, 0)) {
                throw invalid(token, presented, "concurrent_rotation");
            }
            if (failed(reasons, 2)) {
                throw invalid(token, presented, "session_revoked");
            }
            if (failed(reasons, 3)) {
                throw invalid(token, presented, "account_inactive");
            }
            throw cancelled;
        }
        String accessToken = accessTokens.issue(new AccessTokenIssuer.Subject(account.userId(), account.tenantId(),
                account.organizationId(), account.roles(), token.sessionId(), token.amr(), token.authTime(),
                token.audience()), settings.tokens().accessTokenTtl());
        audit.record(AuditEventType.TOKEN_REFRESHED, actor(token, presented), "session", "refresh", "success",
                Map.of("session_id", token.sessionId(), "generation", generation));
        return new Refreshed(new TokenPair(accessToken, successor, "Bearer",
                settings.tokens().accessTokenTtl().toSeconds(), presented.csrfHeader().orElse(null)), token.delivery(),
                Duration.between(now, token.expiresAt()));
    }

    /**
     * {@code POST /v1/auth/logout}: revokes the session of the presented refresh token. Unknown,
     * expired or already revoked tokens end the same way (RFC 7009 §2.2), so the answer reveals
     * nothing about the token.
     */
    public void logout(Presented presented) {
        Instant now = clock.instant();
        Optional<RefreshTokenItems.Record> found = find(presented);
        if (found.isEmpty()) {
            return;
        }
        RefreshTokenItems.Record token = found.get();
        checkChannel(token, presented);
        revokeFamily(token, "logout", now);
        audit.record(AuditEventType.LOGOUT, actor(token, presented), "session", "logout", "success",
                Map.of("session_id", token.sessionId()));
    }

    /**
     * {@code POST /v1/auth/logout/all} (and password change, account disabling): revokes every
     * session of the user and records a "valid after" instant that voids every access token
     * issued before it (checked by the authorizer, ADR 0006). Returns the revoked session ids.
     */
    public List<String> revokeAll(String tenantId, String userId, String reason, Actor actor) {
        Instant now = clock.instant();
        List<Map<String, AttributeValue>> items = querySessions(tenantId, userId);
        List<TransactWriteItem> writes = new ArrayList<>();
        // An update, not a put: the item may also carry `disabled` (account disabling), which must survive.
        writes.add(ItemUpdate.of(tables.sessions(), Keys.userRevocation(tenantId, userId))
                .value(":tenant", Attributes.s(tenantId)).value(":user", Attributes.s(userId))
                .value(":after", Attributes.n(now.getEpochSecond())).value(":reason", Attributes.s(reason))
                .value(":now", Attributes.epochMillis(now))
                .set("tenant_id = :tenant").set("user_id = :user").set("valid_after = :after")
                .set("reason = :reason").set("updated_at = :now").toTransactItem());
        List<String> revoked = new ArrayList<>();
        Optional<String> username = Optional.empty();
        for (Map<String, AttributeValue> item : items) {
            if (!item.containsKey("session_id")) {
                continue;
            }
            SessionRecord session = SessionRecord.from(item);
            username = username.or(() -> Attributes.string(item, "username"));
            if (SessionRecord.ACTIVE.equals(session.status())) {
                revoked.add(session.sessionId());
                writes.add(SessionRecord.revoke(tables.sessions(), tenantId, userId, session.sessionId(), reason, now,
                        session.expiresAt()).toTransactItem());
            }
        }
        for (int from = 0; from < writes.size(); from += TRANSACTION_LIMIT) {
            dynamoDb.transactWriteItems(TransactWriteItemsRequest.builder()
                    .transactItems(writes.subList(from, Math.min(writes.size(), from + TRANSACTION_LIMIT))).build());
        }
        username.ifPresent(name -> clearSlots(tenantId, name, Optional.empty()));
        audit.record(AuditEventType.LOGOUT_ALL, actor, "session", "revoke_all", "success",
                Map.of("reason", reason, "sessions", revoked.size()));
        return List.copyOf(revoked);
    }

    /**
     * Deletes the user's session items and the live refresh-token item of each (they hold the source
     * IP and user agent); returns how many sessions were removed (user deletion, after
     * {@link #revokeAll}). Rotated refresh-token items are keyed by a hash only and expire by TTL (at
     * most 7 days); they are unusable once the user is gone.
     */
    public int purgeAll(String tenantId, String userId) {
        int purged = 0;
        for (Map<String, AttributeValue> item : querySessions(tenantId, userId)) {
            Attributes.string(item, "refresh_hash").ifPresent(hash -> dynamoDb.deleteItem(r -> r
                    .tableName(tables.sessions()).key(Keys.refreshToken(hash))));
            dynamoDb.deleteItem(r -> r.tableName(tables.sessions())
                    .key(Map.of(Keys.PK, item.get(Keys.PK), Keys.SK, item.get(Keys.SK))));
            purged++;
        }
        return purged;
    }

    /** {@code GET /v1/me/sessions}: the user's live sessions, newest first. */
    public List<SessionRecord> list(String tenantId, String userId) {
        Instant now = clock.instant();
        SecuritySettings settings = loadTenant(tenantId).map(Tenant::settings).orElse(defaultSettings);
        return querySessions(tenantId, userId).stream()
                .filter(item -> item.containsKey("session_id"))
                .map(SessionRecord::from)
                .filter(s -> s.liveAt(now, settings.sessions().idleTimeout()))
                .sorted(Comparator.comparing(SessionRecord::createdAt).reversed())
                .toList();
    }

    /** {@code DELETE /v1/me/sessions/{id}}: revokes one of the caller's own sessions. */
    public void revoke(String tenantId, String userId, String sessionId, Actor actor) {
        Instant now = clock.instant();
        ItemUpdate update = SessionRecord.revoke(tables.sessions(), tenantId, userId, sessionId, "user_revoked", now, now)
                .name("#pk", Keys.PK).value(":active", Attributes.s(SessionRecord.ACTIVE))
                .condition("attribute_exists(#pk) AND #status = :active");
        Map<String, AttributeValue> attributes;
        try {
            var tx = update.toTransactItem().update();
            attributes = dynamoDb.updateItem(r -> r.tableName(tx.tableName()).key(tx.key())
                    .updateExpression(tx.updateExpression()).conditionExpression(tx.conditionExpression())
                    .expressionAttributeNames(tx.expressionAttributeNames())
                    .expressionAttributeValues(tx.expressionAttributeValues())
                    .returnValues(software.amazon.awssdk.services.dynamodb.model.ReturnValue.ALL_NEW)).attributes();
        } catch (ConditionalCheckFailedException e) {
            throw new ProblemException(ErrorCode.NOT_FOUND, "No such live session.");
        }
        Attributes.string(attributes, "username").ifPresent(name -> clearSlots(tenantId, name, Optional.of(sessionId)));
        audit.record(AuditEventType.SESSION_REVOKED, actor, "session", "revoke", "success", Map.of("session_id", sessionId));
    }

    private Optional<RefreshTokenItems.Record> find(Presented presented) {
        String token = presented.refreshToken();
        if (token == null || !OPAQUE.matcher(token).matches()) {
            return Optional.empty();
        }
        String hash = OpaqueTokens.hash(token);
        Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(tables.sessions())
                .key(Keys.refreshToken(hash)).consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(RefreshTokenItems.Record.from(hash, item));
    }

    /** A cookie-mode token is valid only from its cookie with the matching CSRF header; a body token only from a body. */
    private void checkChannel(RefreshTokenItems.Record token, Presented presented) {
        if (token.delivery() != presented.via()) {
            throw invalid(token, presented, "wrong_channel");
        }
        if (token.delivery() == TokenDelivery.COOKIE) {
            boolean matches = presented.csrfHeader().isPresent() && token.csrfHash().isPresent()
                    && MessageDigest.isEqual(OpaqueTokens.hash(presented.csrfHeader().get()).getBytes(StandardCharsets.US_ASCII),
                            token.csrfHash().get().getBytes(StandardCharsets.US_ASCII));
            if (!matches) {
                audit.record(AuditEventType.TOKEN_REFRESH_FAILURE, actor(token, presented), "session", "refresh",
                        "failure", Map.of("reason", "csrf"));
                throw new ProblemException(ErrorCode.CSRF_FAILED, "The request lacks a valid CSRF token.");
            }
        }
    }

    private void revokeFamily(RefreshTokenItems.Record token, String reason, Instant now) {
        dynamoDb.transactWriteItems(TransactWriteItemsRequest.builder().transactItems(
                SessionRecord.revoke(tables.sessions(), token.tenantId(), token.userId(), token.sessionId(), reason, now,
                        token.expiresAt()).toTransactItem()).build());
        clearSlots(token.tenantId(), token.username(), Optional.of(token.sessionId()));
    }

    /**
     * Frees session slots on the user item (all, or one). Best effort: the slots are an upper
     * bound of the live sessions, so a concurrent change that wins is harmless.
     */
    private void clearSlots(String tenantId, String username, Optional<String> sessionId) {
        ItemUpdate update = ItemUpdate.of(tables.identity(), Keys.user(tenantId, username))
                .name("#live", "live_sessions").name("#sv", "session_version")
                .value(":zero", Attributes.n(0)).value(":one", Attributes.n(1))
                .set("#sv = if_not_exists(#sv, :zero) + :one")
                .condition("attribute_exists(#live)");
        if (sessionId.isPresent()) {
            update.name("#sid", sessionId.get()).remove("#live.#sid");
        } else {
            update.value(":empty", AttributeValue.fromM(Map.of())).set("#live = :empty");
        }
        try {
            dynamoDb.transactWriteItems(TransactWriteItemsRequest.builder().transactItems(update.toTransactItem()).build());
        } catch (TransactionCanceledException e) {
            LOG.debug("Session slots unchanged: user item has none");
        }
    }

    private Map<String, Map<String, AttributeValue>> loadIdentity(RefreshTokenItems.Record token) {
        Map<String, AttributeValue> tenantKey = Keys.tenant(token.tenantId());
        Map<String, AttributeValue> userKey = Keys.user(token.tenantId(), token.username());
        BatchGetItemResponse response = dynamoDb.batchGetItem(r -> r.requestItems(Map.of(tables.identity(),
                KeysAndAttributes.builder().consistentRead(true).keys(tenantKey, userKey).build())));
        Map<String, Map<String, AttributeValue>> out = new HashMap<>();
        for (Map<String, AttributeValue> item : response.responses().getOrDefault(tables.identity(), List.of())) {
            if (item.get(Keys.SK).equals(tenantKey.get(Keys.SK))) {
                out.put("tenant", item);
            } else if (item.get(Keys.SK).equals(userKey.get(Keys.SK))) {
                out.put("user", item);
            }
        }
        if (response.hasUnprocessedKeys() && !response.unprocessedKeys().isEmpty()) {
            throw new IllegalStateException("DynamoDB left identity keys unprocessed");
        }
        return out;
    }

    private Optional<Tenant> loadTenant(String tenantId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(tables.identity())
                .key(Keys.tenant(tenantId))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(Tenant.fromItem(item));
    }

    private List<Map<String, AttributeValue>> querySessions(String tenantId, String userId) {
        return PartitionQueries.withPrefix(dynamoDb, tables.sessions(), Keys.userSessionsPartition(tenantId, userId),
                Keys.SESSION_PREFIX);
    }

    private static boolean failed(List<CancellationReason> reasons, int index) {
        return reasons.size() > index && "ConditionalCheckFailed".equals(reasons.get(index).code());
    }

    private ProblemException invalid(RefreshTokenItems.Record token, Presented presented, String reason) {
        if (token != null) {
            audit.record(AuditEventType.TOKEN_REFRESH_FAILURE, actor(token, presented), "session", "refresh", "failure",
                    Map.of("reason", reason, "session_id", token.sessionId()));
        } else {
            LOG.info("Refresh refused: {}", reason);
        }
        return new ProblemException(ErrorCode.TOKEN_INVALID, "The refresh token is not valid.");
    }

    private static Actor actor(RefreshTokenItems.Record token, Presented presented) {
        return new Actor(token.tenantId(), token.userId(), null, presented.sourceIp(), presented.userAgent());
    }
}
