package io.tollgate.alerting.trail;

import io.tollgate.storage.Attributes;
import io.tollgate.storage.Keys;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * The per-tenant resume point of the trail forward (docs/adr/0069): one security-table item
 * {@code TENANT#t#SIEM} / {@code CURSOR} holding {@code seq}, the last chain position the tenant's
 * SIEM acknowledged, and a lease so only one run sends a tenant's events at a time (order).
 *
 * <p>{@link #claim} takes the lease with one conditional write (absent, released or expired);
 * {@link #advance} moves {@code seq} forward only when the lease is still this run's and
 * {@code seq} is still where the run read it, and extends the lease; {@link #release} gives the
 * lease back. A run that dies leaves {@code seq} at the last acknowledged batch: the next run
 * (after the lease expires) sends again from there, so delivery is at-least-once and nothing is
 * skipped.
 */
public final class TrailCursor {

    /** A claimed cursor: the position to resume after and the token that proves the lease. */
    public record Lease(String tenantId, long seq, String token) {
        public Lease {
            Objects.requireNonNull(tenantId, "tenantId");
            Objects.requireNonNull(token, "token");
            if (seq < 0) {
                throw new IllegalArgumentException("seq must not be negative");
            }
        }
    }

    static final String SORT_KEY = "CURSOR";

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final Duration leaseFor;

    public TrailCursor(DynamoDbClient dynamoDb, String table, Duration leaseFor) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.table = Objects.requireNonNull(table, "table");
        this.leaseFor = Objects.requireNonNull(leaseFor, "leaseFor");
    }

    static Map<String, AttributeValue> key(String tenantId) {
        return Map.of(Keys.PK, Attributes.s(Keys.tenantPartition(tenantId) + "#SIEM"), Keys.SK, Attributes.s(SORT_KEY));
    }

    /** Takes the tenant's lease until {@code now + leaseFor}; empty while another run holds it. */
    public Optional<Lease> claim(String tenantId, String token, Instant now) {
        try {
            Map<String, AttributeValue> item = dynamoDb.updateItem(r -> r.tableName(table).key(key(tenantId))
                    .updateExpression("SET lease_token = :token, lease_until = :until, #seq = if_not_exists(#seq, :zero)")
                    .conditionExpression("attribute_not_exists(lease_until) OR lease_until <= :now")
                    .expressionAttributeNames(Map.of("#seq", "seq"))
                    .expressionAttributeValues(Map.of(":token", Attributes.s(token),
                            ":until", Attributes.n(now.plus(leaseFor).toEpochMilli()),
                            ":now", Attributes.n(now.toEpochMilli()), ":zero", Attributes.n(0)))
                    .returnValues(ReturnValue.ALL_NEW)).attributes();
            return Optional.of(new Lease(tenantId, Attributes.number(item, "seq").orElse(0L), token));
        } catch (ConditionalCheckFailedException held) {
            return Optional.empty();
        }
    }

    /**
     * Records that the SIEM acknowledged every event up to {@code toSeq}: {@code seq} moves from
     * the lease's position to {@code toSeq} (conditional on both the lease and that position) and
     * the lease is extended. Empty when the lease was lost (expired and taken over): the caller
     * must stop sending.
     */
    public Optional<Lease> advance(Lease lease, long toSeq, Instant now) {
        if (toSeq <= lease.seq()) {
            throw new IllegalArgumentException("A cursor only moves forward");
        }
        try {
            dynamoDb.updateItem(r -> r.tableName(table).key(key(lease.tenantId()))
                    .updateExpression("SET #seq = :to, lease_until = :until, forwarded_at = :now")
                    .conditionExpression("lease_token = :token AND #seq = :from")
                    .expressionAttributeNames(Map.of("#seq", "seq"))
                    .expressionAttributeValues(Map.of(":to", Attributes.n(toSeq), ":from", Attributes.n(lease.seq()),
                            ":token", Attributes.s(lease.token()), ":until", Attributes.n(now.plus(leaseFor).toEpochMilli()),
                            ":now", Attributes.n(now.toEpochMilli()))));
            return Optional.of(new Lease(lease.tenantId(), toSeq, lease.token()));
        } catch (ConditionalCheckFailedException lost) {
            return Optional.empty();
        }
    }

    /** Gives the lease back (only if still this run's), so the next run need not wait for it to expire. */
    public void release(Lease lease) {
        try {
            dynamoDb.updateItem(r -> r.tableName(table).key(key(lease.tenantId()))
                    .updateExpression("REMOVE lease_token, lease_until")
                    .conditionExpression("lease_token = :token")
                    .expressionAttributeValues(Map.of(":token", Attributes.s(lease.token()))));
        } catch (ConditionalCheckFailedException lost) {
            // Another run holds it now; nothing of ours to give back.
        }
    }

    /** The last acknowledged position of the tenant; 0 when nothing was forwarded yet. */
    public long position(String tenantId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(table).key(key(tenantId))
                .consistentRead(true)).item();
        return item == null || item.isEmpty() ? 0L : Attributes.number(item, "seq").orElse(0L);
    }
}
