package io.tollgate.incident;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.tollgate.administration.AdminAuthority;
import io.tollgate.administration.AdministrationRepository;
import io.tollgate.administration.Caller;
import io.tollgate.audit.AuditEventType;
import io.tollgate.audit.AuditRecorder;
import io.tollgate.authz.Permission;
import io.tollgate.authz.Principal;
import io.tollgate.authz.ResourceRef;
import io.tollgate.http.ErrorCode;
import io.tollgate.http.ProblemException;
import io.tollgate.http.ProblemException.FieldError;
import io.tollgate.platform.TollgateServices;
import io.tollgate.tenant.Tenant;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The incident and breach register: opens incidents, moves them through the five phases (forward,
 * one at a time, each move with a note), and alerts the 72-hour notification deadline of a
 * personal-data breach at 48 h and 70 h. Every change is audited in each affected tenant's trail;
 * a personal-data breach also records a {@code data_breach} event carrying the incident id.
 *
 * <p>A tenant administrator's incident affects its own tenant; only a global grant (super_admin)
 * may name other tenants. An incident is visible to a caller allowed {@code incident:read} in one
 * of its affected tenants, and changed only by one allowed {@code incident:update} in all of them.
 */
public final class IncidentRegister {

    static final Permission INCIDENT_CREATE = Permission.required("incident:create");
    static final Permission INCIDENT_READ = Permission.required("incident:read");
    static final Permission INCIDENT_UPDATE = Permission.required("incident:update");

    /** A detection time this far ahead of the server clock is refused (clock skew allowance). */
    static final Duration FUTURE_SKEW = Duration.ofMinutes(5);
    /** Deadline alerts: this long after detection, the mark recorded when sent. */
    static final List<Map.Entry<Duration, String>> DEADLINE_ALERTS = List.of(
            Map.entry(Duration.ofHours(48), "48h"), Map.entry(Duration.ofHours(70), "70h"));

    private static final int MAX_TITLE = 200;
    private static final int MAX_NOTE = 2000;
    private static final int MAX_TENANTS = 50;

    private final AdminAuthority authority;
    private final AdministrationRepository tenants;
    private final IncidentStore store;
    private final AuditRecorder audit;
    private final Clock clock;
    private final SecureRandom random;

