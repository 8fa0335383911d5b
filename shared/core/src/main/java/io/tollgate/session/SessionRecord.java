package io.tollgate.session;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.tollgate.storage.Attributes;
import io.tollgate.storage.ItemUpdate;
import io.tollgate.storage.Keys;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A session (the refresh-token family) as stored, and as listed at {@code GET /v1/me/sessions}.
 * Never carries the refresh token or its hash outward.
 */
public record SessionRecord(@JsonProperty("id") String sessionId,
        @JsonIgnore String tenantId,
        @JsonIgnore String userId,
        @JsonProperty("status") String status,
        @JsonProperty("amr") List<String> amr,
        @JsonProperty("audience") String audience,
        @JsonProperty("created_at") Instant createdAt,
        @JsonProperty("last_used_at") Instant lastUsedAt,
        @JsonProperty("expires_at") Instant expiresAt,
        @JsonProperty("source_ip") String sourceIp,
        @JsonProperty("user_agent") String userAgent,
        @JsonIgnore Optional<Instant> revokedAt) {

    public static final String ACTIVE = "ACTIVE";
    public static final String REVOKED = "REVOKED";

    public SessionRecord {
        amr = List.copyOf(amr);
    }

    public static SessionRecord from(Map<String, AttributeValue> item) {
        return new SessionRecord(Attributes.requiredString(item, "session_id"),
                Attributes.requiredString(item, "tenant_id"), Attributes.requiredString(item, "user_id"),
                Attributes.requiredString(item, "status"), Attributes.stringList(item, "amr"),
                Attributes.string(item, "audience").orElse(""),
                Attributes.instantMillis(item, "created_at").orElse(Instant.EPOCH),
                Attributes.instantMillis(item, "last_used_at").orElse(Instant.EPOCH),
                Attributes.instantMillis(item, "expires_at").orElse(Instant.EPOCH),
                Attributes.string(item, "source_ip").orElse(null),
                Attributes.string(item, "user_agent").orElse(null),
                Attributes.instantMillis(item, "revoked_at"));
    }

    /** Live at {@code now} under an idle timeout measured from the last refresh. */
    public boolean liveAt(Instant now, java.time.Duration idleTimeout) {
        return ACTIVE.equals(status) && expiresAt.isAfter(now) && lastUsedAt.plus(idleTimeout).isAfter(now);
    }

    /**
     * Marks a session revoked (idempotent). Its refresh token then fails the rotation condition,
     * and the authorizer refuses its access tokens within its cache bound.
     */
    static ItemUpdate revoke(String table, String tenantId, String userId, String sessionId, String reason,
            Instant now, Instant ttlIfMissing) {
        return ItemUpdate.of(table, Keys.session(tenantId, userId, sessionId))
                .name("#status", "status").name("#ttl", Keys.TTL)
                .value(":revoked", Attributes.s(REVOKED)).value(":at", Attributes.epochMillis(now))
                .value(":reason", Attributes.s(reason)).value(":ttl", Attributes.epochSeconds(ttlIfMissing))
                .set("#status = :revoked").set("revoked_at = if_not_exists(revoked_at, :at)")
                .set("revoked_reason = if_not_exists(revoked_reason, :reason)")
                .set("#ttl = if_not_exists(#ttl, :ttl)");
    }
}
