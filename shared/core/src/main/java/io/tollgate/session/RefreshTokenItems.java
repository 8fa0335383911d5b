package io.tollgate.session;

import io.tollgate.storage.Attributes;
import io.tollgate.storage.Keys;
import io.tollgate.user.UserAccount;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The refresh-token item: keyed by the SHA-256 of the token (the token itself is never stored),
 * it names its family (the session) and carries what a refresh needs to mint the next pair
 * without reading the session: user, authentication methods and time, audience, absolute end.
 */
final class RefreshTokenItems {

    static final String ACTIVE = "ACTIVE";
    static final String ROTATED = "ROTATED";

    private RefreshTokenItems() {
    }

    static Map<String, AttributeValue> active(String hash, UserAccount user, String sessionId, long generation,
            List<String> amr, Instant authTime, String audience, TokenDelivery delivery, Optional<String> csrfHash,
            Instant issuedAt, Instant absoluteEnd) {
        Map<String, AttributeValue> item = new HashMap<>(Keys.refreshToken(hash));
        item.put("tenant_id", Attributes.s(user.tenantId()));
        item.put("user_id", Attributes.s(user.userId()));
        item.put("username", Attributes.s(Keys.normaliseUsername(user.username())));
        item.put("session_id", Attributes.s(sessionId));
        item.put("status", Attributes.s(ACTIVE));
        item.put("generation", Attributes.n(generation));
        item.put("amr", Attributes.strings(amr));
        item.put("auth_time", Attributes.epochMillis(authTime));
        item.put("audience", Attributes.s(audience));
        item.put("delivery", Attributes.s(delivery.name()));
        csrfHash.ifPresent(h -> item.put("csrf_hash", Attributes.s(h)));
        item.put("issued_at", Attributes.epochMillis(issuedAt));
        item.put("expires_at", Attributes.epochMillis(absoluteEnd));
        item.put(Keys.TTL, Attributes.epochSeconds(absoluteEnd));
        return item;
    }

    /** A refresh-token item as read. */
    record Record(String hash, String tenantId, String userId, String username, String sessionId, String status,
            long generation, List<String> amr, Instant authTime, String audience, TokenDelivery delivery,
            Optional<String> csrfHash, Instant issuedAt, Instant expiresAt, Optional<Instant> rotatedAt) {

        static Record from(String hash, Map<String, AttributeValue> item) {
            return new Record(hash, Attributes.requiredString(item, "tenant_id"),
                    Attributes.requiredString(item, "user_id"), Attributes.requiredString(item, "username"),
                    Attributes.requiredString(item, "session_id"), Attributes.requiredString(item, "status"),
                    Attributes.number(item, "generation").orElse(1L), Attributes.stringList(item, "amr"),
                    Attributes.instantMillis(item, "auth_time").orElseThrow(),
                    Attributes.requiredString(item, "audience"),
                    TokenDelivery.valueOf(Attributes.string(item, "delivery").orElse(TokenDelivery.BODY.name())),
                    Attributes.string(item, "csrf_hash"),
                    Attributes.instantMillis(item, "issued_at").orElseThrow(),
                    Attributes.instantMillis(item, "expires_at").orElseThrow(),
                    Attributes.instantMillis(item, "rotated_at"));
        }
    }
}