    public IncidentRegister(AdminAuthority authority, AdministrationRepository tenants, IncidentStore store,
            AuditRecorder audit, Clock clock, SecureRandom random) {
        this.authority = Objects.requireNonNull(authority, "authority");
        this.tenants = Objects.requireNonNull(tenants, "tenants");
        this.store = Objects.requireNonNull(store, "store");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** The register of a container, for the deadline sweep (no HTTP caller). */
    public static IncidentRegister create(TollgateServices services) {
        AdministrationRepository repository = AdministrationRepository.of(services);
        return create(services, AdminAuthority.bundled(repository), repository);
    }

    /** The register of a container sharing the administration's authority and repository. */
    public static IncidentRegister create(TollgateServices services, AdminAuthority authority,
            AdministrationRepository repository) {
        return new IncidentRegister(authority, repository,
                new IncidentStore(services.dynamoDb(), services.config().tables().identity()), services.audit(),
                services.clock(), services.random());
    }

    /** {@code POST /v1/incidents}. */
    public record NewIncident(String title, String severity, @JsonProperty("detected_at") String detectedAt,
            @JsonProperty("affected_subjects") Long affectedSubjects,
            @JsonProperty("personal_data_breach") Boolean personalDataBreach,
            @JsonProperty("affected_tenants") List<String> affectedTenants) {
    }

    /** {@code POST /v1/incidents/{id}/phase}. */
    public record PhaseMove(String phase, String note) {
    }

    public Incident open(Caller caller, NewIncident request) {
        Principal actor = authority.current(caller);
        Instant now = clock.instant();
        List<FieldError> errors = new ArrayList<>();
        String title = request.title() == null ? "" : request.title().strip();
        if (title.isEmpty() || title.length() > MAX_TITLE) {
            errors.add(new FieldError("title", "invalid", "1 to " + MAX_TITLE + " characters."));
        }
        Optional<Incident.Severity> severity = severity(request.severity());
        if (severity.isEmpty()) {
            errors.add(new FieldError("severity", "invalid", "One of LOW, MEDIUM, HIGH, CRITICAL."));
        }
        Optional<Instant> detected = instant(request.detectedAt());
        if (detected.isEmpty() || detected.get().isAfter(now.plus(FUTURE_SKEW))) {
            errors.add(new FieldError("detected_at", "invalid", "An ISO-8601 instant, not in the future."));
        }
        if (request.affectedSubjects() == null || request.affectedSubjects() < 0) {
            errors.add(new FieldError("affected_subjects", "invalid", "A count of 0 or more."));
        }
        if (request.personalDataBreach() == null) {
            errors.add(new FieldError("personal_data_breach", "required", "true or false."));
        }
        List<String> affected = request.affectedTenants() == null ? List.of(actor.tenant())
                : List.copyOf(new LinkedHashSet<>(request.affectedTenants()));
        if (affected.isEmpty() || affected.size() > MAX_TENANTS
                || affected.stream().anyMatch(t -> t == null || !Tenant.ID.matcher(t).matches())) {
            errors.add(new FieldError("affected_tenants", "invalid", "1 to " + MAX_TENANTS + " tenant ids."));
        }
        if (!errors.isEmpty()) {
            throw refused(caller, AuditEventType.INCIDENT_OPENED, "open", actor.tenant(), "invalid",
                    ProblemException.invalid(ErrorCode.VALIDATION_FAILED, "The request is not valid.", errors));
        }
        for (String tenant : affected) {
            if (!authority.allows(actor, INCIDENT_CREATE, ResourceRef.inTenant(tenant))) {
                throw refused(caller, AuditEventType.INCIDENT_OPENED, "open", actor.tenant(), "not_granted",
                        new ProblemException(ErrorCode.FORBIDDEN, "The caller may not do this."));
            }
            if (tenants.tenant(tenant).isEmpty()) {
                throw refused(caller, AuditEventType.INCIDENT_OPENED, "open", actor.tenant(), "not_found",
                        ProblemException.invalid(ErrorCode.VALIDATION_FAILED, "The request is not valid.",
                                List.of(new FieldError("affected_tenants", "not_found", "No such tenant."))));
            }
        }
        Incident incident = new Incident(newId(), title, severity.orElseThrow(), detected.orElseThrow(), now,
                actor.userId(), affected, request.affectedSubjects(), request.personalDataBreach(),
                IncidentPhase.IDENTIFICATION, List.of(), List.of());
        if (!store.create(incident)) {
            throw new IllegalStateException("incident id collision");
        }
        for (String tenant : affected) {
            Map<String, Object> data = summary(incident);
            audit.record(AuditEventType.INCIDENT_OPENED, actorIn(caller, tenant), "incident", "open", "success", data);
            if (incident.personalDataBreach()) {
                audit.record(AuditEventType.DATA_BREACH, actorIn(caller, tenant), "incident", "open", "success", data);
            }
        }
        return incident;
    }

    /** The incidents the caller may read, newest first. */
    public List<Incident> list(Caller caller) {
        Principal actor = authority.current(caller);
        List<Incident> visible = store.all().stream().filter(i -> readable(actor, i)).toList();
        audit.record(AuditEventType.DATA_QUERY, caller.actor(), "incident", "list", "success",
                Map.of("count", visible.size()));
        return visible;
    }

    /** One incident; 404 when it does not exist or the caller may not read it (the two look alike). */
    public Incident get(Caller caller, String id) {
        Principal actor = authority.current(caller);
        Incident incident = visible(actor, id);
        audit.record(AuditEventType.DATA_QUERY, caller.actor(), "incident", "read", "success",
                Map.of("incident_id", incident.id()));
        return incident;
    }

    /** Moves an incident to its next phase with a note; 409 for any other target or a concurrent change. */
    public Incident advance(Caller caller, String id, PhaseMove move) {
        Principal actor = authority.current(caller);
        Incident incident = visible(actor, id);
        if (!incident.affectedTenants().stream().allMatch(t ->
                authority.allows(actor, INCIDENT_UPDATE, ResourceRef.inTenant(t)))) {
            throw refused(caller, AuditEventType.INCIDENT_PHASE_CHANGED, "advance", actor.tenant(), "not_granted",
                    new ProblemException(ErrorCode.FORBIDDEN, "The caller may not do this."));
        }
        String note = move.note() == null ? "" : move.note().strip();
        Optional<IncidentPhase> target = IncidentPhase.fromWire(move.phase() == null ? "" : move.phase());
        List<FieldError> errors = new ArrayList<>();
        if (target.isEmpty()) {
            errors.add(new FieldError("phase", "invalid",
                    "One of identification, containment, eradication, recovery, lessons_learned."));
        }
        if (note.isEmpty() || note.length() > MAX_NOTE) {
            errors.add(new FieldError("note", "invalid", "1 to " + MAX_NOTE + " characters."));
        }
        if (!errors.isEmpty()) {
            throw refused(caller, AuditEventType.INCIDENT_PHASE_CHANGED, "advance", actor.tenant(), "invalid",
                    ProblemException.invalid(ErrorCode.VALIDATION_FAILED, "The request is not valid.", errors));
        }
        if (!incident.phase().mayMoveTo(target.get())) {
            throw refused(caller, AuditEventType.INCIDENT_PHASE_CHANGED, "advance", actor.tenant(), "not_next_phase",
                    new ProblemException(ErrorCode.CONFLICT, "An incident moves forward one phase at a time."));
        }
        Incident moved = incident.movedTo(target.get(), note, actor.userId(), clock.instant());
        if (!store.replace(incident, moved)) {
            throw new ProblemException(ErrorCode.CONFLICT, "The incident changed meanwhile; read it again.");
        }
        for (String tenant : moved.affectedTenants()) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("incident_id", moved.id());
            data.put("from", incident.phase().wireName());
            data.put("to", moved.phase().wireName());
            audit.record(AuditEventType.INCIDENT_PHASE_CHANGED, actorIn(caller, tenant), "incident", "advance",
                    "success", data);
        }
        return moved;
    }

