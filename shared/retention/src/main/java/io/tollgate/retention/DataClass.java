package io.tollgate.retention;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One entry of the retention policy: what the data is, where it lives, how long it is
 * kept by default, the legal minimum no tenant override may go below, and what happens after.
 *
 * @param store        {@code audit} (the tenant's audit chain), {@code sessions} or {@code identity}
 * @param enforcement  who acts: {@code retention_run} (the daily run purges), {@code on_delete}
 *                     (purged synchronously when deleted), {@code ttl} (DynamoDB TTL on the item),
 *                     {@code reported} (the run counts candidates; a person decides)
 * @param defaultClass the audit class of event types no class names (the longest, so unknown data is kept)
 */
public record DataClass(String id, String description, String store,
        @JsonProperty("retention_days") int retentionDays,
        @JsonProperty("legal_minimum_days") int legalMinimumDays,
        Action action, String enforcement,
        @JsonProperty("default") boolean defaultClass,
        @JsonProperty("event_types") List<String> eventTypes,
        @JsonProperty("event_type_prefixes") List<String> eventTypePrefixes) {

    public static final String AUDIT = "audit";
    public static final String SESSIONS = "sessions";
    public static final String RETENTION_RUN = "retention_run";
    public static final String REPORTED = "reported";

    /** What happens to data past its retention. */
    public enum Action {
        PURGE, ANONYMISE, ARCHIVE;

        @com.fasterxml.jackson.annotation.JsonCreator
        static Action of(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }

        @com.fasterxml.jackson.annotation.JsonValue
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public DataClass {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(enforcement, "enforcement");
        eventTypes = eventTypes == null ? List.of() : List.copyOf(eventTypes);
        eventTypePrefixes = eventTypePrefixes == null ? List.of() : List.copyOf(eventTypePrefixes);
        if (retentionDays < legalMinimumDays || legalMinimumDays < 0) {
            throw new IllegalArgumentException("class " + id + ": retention_days " + retentionDays
                    + " is below its legal minimum " + legalMinimumDays);
        }
    }

    /** Whether this class names the audit event type (exactly or by prefix). */
    public boolean names(String eventType) {
        return eventTypes.contains(eventType) || eventTypePrefixes.stream().anyMatch(eventType::startsWith);
    }

    /** Purged (or anonymised) by the daily run, as opposed to on delete, by TTL or only reported. */
    public boolean purgedByRun() {
        return RETENTION_RUN.equals(enforcement);
    }
}
