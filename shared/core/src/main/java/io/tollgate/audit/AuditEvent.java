package io.tollgate.audit;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One audit record with the fields of seed 000 (§Audit Logging) and SPEC.md §7.
 *
 * <p>{@code additionalData} must never hold a secret (password, token, code, key); personal
 * data in it is envelope-encrypted by the ingest side before it is stored.
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
        @JsonProperty("compliance_flags") List<String> complianceFlags) {

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
