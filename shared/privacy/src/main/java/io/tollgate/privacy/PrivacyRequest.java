package io.tollgate.privacy;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One data-subject request (GDPR Art. 12(3): answered within one month; ADR 0028), as tracked in
 * the identity table ({@code pk = TENANT#<t>}, {@code sk = DSR#<id>}). It holds ids, type, status
 * and instants only — never the personal data it concerns — so it can be kept as evidence after
 * an erasure.
 *
 * @param requestedBy the user id of whoever filed it (the subject, or an administrator)
 */
public record PrivacyRequest(String id, String tenantId, String subjectId, Type type, Status status,
        String requestedBy, Instant receivedAt, Instant dueAt, Optional<Instant> completedAt) {

    /** How long a controller has to answer (GDPR Art. 12(3): one month, taken as 30 days). */
    public static final Duration DEADLINE = Duration.ofDays(30);

    public PrivacyRequest {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(subjectId, "subjectId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(requestedBy, "requestedBy");
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(dueAt, "dueAt");
        Objects.requireNonNull(completedAt, "completedAt");
    }

    /** What the subject asks for (GDPR Art. 15, 20, 17, 16). */
    public enum Type {
        ACCESS, EXPORT, ERASURE, RECTIFICATION;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Type> of(String wireName) {
            for (Type type : values()) {
                if (type.wireName().equals(wireName)) {
                    return Optional.of(type);
                }
            }
            return Optional.empty();
        }
    }

    /** {@code received} until answered; {@code completed}, or {@code refused} (legal hold). */
    public enum Status {
        RECEIVED, COMPLETED, REFUSED;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Whether the answer came (or, open, is still coming) after the deadline, at {@code now}. */
    public boolean late(Instant now) {
        return completedAt.map(done -> done.isAfter(dueAt)).orElse(now.isAfter(dueAt));
    }

    /** The JSON of {@code GET /v1/privacy/requests/{id}} (docs/openapi.yaml {@code PrivacyRequest}). */
    public Map<String, Object> view(Instant now) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        out.put("type", type.wireName());
        out.put("status", status.wireName());
        out.put("subject", subjectId);
        out.put("requested_by", requestedBy);
        out.put("received_at", receivedAt.toString());
        out.put("due_at", dueAt.toString());
        out.put("completed_at", completedAt.map(Instant::toString).orElse(null));
        out.put("overdue", status == Status.RECEIVED && now.isAfter(dueAt));
        return out;
    }
}
