package io.tollgate.password;

import io.tollgate.storage.Attributes;
import io.tollgate.storage.ExpiringItems;
import io.tollgate.storage.Keys;
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
 * The tickets a login with a correct but expired password receives instead of tokens (ADR 0025):
 * an opaque 256-bit token, stored only as its SHA-256 in the security table with the user it was
 * issued to and the password hash that was verified, for {@link #LIFETIME}. It allows one thing:
 * {@code POST /v1/auth/password/expired}; it is consumed (conditional delete) in the same
 * transaction as the password change, so it works once.
 */
public final class PasswordChangeTickets {

    /** How long a ticket can be used. */
    public static final Duration LIFETIME = Duration.ofMinutes(10);

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
    public record Ticket(String tokenHash, String tenantId, String userId, String passwordHash, Instant expiresAt) {
        @Override
        public String toString() {
            return "Ticket[tenantId=" + tenantId + ", userId=" + userId + "]";
        }
    }

    /** Stores a ticket for {@code user} atomically with {@code alongWith}; returns the token (shown once). */
    public String open(UserAccount user, List<TransactWriteItem> alongWith) {
        Instant now = clock.instant();
        String token = opaqueTokens.generate();
        Instant expires = now.plus(LIFETIME);
        Map<String, AttributeValue> item = new HashMap<>(Keys.passwordChangeTicket(OpaqueTokens.hash(token)));
        item.put("tenant_id", Attributes.s(user.tenantId()));
        item.put("user_id", Attributes.s(user.userId()));
        item.put("password_hash", Attributes.s(user.passwordHash()));
        ExpiringItems.create(dynamoDb, tables.security(), item, now, expires, alongWith);
        return token;
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
                Attributes.instantMillis(item, "expires_at").orElse(Instant.EPOCH));
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
