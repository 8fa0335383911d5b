package io.tollgate.audit;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One audit record with the fields of seed 000 (§Audit Logging) and docs/contract.md §Audit, detection, retention.
 *
 * <p>{@code additionalData} must never hold a secret (password, token, code, key); personal
 * data in it is envelope-encrypted by the ingest side before it is stored.
 *
 * <p>{@code source} says who recorded the event (ADR 0060): {@value #TOLLGATE} for Tollgate's own,
 * {@code api_key:<prefix>} for an event an external service submitted with that API key. It is
 * set by Tollgate, never by a submitter; null on an event built before it is known (the ingest
 * reads a queue message without one as Tollgate's own, since only Tollgate's functions may send).
 */
public record AuditEvent(
        Instant timestamp,
        @JsonProperty("event_id") String eventId,
        @JsonProperty("event_type") String eventType,
        AuditSeverity severity,
        @JsonProperty("user_id") String userId,
        @JsonProperty("tenant_id") String tenantId,
        @JsonProperty("organization_id") String organizationId,
        @JsonProperty("ip_address") String ipAddress,
        @JsonProperty("user_agent") String userAgent,
        String resource,
        String action,
        String result,
        @JsonProperty("additional_data") Map<String, Object> additionalData,
        @JsonProperty("compliance_flags") List<String> complianceFlags,
        String source) {

    /** The {@code source} of Tollgate's own events. */
    public static final String TOLLGATE = "tollgate";
    /** The {@code source} prefix of submitted events, followed by the submitting API key's prefix. */
    public static final String API_KEY_SOURCE_PREFIX = "api_key:";

    /** An event whose source is not (yet) stated: see the type's comment. */
    public AuditEvent(Instant timestamp, String eventId, String eventType, AuditSeverity severity, String userId,
            String tenantId, String organizationId, String ipAddress, String userAgent, String resource, String action,
            String result, Map<String, Object> additionalData, List<String> complianceFlags) {
        this(timestamp, eventId, eventType, severity, userId, tenantId, organizationId, ipAddress, userAgent, resource,
                action, result, additionalData, complianceFlags, null);
    }

    /** Whether Tollgate itself recorded this event (an unstated source counts as Tollgate's: only it may queue). */
    public boolean recordedByTollgate() {
        return source == null || TOLLGATE.equals(source);
    }

    /** This event with {@code source} set. */
    public AuditEvent withSource(String source) {
        return new AuditEvent(timestamp, eventId, eventType, severity, userId, tenantId, organizationId, ipAddress,
                userAgent, resource, action, result, additionalData, complianceFlags, source);
    }

    public AuditEvent {
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(result, "result");
        additionalData = additionalData == null ? Map.of() : Map.copyOf(additionalData);
        complianceFlags = complianceFlags == null ? List.of() : List.copyOf(complianceFlags);
    }
}
