package io.tollgate.audit.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.audit.AuditEvent;
import io.tollgate.json.Json;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * The hash chain of one tenant's audit events (docs/contract.md §Audit, detection, retention, ADR 0014), as pure functions: no I/O,
 * so the same code links events at ingest and recomputes them at verification.
 *
 * <p>{@code hash(n) = hex(SHA-256(canonical({"event": e(n), "prev_hash": hash(n-1), "seq": n})))},
 * where {@code canonical} is {@link CanonicalJson}, {@code e(n)} is {@link #eventJson} and
 * {@code hash(0)} is {@link ChainHead#GENESIS}'s 64 zeros. Because the sequence number is inside
 * the hashed document, an event moved to another position no longer matches its hash; because the
 * previous hash is, no event can be removed or inserted without breaking the next link; and since
 * {@code additional_data} is hashed as stored (personal values as ciphertext), destroying the key
 * of that ciphertext (crypto-shredding) leaves every hash verifiable.
 */
public final class AuditChain {

    /** Timestamps in the chain: ISO-8601 UTC with exactly nine fraction digits, so text order is time order. */
    public static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    private AuditChain() {
    }

    /**
     * Links {@code events}, in order, after {@code head}: sequence numbers {@code head.seq + 1 ...}.
     */
    public static List<ChainedEvent> link(ChainHead head, List<AuditEvent> events) {
        Objects.requireNonNull(head, "head");
        List<ChainedEvent> links = new ArrayList<>(events.size());
        ChainHead last = head;
        for (AuditEvent event : events) {
            long seq = last.seq() + 1;
            ChainedEvent link = new ChainedEvent(seq, last.hash(), hash(seq, last.hash(), event), event);
            links.add(link);
            last = link.asHead();
        }
        return links;
    }

    /** The hash of {@code event} at position {@code seq} after a link whose hash is {@code prevHash}. */
    public static String hash(long seq, String prevHash, AuditEvent event) {
        ObjectNode document = Json.mapper().createObjectNode();
        document.set("event", eventJson(event));
        document.put("prev_hash", prevHash);
        document.put("seq", seq);
        return sha256Hex(CanonicalJson.bytes(document));
    }

    /**
     * The event as the chain sees it: every seed 000 field that has a value, {@code timestamp} in
     * {@link #TIMESTAMP} form, {@code severity} as its upper-case name, and {@code source} when
     * stated (ADR 0060; events chained before it have none and hash as they did).
     */
    public static ObjectNode eventJson(AuditEvent event) {
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("timestamp", formatTimestamp(event.timestamp()));
        node.put("event_id", event.eventId());
        node.put("event_type", event.eventType());
        node.put("severity", event.severity().name());
        putIfPresent(node, "user_id", event.userId());
        node.put("tenant_id", event.tenantId());
        putIfPresent(node, "organization_id", event.organizationId());
        putIfPresent(node, "ip_address", event.ipAddress());
        putIfPresent(node, "user_agent", event.userAgent());
        putIfPresent(node, "resource", event.resource());
        putIfPresent(node, "action", event.action());
        node.put("result", event.result());
        JsonNode data = Json.mapper().valueToTree(event.additionalData());
        node.set("additional_data", data);
        ArrayNode flags = node.putArray("compliance_flags");
        event.complianceFlags().forEach(flags::add);
        putIfPresent(node, "source", event.source());
        return node;
    }

    public static String formatTimestamp(Instant instant) {
        return TIMESTAMP.format(instant);
    }

    private static void putIfPresent(ObjectNode node, String name, String value) {
        if (value != null) {
            node.put(name, value);
        }
    }

    static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }
}
