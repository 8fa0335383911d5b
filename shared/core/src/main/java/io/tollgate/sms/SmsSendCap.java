package io.tollgate.sms;

import io.tollgate.storage.Attributes;
import io.tollgate.storage.Keys;
import io.tollgate.storage.TableNames;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Daily SMS caps, the defence against SMS pumping (toll fraud through premium numbers; ADR
 * 0032): one counter per subject and UTC day in the security table, raised by a conditional
 * {@code ADD} only while below the cap, so concurrent sends can never exceed it. A number is
 * counted under its {@linkplain PhoneNumbers#keyedHash keyed hash}; the number itself is never
 * stored in clear. Counters expire (TTL) two days after their day.
 */
public final class SmsSendCap {

    /** Default SMS per number and UTC day (sign-in codes and phone verifications together). */
    public static final int DEFAULT_PER_NUMBER_PER_DAY = 10;
    /** Phone registrations (each sends a verification code) per user and UTC day. */
    public static final int REGISTRATIONS_PER_USER_PER_DAY = 5;

    private final DynamoDbClient dynamoDb;
    private final TableNames tables;
    private final Clock clock;

    public SmsSendCap(DynamoDbClient dynamoDb, TableNames tables, Clock clock) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.tables = Objects.requireNonNull(tables, "tables");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The subject of a number's counter. */
    public static String number(String numberHash) {
        return "N#" + numberHash;
    }

    /** The subject of a user's registration counter. */
    public static String user(String tenantId, String userId) {
        return "U#" + tenantId + "#" + userId;
    }

    /**
     * Counts one send for {@code subject} today if fewer than {@code limit} were counted.
     *
     * @return false when the cap is reached (nothing counted)
     */
    public boolean tryCount(String subject, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
        Instant now = clock.instant();
        LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        Instant expires = day.plusDays(2).atStartOfDay(ZoneOffset.UTC).toInstant();
        try {
            dynamoDb.updateItem(r -> r.tableName(tables.security())
                    .key(Keys.smsDailyCount(subject, day.toString()))
                    .updateExpression("ADD #count :one SET #ttl = if_not_exists(#ttl, :ttl)")
                    .conditionExpression("attribute_not_exists(#count) OR #count < :limit")
                    .expressionAttributeNames(Map.of("#count", "count", "#ttl", Keys.TTL))
                    .expressionAttributeValues(Map.of(":one", Attributes.n(1), ":limit", Attributes.n(limit),
                            ":ttl", Attributes.epochSeconds(expires))));
            return true;
        } catch (ConditionalCheckFailedException capped) {
            return false;
        }
    }

    /** Time until the counters of today stop counting (the next UTC midnight). */
    public Duration untilReset() {
        Instant now = clock.instant();
        Instant midnight = LocalDate.ofInstant(now, ZoneOffset.UTC).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Duration left = Duration.between(now, midnight);
        return left.isZero() || left.isNegative() ? Duration.ofSeconds(1) : left;
    }
}
