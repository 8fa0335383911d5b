package io.tollgate.webauthn;

import io.tollgate.storage.Attributes;
import io.tollgate.storage.Keys;
import io.tollgate.storage.TableNames;
import io.tollgate.token.OpaqueTokens;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * Open WebAuthn ceremonies (security table, ADR 0040): the options sent to the browser (and so
 * the challenge) kept server-side under the hash of an opaque {@code ceremony_id}. A ceremony
 * lives 5 minutes and is single use: {@link #consume} is a conditional delete that returns the
 * stored request only to the one caller whose delete succeeded, before anything is verified, so
 * a replayed or concurrent answer finds nothing.
 */
public final class WebAuthnCeremonies {

    /** Life of a ceremony (and the timeout given to the browser). */
    public static final Duration LIFETIME = Duration.ofMinutes(5);

    /** What a ceremony is for; a ceremony of one kind is never accepted for another. */
    public enum Kind {
        REGISTRATION, PASSKEY_LOGIN,
        /** A signed-in caller re-proving itself (ADR 0053): bound to its user and session. */
        STEP_UP
    }

    /**
     * A consumed ceremony: its tenant, its user (none for a passkey login), its session (a step-up
     * only) and the stored request JSON.
     */
    public record Ceremony(Kind kind, String tenantId, Optional<String> userId, Optional<String> sessionId,
            String requestJson) {
        @Override
        public String toString() {
            return "Ceremony[" + kind + ", tenant=" + tenantId + "]";
        }
    }

    private final DynamoDbClient dynamoDb;
    private final TableNames tables;
    private final OpaqueTokens opaqueTokens;
    private final Clock clock;

    public WebAuthnCeremonies(DynamoDbClient dynamoDb, TableNames tables, OpaqueTokens opaqueTokens, Clock clock) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.tables = Objects.requireNonNull(tables, "tables");
        this.opaqueTokens = Objects.requireNonNull(opaqueTokens, "opaqueTokens");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Stores a ceremony; returns its {@code ceremony_id} (stored only as its hash). */
    public String open(Kind kind, String tenantId, Optional<String> userId, String requestJson) {
        return open(kind, tenantId, userId, Optional.empty(), requestJson);
    }

    /** Stores a ceremony bound to a session too; returns its {@code ceremony_id} (stored only as its hash). */
    public String open(Kind kind, String tenantId, Optional<String> userId, Optional<String> sessionId,
            String requestJson) {
        Instant now = clock.instant();
        Instant expires = now.plus(LIFETIME);
        String id = opaqueTokens.generate();
        Map<String, AttributeValue> item = new HashMap<>(Keys.webauthnCeremony(OpaqueTokens.hash(id)));
        item.put("kind", Attributes.s(kind.name()));
        item.put("tenant_id", Attributes.s(tenantId));
        userId.ifPresent(user -> item.put("user_id", Attributes.s(user)));
        sessionId.ifPresent(session -> item.put("session_id", Attributes.s(session)));
        item.put("request", Attributes.s(requestJson));
        item.put("created_at", Attributes.epochMillis(now));
        item.put("expires_at", Attributes.epochMillis(expires));
        item.put(Keys.TTL, Attributes.epochSeconds(expires));
        dynamoDb.putItem(r -> r.tableName(tables.security()).item(item)
                .conditionExpression("attribute_not_exists(#pk)").expressionAttributeNames(Map.of("#pk", Keys.PK)));
        return id;
    }

    /**
     * Deletes the ceremony if it exists, is of {@code kind} and has not expired, and returns it;
     * empty otherwise (unknown, used, expired or of another kind — an expired one is deleted too).
     */
    public Optional<Ceremony> consume(String ceremonyId, Kind kind) {
        Instant now = clock.instant();
        Map<String, AttributeValue> key = Keys.webauthnCeremony(OpaqueTokens.hash(ceremonyId));
        try {
            Map<String, AttributeValue> old = dynamoDb.deleteItem(r -> r.tableName(tables.security()).key(key)
                    .conditionExpression("attribute_exists(#pk) AND #kind = :kind AND #expires > :now")
                    .expressionAttributeNames(Map.of("#pk", Keys.PK, "#kind", "kind", "#expires", "expires_at"))
                    .expressionAttributeValues(Map.of(":kind", Attributes.s(kind.name()),
                            ":now", Attributes.epochMillis(now)))
                    .returnValues(ReturnValue.ALL_OLD)).attributes();
            return Optional.of(new Ceremony(kind, Attributes.requiredString(old, "tenant_id"),
                    Attributes.string(old, "user_id"), Attributes.string(old, "session_id"),
                    Attributes.requiredString(old, "request")));
        } catch (ConditionalCheckFailedException unusable) {
            return Optional.empty();
        }
    }
}
