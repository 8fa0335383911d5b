package io.tollgate.privacy;

import io.tollgate.administration.AdminAuthority;
import io.tollgate.administration.Caller;
import io.tollgate.administration.ManagedUser;
import io.tollgate.administration.UserAdministration;
import io.tollgate.audit.AuditEventType;
import io.tollgate.audit.AuditRecorder;
import io.tollgate.audit.subject.SubjectKeyStore;
import io.tollgate.authz.Permission;
import io.tollgate.authz.Principal;
import io.tollgate.authz.ResourceRef;
import io.tollgate.http.ErrorCode;
import io.tollgate.http.ProblemException;
import io.tollgate.http.ProblemException.FieldError;
import io.tollgate.retention.RetentionSettings;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Data-subject requests (docs/openapi.yaml {@code /v1/privacy/requests}, ADR 0028): access,
 * export, erasure and rectification, filed by the subject themself or by an administrator of the
 * subject's tenant, answered at once and tracked with their 30-day deadline.
 *
 * <p>Who may act: the subject on their own account; anyone else only with the administrative
 * permission {@code privacy:create} on the subject (held by {@code tenant_admin},
 * {@code super_admin} and the simple profile's {@code admin}; ADR 0051), on a subject who does not
 * outrank them, and then through the administration rules of the same action ({@code GET},
 * {@code DELETE}, {@code PATCH /v1/users/{id}}: same tenant, same decisions, same audit), so
 * nobody gains a power here they lack there. Bad input is refused (400, naming the field) before
 * anything is written.
 *
 * <p>Order of an erasure: (1) the caller may act on the subject, (2) no legal hold covers the
 * tenant or the subject (409 {@code legal_hold}, the request recorded as refused), (3) the account
 * is deleted through the administration path (sessions, API keys, MFA, WebAuthn, identity items,
 * purge marker), (4) the subject key is destroyed: their audit personal data is unreadable, the
 * chain still verifies. A failure after (1) leaves the request {@code received}; it then shows as
 * open (and overdue after 30 days) until filed again.
 */
public final class PrivacyRequests {

    private static final Pattern USER_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    /** Filing a request about someone else. */
    static final Permission FILE_FOR_ANOTHER = Permission.required("privacy:create");
    /** Reading a request one is not a party to. */
    static final Permission READ_ANOTHERS = Permission.required("privacy:read");

    private final UserAdministration users;
    private final AdminAuthority authority;
    private final PrivacyRequestRepository requests;
    private final SubjectDataExport export;
    private final SubjectKeyStore subjectKeys;
    private final RetentionSettings retention;
    private final AuditRecorder audit;
    private final Clock clock;

    public PrivacyRequests(UserAdministration users, AdminAuthority authority, PrivacyRequestRepository requests,
            SubjectDataExport export, SubjectKeyStore subjectKeys, RetentionSettings retention, AuditRecorder audit,
            Clock clock) {
        this.users = Objects.requireNonNull(users, "users");
        this.authority = Objects.requireNonNull(authority, "authority");
        this.requests = Objects.requireNonNull(requests, "requests");
        this.export = Objects.requireNonNull(export, "export");
        this.subjectKeys = Objects.requireNonNull(subjectKeys, "subjectKeys");
        this.retention = Objects.requireNonNull(retention, "retention");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** {@code POST /v1/privacy/requests}: {@code subject} defaults to the caller; {@code changes} only for rectification. */
    public record NewRequest(String type, String subject, Changes changes) {
    }

    /** The corrections of a rectification: the profile fields a subject may correct. */
    public record Changes(String email) {
        @Override
        public String toString() {
            return "Changes[email=<redacted>]";
        }
    }

    /** The answer: the tracked request, and for access and export the document. */
    public record Answer(PrivacyRequest request, Optional<Map<String, Object>> data) {
    }

    public Answer file(Caller caller, NewRequest body) {
        List<FieldError> errors = new ArrayList<>();
        Optional<PrivacyRequest.Type> type = Optional.ofNullable(body.type()).flatMap(PrivacyRequest.Type::of);
        if (type.isEmpty()) {
            errors.add(new FieldError("type", "invalid_value", "type is access, export, erasure or rectification."));
        }
        String subject = body.subject() == null ? caller.principal().userId() : body.subject();
        if (!USER_ID.matcher(subject).matches()) {
            errors.add(new FieldError("subject", "invalid_value", "subject is a user id."));
        }
        if (type.orElse(null) == PrivacyRequest.Type.RECTIFICATION) {
            if (body.changes() == null || body.changes().email() == null) {
                errors.add(new FieldError("changes.email", "required", "Give the corrected email."));
            } else {
                UserAdministration.validateEmail("changes.email", body.changes().email(), errors);
            }
        } else if (body.changes() != null) {
            errors.add(new FieldError("changes", "not_allowed", "changes belong to a rectification only."));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(ErrorCode.VALIDATION_FAILED, "The request is not valid.", errors);
        }
        boolean self = subject.equals(caller.principal().userId());
        // May the caller act on this subject at all? (404 / 403 exactly as the administration routes.)
        ManagedUser user = self ? users.own(caller) : users.subject(caller, subject, FILE_FOR_ANOTHER);
        Instant now = clock.instant();
        PrivacyRequest request = new PrivacyRequest(UUID.randomUUID().toString(), user.tenantId(), subject, type.get(),
                PrivacyRequest.Status.RECEIVED, caller.principal().userId(), now, now.plus(PrivacyRequest.DEADLINE),
                Optional.empty());
        if (request.type() == PrivacyRequest.Type.ERASURE && retention.read(user.tenantId()).held(subject)) {
            requests.create(request);
            audited(caller, request, AuditEventType.PRIVACY_REQUEST_RECEIVED, "success", Map.of());
            close(caller, request, PrivacyRequest.Status.REFUSED, Map.of("reason", "legal_hold"));
            throw new ProblemException(ErrorCode.LEGAL_HOLD,
                    "A legal hold covers this account; it cannot be erased while the hold lasts.");
        }
        requests.create(request);
        audited(caller, request, AuditEventType.PRIVACY_REQUEST_RECEIVED, "success", Map.of());
        Optional<Map<String, Object>> data = Optional.empty();
        Map<String, Object> outcome = new LinkedHashMap<>();
        try {
            switch (request.type()) {
                case ACCESS, EXPORT -> {
                    Map<String, Object> document = export.of(user);
                    data = Optional.of(document);
                    outcome.put("audit_events", ((List<?>) document.get("audit_events")).size());
                    audited(caller, request, AuditEventType.DATA_EXPORT, "success", outcome);
                }
                case ERASURE -> {
                    outcome.putAll(self ? users.eraseOwn(caller) : users.erase(caller, subject));
                    outcome.put("subject_key_destroyed", subjectKeys.destroy(user.tenantId(), subject, "erasure"));
                    audit.record(AuditEventType.SUBJECT_KEY_DESTROYED, caller.actor(), "subject_key", "destroy", "success",
                            Map.of("request_id", request.id(), "target_user_id", subject, "reason", "erasure"));
                }
                case RECTIFICATION -> {
                    UserAdministration.UserChange change = new UserAdministration.UserChange(body.changes().email(), null);
                    if (self) {
                        users.rectifyOwn(caller, change);
                    } else {
                        users.update(caller, subject, change);
                    }
                    outcome.put("fields", List.of("email"));
                }
            }
        } catch (ProblemException refused) {
            close(caller, request, PrivacyRequest.Status.REFUSED, Map.of("reason", refused.errorCode().code()));
            throw refused;
        }
        PrivacyRequest closed = close(caller, request, PrivacyRequest.Status.COMPLETED, outcome);
        return new Answer(closed, data);
    }

    /** {@code GET /v1/privacy/requests/{id}}: for the subject, whoever filed it, or a holder of {@code privacy:read} on the subject. */
    public PrivacyRequest get(Caller caller, String requestId) {
        Principal principal = caller.principal();
        Optional<PrivacyRequest> found = requests.find(principal.tenant(), requestId);
        if (found.isEmpty()) {
            throw new ProblemException(ErrorCode.NOT_FOUND, "No such request.");
        }
        PrivacyRequest request = found.get();
        boolean party = principal.userId().equals(request.subjectId()) || principal.userId().equals(request.requestedBy());
        if (!party) {
            Principal current = authority.current(caller);
            if (!authority.allows(current, READ_ANOTHERS, ResourceRef.inTenant(principal.tenant())
                    .withOwner(request.subjectId()))) {
                throw new ProblemException(ErrorCode.NOT_FOUND, "No such request.");
            }
        }
        return request;
    }

    private PrivacyRequest close(Caller caller, PrivacyRequest request, PrivacyRequest.Status status,
            Map<String, Object> outcome) {
        Instant at = clock.instant();
        requests.close(request, status, at);
        PrivacyRequest closed = new PrivacyRequest(request.id(), request.tenantId(), request.subjectId(), request.type(),
                status, request.requestedBy(), request.receivedAt(), request.dueAt(), Optional.of(at));
        Map<String, Object> data = new LinkedHashMap<>(outcome);
        data.put("on_time", !closed.late(at));
        audited(caller, closed, AuditEventType.PRIVACY_REQUEST_COMPLETED,
                status == PrivacyRequest.Status.COMPLETED ? "success" : "denied", data);
        return closed;
    }

    private void audited(Caller caller, PrivacyRequest request, AuditEventType type, String result,
            Map<String, Object> extra) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("request_id", request.id());
        data.put("request_type", request.type().wireName());
        data.put("target_user_id", request.subjectId());
        data.put("due_at", request.dueAt().toString());
        data.putAll(extra);
        audit.record(type, caller.actor(), "privacy_request", request.type().wireName(), result, data);
    }
}
