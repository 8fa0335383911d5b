package io.tollgate.password;

import io.tollgate.storage.Attributes;
import io.tollgate.storage.ExpiringItems;
import io.tollgate.storage.Keys;
import io.tollgate.storage.NewItems;
import io.tollgate.storage.TableNames;
import io.tollgate.token.OpaqueTokens;
import io.tollgate.user.UserAccount;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * One-time password-setting tickets: an opaque 256-bit token, stored only as its SHA-256 in the
 * security table with the user it was issued to, the password hash it stands for and its
 * {@link Purpose}. It is consumed (conditional delete) in the same transaction as the password
 * change, so it works once.
 * <ul>
 *   <li>{@link Purpose#EXPIRED_PASSWORD}: what a login with a correct but expired password receives
 *       instead of tokens (ADR 0025), for {@code POST /v1/auth/password/expired}, 10 minutes.</li>
 *   <li>{@link Purpose#INVITATION}: the set-password link mailed to a user an administrator created
 *       without a password (ADR 0045), for {@code POST /v1/auth/password/set}, 24 hours.</li>
 * </ul>
 */
public final class PasswordChangeTickets {

    /** How long an expired-password ticket can be used. */
    public static final Duration LIFETIME = Duration.ofMinutes(10);

    /** What a ticket may be used for; a ticket of one purpose is refused by the other route. */
    public enum Purpose {
        EXPIRED_PASSWORD(LIFETIME), INVITATION(Duration.ofHours(24));

        private final Duration lifetime;

        Purpose(Duration lifetime) {
            this.lifetime = lifetime;
        }

        public Duration lifetime() {
            return lifetime;
        }
    }

    /** A ticket ready to be written: the token (shown once) and its put, for the caller's transaction. */
    public record Issued(String token, TransactWriteItem put, Instant expiresAt) {
        @Override
        public String toString() {
            return "Issued[expiresAt=" + expiresAt + "]";
        }
    }

    private final DynamoDbClient dynamoDb;
    private final TableNames tables;
    private final OpaqueTokens opaqueTokens;
    private final Clock clock;

    public PasswordChangeTickets(DynamoDbClient dynamoDb, TableNames tables, OpaqueTokens opaqueTokens, Clock clock) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.tables = Objects.requireNonNull(tables, "tables");
        this.opaqueTokens = Objects.requireNonNull(opaqueTokens, "opaqueTokens");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A live ticket as stored. */
    public record Ticket(String tokenHash, String tenantId, String userId, String passwordHash, Instant expiresAt,
            Purpose purpose) {
        @Override
        public String toString() {
            return "Ticket[tenantId=" + tenantId + ", userId=" + userId + "]";
        }
    }

    /** True when the tenant sets a maximum password age and the user's password is at least that old (ADR 0025). */
    public static boolean passwordExpired(UserAccount account, io.tollgate.settings.SecuritySettings settings,
            Instant now) {
        java.time.Duration maxAge = settings.password().maxAge();
        return maxAge.isPositive() && !now.isBefore(account.passwordChangedAt().plus(maxAge));
    }

    /** Stores an expired-password ticket for {@code user} atomically with {@code alongWith}; returns the token (shown once). */
    public String open(UserAccount user, List<TransactWriteItem> alongWith) {
        Instant now = clock.instant();
        String token = opaqueTokens.generate();
        Instant expires = now.plus(LIFETIME);
        ExpiringItems.create(dynamoDb, tables.security(), item(token, user.tenantId(), user.userId(),
                user.passwordHash(), Purpose.EXPIRED_PASSWORD), now, expires, alongWith);
        return token;
    }

    /** A ticket of {@code purpose} for the user with {@code passwordHash}, to be written by the caller. */
    public Issued issue(String tenantId, String userId, String passwordHash, Purpose purpose) {
        Instant now = clock.instant();
        String token = opaqueTokens.generate();
        Instant expires = now.plus(purpose.lifetime());
        Map<String, AttributeValue> stored = ExpiringItems.withInstants(item(token, tenantId, userId, passwordHash,
                purpose), now, expires);
        return new Issued(token, NewItems.put(tables.security(), stored), expires);
    }

    private static Map<String, AttributeValue> item(String token, String tenantId, String userId, String passwordHash,
            Purpose purpose) {
        Map<String, AttributeValue> item = new HashMap<>(Keys.passwordChangeTicket(OpaqueTokens.hash(token)));
        item.put("tenant_id", Attributes.s(tenantId));
        item.put("user_id", Attributes.s(userId));
        item.put("password_hash", Attributes.s(passwordHash));
        item.put("purpose", Attributes.s(purpose.name()));
        return item;
    }

    /** The live (not expired) ticket of {@code token} for {@code purpose}; empty when unknown, used, expired or for another purpose. */
    public Optional<Ticket> find(String token, Purpose purpose) {
        return find(token).filter(ticket -> ticket.purpose() == purpose);
    }

    /** The live (not expired) ticket of {@code token}; empty when unknown, used or expired. */
    public Optional<Ticket> find(String token) {
        String hash = OpaqueTokens.hash(token);
        Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(tables.security())
                .key(Keys.passwordChangeTicket(hash)).consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        Ticket ticket = new Ticket(hash, Attributes.requiredString(item, "tenant_id"),
                Attributes.requiredString(item, "user_id"), Attributes.requiredString(item, "password_hash"),
                Attributes.instantMillis(item, "expires_at").orElse(Instant.EPOCH),
                Attributes.string(item, "purpose").map(Purpose::valueOf).orElse(Purpose.EXPIRED_PASSWORD));
        return clock.instant().isBefore(ticket.expiresAt()) ? Optional.of(ticket) : Optional.empty();
    }

    /** The transaction part that consumes {@code ticket}: a delete on condition that it still exists. */
    public TransactWriteItem consume(Ticket ticket) {
        return TransactWriteItem.builder().delete(Delete.builder().tableName(tables.security())
                .key(Keys.passwordChangeTicket(ticket.tokenHash()))
                .conditionExpression("attribute_exists(#pk)")
                .expressionAttributeNames(Map.of("#pk", Keys.PK)).build()).build();
    }
}
