package io.tollgate.consent;

import io.tollgate.audit.AuditEventType;
import io.tollgate.audit.AuditRecorder;
import io.tollgate.audit.AuditRecorder.Actor;
import io.tollgate.http.ErrorCode;
import io.tollgate.http.ProblemException;
import io.tollgate.settings.ConsentSettings;
import io.tollgate.settings.ConsentSettings.Purpose;
import io.tollgate.settings.SecuritySettings;
import io.tollgate.tenant.Tenant;
import io.tollgate.user.UserDirectory;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A user's consent to the purposes their tenant declares (GDPR Art. 7; ADR 0068). Only the data
 * subject changes it, in their own signed-in session: the caller must be {@link Subject#session()}
 * (a bearer token with a session), never an API key and never an administrator acting for someone
 * else, so nobody can give or take back consent on another person's behalf. Consent is recorded
 * against the purpose's current version; a grant recorded for an older version reads as
 * {@code outdated}, not granted. Every change is one conditional write (409 when another change to
 * the same purpose came first) and one {@code consent_granted} / {@code consent_withdrawn} audit
 * event carrying the purpose id and version only. A request that changes nothing writes nothing.
 */
public final class ConsentService {

    /** The caller of a consent change, as the authorizer verified it. */
    public record Subject(Actor actor, String authMethod, String sessionId) {
        /** Whether this caller is a signed-in session (bearer token with a session id), not an API key. */
        public boolean session() {
            return "bearer".equals(authMethod) && sessionId != null && !sessionId.isBlank();
        }
    }

    private final ConsentRepository records;
    private final UserDirectory directory;
    private final AuditRecorder audit;
    private final Clock clock;

    public ConsentService(ConsentRepository records, UserDirectory directory, AuditRecorder audit, Clock clock) {
        this.records = Objects.requireNonNull(records, "records");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The consent service of a container. */
    public static ConsentService create(io.tollgate.platform.TollgateServices services) {
        return new ConsentService(new ConsentRepository(services.dynamoDb(), services.config().tables()),
                services.userDirectory(), services.audit(), services.clock());
    }

    /** Every purpose the tenant declares, with the user's state for it, in the tenant's order. */
    public List<Map<String, Object>> list(String tenantId, String userId) {
        Map<String, ConsentRecord> stored = records.list(tenantId, userId);
        return purposes(tenantId).purposes().stream().map(p -> view(p, Optional.ofNullable(stored.get(p.id()))))
                .toList();
    }

    /** {@code PUT /v1/me/consents/{purpose}} with {@code granted: true}: the purpose's view after the grant. */
    public Map<String, Object> grant(Subject subject, String purposeId) {
        return change(subject, purposeId, true);
    }

    /** {@code DELETE /v1/me/consents/{purpose}}: the purpose's view after the withdrawal. */
    public Map<String, Object> withdraw(Subject subject, String purposeId) {
        return change(subject, purposeId, false);
    }

    private Map<String, Object> change(Subject subject, String purposeId, boolean grant) {
        if (!subject.session()) {
            throw new ProblemException(ErrorCode.FORBIDDEN,
                    "Consent is given or withdrawn only by the data subject in their own signed-in session.");
        }
        String tenantId = subject.actor().tenantId();
        String userId = subject.actor().userId();
        Purpose purpose = purposes(tenantId).purpose(Objects.requireNonNullElse(purposeId, ""))
                .orElseThrow(() -> new ProblemException(ErrorCode.NOT_FOUND, "No such consent purpose."));
        Optional<ConsentRecord> previous = Optional.ofNullable(records.list(tenantId, userId).get(purpose.id()));
        boolean unchanged = grant
                ? previous.filter(r -> r.granted() && r.version() == purpose.version()).isPresent()
                : previous.filter(ConsentRecord::granted).isEmpty();
        if (unchanged) {
            return view(purpose, previous);
        }
        int version = grant ? purpose.version() : previous.get().version();
        ConsentRecord next = new ConsentRecord(purpose.id(), version, grant, clock.instant(),
                previous.map(r -> r.revision() + 1).orElse(1L));
        if (!records.write(tenantId, userId, previous, next)) {
            throw new ProblemException(ErrorCode.CONFLICT, "This consent changed at the same time; read it and retry.");
        }
        audit.record(grant ? AuditEventType.CONSENT_GRANTED : AuditEventType.CONSENT_WITHDRAWN, subject.actor(),
                "consent", grant ? "grant" : "withdraw", "success", Map.of("purpose", purpose.id(), "version", version));
        return view(purpose, Optional.of(next));
    }

    private ConsentSettings purposes(String tenantId) {
        return directory.tenant(tenantId).map(Tenant::settings).map(SecuritySettings::consent)
                .orElse(ConsentSettings.defaults());
    }

    /**
     * One purpose as the user sees it: {@code status} is {@code granted} (to the current version),
     * {@code outdated} (granted to an older version: not consent to the current text),
     * {@code withdrawn}, or {@code not_given}.
     */
    static Map<String, Object> view(Purpose purpose, Optional<ConsentRecord> record) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("purpose", purpose.id());
        out.put("description", purpose.description());
        out.put("version", purpose.version());
        String status = record.map(r -> !r.granted() ? "withdrawn" : r.version() == purpose.version() ? "granted"
                : "outdated").orElse("not_given");
        out.put("status", status);
        out.put("granted", "granted".equals(status));
        out.put("consented_version", record.map(ConsentRecord::version).orElse(null));
        out.put("changed_at", record.map(r -> r.changedAt().toString()).orElse(null));
        return out;
    }

    /** The stored records as the subject's export carries them (every purpose ever recorded). */
    public static List<Map<String, Object>> export(Map<String, ConsentRecord> stored) {
        return stored.values().stream().sorted(java.util.Comparator.comparing(ConsentRecord::purpose)).map(r -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("purpose", r.purpose());
            out.put("version", r.version());
            out.put("granted", r.granted());
            out.put("changed_at", r.changedAt().toString());
            return out;
        }).toList();
    }
}
