package io.tollgate.mfa;

import io.tollgate.storage.Attributes;
import io.tollgate.storage.Keys;
import io.tollgate.storage.TableNames;
import io.tollgate.token.OpaqueTokens;
import io.tollgate.user.UserAccount;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/**
 * Issues the second-step challenge after a correct password (SPEC.md §3): an opaque
 * {@code mfa_token}, stored only as its SHA-256, single use, alive 5 minutes, 5 attempts.
 */
public final class MfaChallenges {

    /** Life of an {@code mfa_token}. */
    public static final Duration LIFETIME = Duration.ofMinutes(5);
    /** Attempts allowed per {@code mfa_token}. */
    public static final int MAX_ATTEMPTS = 5;

    private final DynamoDbClient dynamoDb;
    private final TableNames tables;
    private final OpaqueTokens opaqueTokens;
    private final Clock clock;

    public MfaChallenges(DynamoDbClient dynamoDb, TableNames tables, OpaqueTokens opaqueTokens, Clock clock) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.tables = Objects.requireNonNull(tables, "tables");
        this.opaqueTokens = Objects.requireNonNull(opaqueTokens, "opaqueTokens");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The methods offered for a user: the enrolled ones, backup codes with TOTP, and email. */
    public static List<String> offeredMethods(UserAccount user) {
        List<String> methods = new ArrayList<>(user.mfaMethods());
        if (methods.contains("totp") && !methods.contains("backup_code")) {
            methods.add("backup_code");
        }
        if (!methods.contains("email")) {
            methods.add("email");
        }
        return List.copyOf(methods);
    }

    /** Creates a challenge for {@code user} atomically with {@code alongWith}; returns the {@code mfa_token}. */
    public String open(UserAccount user, List<String> methods, List<TransactWriteItem> alongWith) {
        Instant now = clock.instant();
        String token = opaqueTokens.generate();
        Instant expires = now.plus(LIFETIME);
        Map<String, AttributeValue> item = new HashMap<>(Keys.mfaChallenge(OpaqueTokens.hash(token)));
        item.put("tenant_id", Attributes.s(user.tenantId()));
        item.put("user_id", Attributes.s(user.userId()));
        item.put("username", Attributes.s(Keys.normaliseUsername(user.username())));
        item.put("methods", Attributes.strings(methods));
        item.put("attempts", Attributes.n(0));
        item.put("max_attempts", Attributes.n(MAX_ATTEMPTS));
        item.put("created_at", Attributes.epochMillis(now));
        item.put("expires_at", Attributes.epochMillis(expires));
        item.put(Keys.TTL, Attributes.epochSeconds(expires));
        List<TransactWriteItem> writes = new ArrayList<>(alongWith);
        writes.add(TransactWriteItem.builder().put(Put.builder().tableName(tables.security()).item(item)
                .conditionExpression("attribute_not_exists(#pk)")
                .expressionAttributeNames(Map.of("#pk", Keys.PK)).build()).build());
        dynamoDb.transactWriteItems(TransactWriteItemsRequest.builder().transactItems(writes).build());
        return token;
    }
}