    /**
     * The deadline sweep: for every personal-data breach past 48 h or 70 h since detection whose alert
     * was not yet sent, records one CRITICAL {@code breach_notification_due} event per affected tenant
     * (alerted by mail and SIEM like any CRITICAL event) and marks the alert sent. Returns the number
     * of alerts sent. A concurrent sweep that marked it first wins; this one sends nothing for it.
     */
    public int sweepDeadlines() {
        Instant now = clock.instant();
        int sent = 0;
        for (Incident incident : store.all()) {
            List<String> due = deadlineAlertsDue(incident, now);
            if (due.isEmpty()) {
                continue;
            }
            Incident marked = incident;
            for (String mark : due) {
                marked = marked.alerted(mark);
            }
            if (!store.replace(incident, marked)) {
                continue;
            }
            String latest = due.get(due.size() - 1);
            for (String tenant : incident.affectedTenants()) {
                Map<String, Object> data = summary(incident);
                data.put("elapsed", latest);
                data.put("hours_left", Duration.between(now, incident.notificationDueAt().orElseThrow()).toHours());
                audit.record(AuditEventType.BREACH_NOTIFICATION_DUE, new AuditRecorder.Actor(tenant, "system", null,
                        "127.0.0.1", "tollgate"), "incident", "deadline_alert", "success", data);
                sent++;
            }
        }
        return sent;
    }

    /**
     * The deadline alerts an incident should have had by {@code now} and has not: "48h" and "70h"
     * after detection, for a personal-data breach only; both at once when the sweep comes late.
     */
    public static List<String> deadlineAlertsDue(Incident incident, Instant now) {
        if (!incident.personalDataBreach()) {
            return List.of();
        }
        List<String> due = new ArrayList<>();
        for (Map.Entry<Duration, String> alert : DEADLINE_ALERTS) {
            if (!now.isBefore(incident.detectedAt().plus(alert.getKey()))
                    && !incident.deadlineAlerts().contains(alert.getValue())) {
                due.add(alert.getValue());
            }
        }
        return due;
    }

    private Incident visible(Principal actor, String id) {
        return store.find(id).filter(i -> readable(actor, i))
                .orElseThrow(() -> new ProblemException(ErrorCode.NOT_FOUND, "No such incident."));
    }

    private boolean readable(Principal actor, Incident incident) {
        return incident.affectedTenants().stream()
                .anyMatch(t -> authority.allows(actor, INCIDENT_READ, ResourceRef.inTenant(t)));
    }

    private static Map<String, Object> summary(Incident incident) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("incident_id", incident.id());
        data.put("severity", incident.severity().name());
        data.put("phase", incident.phase().wireName());
        data.put("affected_subjects", incident.affectedSubjects());
        data.put("personal_data_breach", incident.personalDataBreach());
        incident.notificationDueAt().ifPresent(due -> data.put("notification_due_at", due.toString()));
        return data;
    }

    /** The caller acting in {@code tenant}'s trail (its organisation only in its own tenant). */
    private static AuditRecorder.Actor actorIn(Caller caller, String tenant) {
        AuditRecorder.Actor own = caller.actor();
        return tenant.equals(own.tenantId()) ? own
                : new AuditRecorder.Actor(tenant, own.userId(), null, own.ipAddress(), own.userAgent());
    }

    private ProblemException refused(Caller caller, AuditEventType type, String action, String tenant, String reason,
            ProblemException problem) {
        audit.record(type, caller.actor(), "incident", action, "failure", Map.of("tenant", tenant, "reason", reason));
        return problem;
    }

    private static Optional<Incident.Severity> severity(String text) {
        if (text == null) {
            return Optional.empty();
        }
        for (Incident.Severity s : Incident.Severity.values()) {
            if (s.name().equals(text)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    private static Optional<Instant> instant(String text) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(text));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private String newId() {
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        return "inc_" + HexFormat.of().formatHex(bytes);
    }
}
