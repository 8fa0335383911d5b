package io.tollgate.audit.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One signed digest of a tenant's chain head (ADR 0015). The signed payload is the canonical JSON
 * ({@link CanonicalJson}) of
 * {@code {"algorithm","chain_hash","chain_seq","digest_seq","key_id","prev_digest_hash","signed_at","tenant_id"}};
 * {@code prev_digest_hash} is the {@link #digestHash()} of digest {@code digest_seq - 1} (64 zeros for
 * the first), so digests form a chain of their own and a deleted or replaced digest is detected.
 */
public record SignedDigest(String tenantId, long digestSeq, long chainSeq, String chainHash, String prevDigestHash,
        Instant signedAt, String keyId, String algorithm, byte[] signature) {

    public SignedDigest {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(chainHash, "chainHash");
        Objects.requireNonNull(prevDigestHash, "prevDigestHash");
        Objects.requireNonNull(signedAt, "signedAt");
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(algorithm, "algorithm");
        signature = signature == null ? new byte[0] : signature.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /** The exact bytes signed. */
    public byte[] payload() {
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("algorithm", algorithm);
        node.put("chain_hash", chainHash);
        node.put("chain_seq", chainSeq);
        node.put("digest_seq", digestSeq);
        node.put("key_id", keyId);
        node.put("prev_digest_hash", prevDigestHash);
        node.put("signed_at", AuditChain.formatTimestamp(signedAt));
        node.put("tenant_id", tenantId);
        return CanonicalJson.bytes(node);
    }

    /** SHA-256 of the payload, lower-case hex: what the next digest links to. */
    public String digestHash() {
        return AuditChain.sha256Hex(payload());
    }

    /**
     * Reads a stored payload and signature; empty when the payload is not exactly the canonical
     * form of a digest (an edited payload is then reported, not half-trusted).
     */
    public static Optional<SignedDigest> parse(String payload, byte[] signature) {
        try {
            JsonNode node = Json.mapper().readTree(payload);
            SignedDigest digest = new SignedDigest(node.get("tenant_id").textValue(), node.get("digest_seq").longValue(),
                    node.get("chain_seq").longValue(), node.get("chain_hash").textValue(),
                    node.get("prev_digest_hash").textValue(), Instant.parse(node.get("signed_at").textValue()),
                    node.get("key_id").textValue(), node.get("algorithm").textValue(), signature);
            if (!new String(digest.payload(), StandardCharsets.UTF_8).equals(payload)) {
                return Optional.empty();
            }
            return Optional.of(digest);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
