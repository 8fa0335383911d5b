package io.tollgate.incident;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of the incident and breach register: what happened, when it was detected, whom it
 * affects, where it stands in the five phases, and, for a personal-data breach, when the
 * supervisory authority must have been notified (GDPR Art. 33: 72 hours after detection).
 */
public record Incident(String id, String title, Severity severity, Instant detectedAt, Instant openedAt,
        String openedBy, List<String> affectedTenants, long affectedSubjects, boolean personalDataBreach,
        IncidentPhase phase, List<PhaseChange> history, List<String> deadlineAlerts) {

    /** GDPR Art. 33(1): notify the supervisory authority within 72 hours of becoming aware. */
    public static final Duration NOTIFICATION_WINDOW = Duration.ofHours(72);

    /** The register's severities, the audit trail's scale. */
    public enum Severity { LOW, MEDIUM, HIGH, CRITICAL }

    /** One forward move with the reason given for it. */
    public record PhaseChange(IncidentPhase from, IncidentPhase to, String note, String by, Instant at) {
        public PhaseChange {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(note, "note");
            Objects.requireNonNull(by, "by");
            Objects.requireNonNull(at, "at");
        }
    }

    public Incident {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(detectedAt, "detectedAt");
        Objects.requireNonNull(openedAt, "openedAt");
        Objects.requireNonNull(openedBy, "openedBy");
        Objects.requireNonNull(phase, "phase");
        affectedTenants = List.copyOf(affectedTenants);
        history = List.copyOf(history);
        deadlineAlerts = List.copyOf(deadlineAlerts);
        if (affectedTenants.isEmpty() || affectedSubjects < 0) {
            throw new IllegalArgumentException("an incident affects at least one tenant and a non-negative subject count");
        }
    }

    /** Detection + 72 h for a personal-data breach; nothing otherwise. */
    public Optional<Instant> notificationDueAt() {
        return personalDataBreach ? Optional.of(detectedAt.plus(NOTIFICATION_WINDOW)) : Optional.empty();
    }

    /** This incident moved to {@code to} with {@code note}. */
    public Incident movedTo(IncidentPhase to, String note, String by, Instant at) {
        List<PhaseChange> changes = new ArrayList<>(history);
        changes.add(new PhaseChange(phase, to, note, by, at));
        return new Incident(id, title, severity, detectedAt, openedAt, openedBy, affectedTenants, affectedSubjects,
                personalDataBreach, to, changes, deadlineAlerts);
    }

    /** This incident with the deadline alert {@code mark} ("48h", "70h") recorded as sent. */
    public Incident alerted(String mark) {
        List<String> marks = new ArrayList<>(deadlineAlerts);
        marks.add(mark);
        return new Incident(id, title, severity, detectedAt, openedAt, openedBy, affectedTenants, affectedSubjects,
                personalDataBreach, phase, history, marks);
    }

    /** The API representation. */
    public Map<String, Object> view() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        out.put("title", title);
        out.put("severity", severity.name());
        out.put("detected_at", detectedAt.toString());
        out.put("opened_at", openedAt.toString());
        out.put("opened_by", openedBy);
        out.put("affected_tenants", affectedTenants);
        out.put("affected_subjects", affectedSubjects);
        out.put("personal_data_breach", personalDataBreach);
        out.put("notification_due_at", notificationDueAt().map(Instant::toString).orElse(null));
        out.put("phase", phase.wireName());
        out.put("history", history.stream().map(c -> {
            Map<String, Object> change = new LinkedHashMap<>();
            change.put("from", c.from().wireName());
            change.put("to", c.to().wireName());
            change.put("note", c.note());
            change.put("by", c.by());
            change.put("at", c.at().toString());
            return change;
        }).toList());
        out.put("deadline_alerts", deadlineAlerts);
        return out;
    }
}
