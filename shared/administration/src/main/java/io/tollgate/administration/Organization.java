package io.tollgate.administration;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** An organisation of a tenant (ADR 0002: {@code TENANT#t / ORG#id}). */
public record Organization(String tenantId, String id, String name, Optional<Instant> createdAt) {

    public Organization {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** The JSON representation (docs/openapi.yaml {@code Organization}). */
    public Map<String, Object> view() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        out.put("name", name);
        out.put("created_at", createdAt.map(Instant::toString).orElse(null));
        return out;
    }
}
