package io.tollgate.audit.testing;

import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.AuditSeverity;
import io.tollgate.json.Json;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Builds audit events and their queue-message JSON for tests. */
public final class TestAuditEvents {

    private TestAuditEvents() {
    }

    /** A valid {@code data_query} event of {@code tenant} at {@code at}, with a fresh id. */
    public static AuditEvent event(String tenant, Instant at) {
        return event(tenant, at, UUID.randomUUID().toString(), Map.of("query", "accounts"));
    }

    public static AuditEvent event(String tenant, Instant at, String eventId, Map<String, Object> data) {
        return new AuditEvent(at, eventId, "data_query", AuditSeverity.LOW, "user-1", tenant, "risk", "192.0.2.7",
                "curl/8", "accounts", "read", "success", data, List.of("sox"));
    }

    /** The JSON a producer sends for {@code event}. */
    public static String json(AuditEvent event) {
        try {
            return Json.mapper().writeValueAsString(event);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
