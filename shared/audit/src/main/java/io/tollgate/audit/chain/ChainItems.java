package io.tollgate.audit.chain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.AuditSeverity;
import io.tollgate.json.Json;
import io.tollgate.storage.Attributes;
import io.tollgate.storage.Keys;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The item form of a chained event: one attribute per seed field (readable in the console, and
 * the stream image the anomaly detection consumes), {@code additional_data} as its canonical JSON
 * text, plus {@code seq}, {@code prev_hash}, {@code hash}, the ByTime index keys and, for HIGH and
 * CRITICAL events, {@code alert} (the attribute the alerting path filters the stream on).
 *
 * <p>An event about a data subject (ADR 0061) is chained with its {@code ip_address} and
 * {@code user_agent} sealed under the subject's key: the item keeps the sealed, hashed values as
 * {@code sealed_ip_address} / {@code sealed_user_agent} and the clear ones as the unhashed
 * working copies {@code ip_address} / {@code user_agent}, plus {@code subject_pk} for the
 * {@code BySubject} index through which erasure finds and removes them. {@link #event} gives
 * readers the working copies ({@link #ERASED} once removed); {@link #fromItem} gives verification
 * the hashed values. Items chained before have no sealed attributes and read as they always did.
 */
public final class ChainItems {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    /** What readers see of a subject's request fact once the subject is erased. */
    public static final String ERASED = "[erased personal data]";
    static final String SEALED_IP = "sealed_ip_address";
    static final String SEALED_AGENT = "sealed_user_agent";

    private ChainItems() {
    }

    /** The item of a chained event. */
    public static Map<String, AttributeValue> toItem(ChainedEvent link) {
        return toItem(link, null);
    }

    /** The item of a chained event whose sealed request facts have the clear working copies {@code clear} (may be null). */
    public static Map<String, AttributeValue> toItem(ChainedEvent link, SubjectFacts clear) {
        AuditEvent event = link.event();
        String tenant = event.tenantId();
        String timestamp = AuditChain.formatTimestamp(event.timestamp());
        Map<String, AttributeValue> item = new HashMap<>(AuditKeys.event(tenant, link.seq()));
        item.put(AuditKeys.TIME_PK, Attributes.s(AuditKeys.chainPartition(tenant)));
        item.put(AuditKeys.TIME_SK, Attributes.s(AuditKeys.timeSortKey(timestamp, link.seq())));
        item.put("seq", Attributes.n(link.seq()));
        item.put("prev_hash", Attributes.s(link.prevHash()));
        item.put("hash", Attributes.s(link.hash()));
        item.put("timestamp", Attributes.s(timestamp));
        item.put("event_id", Attributes.s(event.eventId()));
        item.put("event_type", Attributes.s(event.eventType()));
        item.put("severity", Attributes.s(event.severity().name()));
        put(item, "user_id", event.userId());
        item.put("tenant_id", Attributes.s(tenant));
        put(item, "organization_id", event.organizationId());
        put(item, "ip_address", event.ipAddress());
        put(item, "user_agent", event.userAgent());
        put(item, "resource", event.resource());
        put(item, "action", event.action());
        item.put("result", Attributes.s(event.result()));
        item.put("additional_data", Attributes.s(CanonicalJson.text(Json.mapper().valueToTree(event.additionalData()))));
        item.put("compliance_flags", Attributes.strings(event.complianceFlags()));
        put(item, "source", event.source());
        if (clear != null) {
            put(item, SEALED_IP, event.ipAddress());
            put(item, SEALED_AGENT, event.userAgent());
            put(item, "ip_address", clear.ipAddress());
            put(item, "user_agent", clear.userAgent());
            item.put(AuditKeys.SUBJECT_PK, Attributes.s(AuditKeys.subjectPartition(tenant, clear.userId())));
        }
        if (event.severity() == AuditSeverity.HIGH || event.severity() == AuditSeverity.CRITICAL) {
            item.put("alert", Attributes.s(event.severity().name()));
        }
        return item;
    }

    /** The idempotency marker of a chained event: its event id leads to its sequence number. */
    public static Map<String, AttributeValue> markerItem(ChainedEvent link) {
        Map<String, AttributeValue> marker = new HashMap<>(AuditKeys.marker(link.event().tenantId(), link.event().eventId()));
        marker.put("seq", Attributes.n(link.seq()));
        return marker;
    }

    /** Reads an event item without trusting it; see {@link StoredLink}. */
    public static StoredLink fromItem(Map<String, AttributeValue> item) {
        String sk = Attributes.string(item, Keys.SK).orElse("");
        long position = sk.startsWith(AuditKeys.SEQ_PREFIX) ? parseLong(sk.substring(AuditKeys.SEQ_PREFIX.length())) : -1;
        Optional<Long> seq;
        try {
            seq = Attributes.number(item, "seq");
        } catch (NumberFormatException e) {
            seq = Optional.empty();
        }
        return new StoredLink(position, seq, Attributes.string(item, "prev_hash").orElse(""),
                Attributes.string(item, "hash").orElse(""), event(item, true), ChainPurge.isStub(item), event(item, false));
    }

    /**
     * The event of an item as readers see it, if its attributes still form one: a subject's
     * request facts in clear, or {@link #ERASED} once the subject was erased.
     */
    public static Optional<AuditEvent> event(Map<String, AttributeValue> item) {
        return event(item, false);
    }

    private static String fact(Map<String, AttributeValue> item, String clear, String sealed, boolean hashed) {
        Optional<String> sealedValue = Attributes.string(item, sealed);
        if (hashed && sealedValue.isPresent()) {
            return sealedValue.get();
        }
        return Attributes.string(item, clear).orElse(sealedValue.isPresent() ? ERASED : null);
    }

    private static Optional<AuditEvent> event(Map<String, AttributeValue> item, boolean hashed) {
        try {
            Map<String, Object> data = Json.mapper().readValue(Attributes.requiredString(item, "additional_data"), MAP);
            return Optional.of(new AuditEvent(Instant.parse(Attributes.requiredString(item, "timestamp")),
                    Attributes.requiredString(item, "event_id"), Attributes.requiredString(item, "event_type"),
                    AuditSeverity.valueOf(Attributes.requiredString(item, "severity")),
                    Attributes.string(item, "user_id").orElse(null), Attributes.requiredString(item, "tenant_id"),
                    Attributes.string(item, "organization_id").orElse(null),
                    fact(item, "ip_address", SEALED_IP, hashed), fact(item, "user_agent", SEALED_AGENT, hashed),
                    Attributes.string(item, "resource").orElse(null), Attributes.string(item, "action").orElse(null),
                    Attributes.requiredString(item, "result"), data, flags(item),
                    Attributes.string(item, "source").orElse(null)));
        } catch (JsonProcessingException | IllegalArgumentException | IllegalStateException | NullPointerException
                | DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static List<String> flags(Map<String, AttributeValue> item) {
        AttributeValue value = item.get("compliance_flags");
        if (value == null || !value.hasL()) {
            throw new IllegalStateException("compliance_flags is not a list");
        }
        return Attributes.stringList(item, "compliance_flags");
    }

    private static void put(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) {
            item.put(name, Attributes.s(value));
        }
    }

    private static long parseLong(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
