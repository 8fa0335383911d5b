package io.tollgate.webauthn;

import io.tollgate.storage.Attributes;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One registered WebAuthn credential as stored ({@code TENANT#t#USER#<uid>} /
 * {@code WEBAUTHN#<credential id>}, identity table; ADR 0040): the public key in COSE form
 * (RFC 9053), the last signature counter seen, transports, AAGUID and the owner's name for it.
 * Holds no secret: the private key never leaves the authenticator.
 */
public record WebAuthnCredential(String tenantId, String userId, String credentialId, String publicKeyCose,
        long signCount, List<String> transports, String aaguid, String name, boolean discoverable,
        Instant createdAt, Optional<Instant> lastUsedAt) {

    public WebAuthnCredential {
        transports = List.copyOf(transports);
    }

    static WebAuthnCredential fromItem(Map<String, AttributeValue> item) {
        return new WebAuthnCredential(Attributes.requiredString(item, "tenant_id"),
                Attributes.requiredString(item, "user_id"), Attributes.requiredString(item, "credential_id"),
                Attributes.requiredString(item, "public_key_cose"), Attributes.number(item, "sign_count").orElse(0L),
                Attributes.stringList(item, "transports"), Attributes.string(item, "aaguid").orElse(""),
                Attributes.string(item, "name").orElse(""),
                item.containsKey("discoverable") && Boolean.TRUE.equals(item.get("discoverable").bool()),
                Attributes.instantMillis(item, "created_at").orElse(Instant.EPOCH),
                Attributes.instantMillis(item, "last_used_at"));
    }

    /** What the owner sees of the credential ({@code GET /v1/me/webauthn/credentials}). */
    public Map<String, Object> view() {
        Map<String, Object> view = new java.util.LinkedHashMap<>();
        view.put("id", credentialId);
        view.put("name", name);
        view.put("aaguid", aaguid);
        view.put("transports", transports);
        view.put("discoverable", discoverable);
        view.put("sign_count", signCount);
        view.put("created_at", createdAt.toString());
        view.put("last_used_at", lastUsedAt.map(Instant::toString).orElse(null));
        return view;
    }
}
