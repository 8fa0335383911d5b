package io.tollgate.alerting.trail;

import com.fasterxml.jackson.core.type.TypeReference;
import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.AuditEventType;
import io.tollgate.audit.AuditSeverity;
import io.tollgate.json.Json;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Maps a chained audit event to an OCSF event (schema {@value #OCSF_VERSION}; docs/siem-ocsf.md
 * holds the table): Tollgate's own types to Authentication, Account Change, API Activity or
 * Detection Finding by an exhaustive switch (a new {@link AuditEventType} does not compile until it
 * is mapped), every other type (host applications' {@code namespace.name} types, seed 000's
 * application types) to API Activity "Other". {@code severity_id} follows the event's severity,
 * {@code status_id} its {@code result}. The whole Tollgate event, with its chain position and hash,
 * stays in {@code unmapped}, so nothing the trail says is lost in translation.
 */
public final class OcsfMapping {

    public static final String OCSF_VERSION = "1.1.0";
    /** The value of {@code unmapped} under which the raw Tollgate event travels. */
    public static final String RAW = "tollgate";

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private OcsfMapping() {
    }

    /** The OCSF class and activity of one of Tollgate's own types. */
    public static OcsfActivity activity(AuditEventType type) {
        return switch (type) {
            case LOGIN_SUCCESS, LOGIN_FAILURE, MFA_VERIFIED, MFA_FAILED, WEBAUTHN_FAILED, STEP_UP_SUCCESS,
                    STEP_UP_FAILED, BLOCKED_IP_REFUSED, PASSWORD_EXPIRED, MFA_BACKUP_CODE_USED ->
                    authentication(1, "Logon");
            case LOGOUT, LOGOUT_ALL, SESSION_REVOKED, SESSION_EVICTED -> authentication(2, "Logoff");
            case TOKEN_REFRESHED, TOKEN_REFRESH_FAILURE -> authentication(3, "Authentication Ticket");
            case MFA_CHALLENGE_ISSUED, MFA_ENROLMENT_REQUIRED, MFA_EMAIL_CODE_SENT, MFA_SMS_CODE_SENT, MFA_SMS_REFUSED ->
                    authentication(99, "Other");
            case USER_CREATED, USER_INVITED -> account(1, "Create");
            case USER_ENABLED -> account(2, "Enable");
            case PASSWORD_CHANGED -> account(3, "Password Change");
            case USER_DISABLED -> account(5, "Disable");
            case USER_DELETED -> account(6, "Delete");
            case ACCOUNT_LOCKED -> account(9, "Lock");
            case MFA_ACTIVATED, MFA_PHONE_VERIFIED, WEBAUTHN_REGISTERED, WEBAUTHN_REGISTRATION_FAILED ->
                    account(10, "MFA Factor Enable");
            case MFA_DISABLED, WEBAUTHN_REMOVED -> account(11, "MFA Factor Disable");
            case MFA_ENROLLED, MFA_PHONE_ADDED, MFA_BACKUP_CODES_REGENERATED, PASSWORD_REHASHED, ROLE_CHANGE,
                    USER_UPDATED, ACCOUNT_UNLOCKED, CONSENT_GRANTED, CONSENT_WITHDRAWN -> account(99, "Other");
            case TENANT_CREATED, ORGANIZATION_CREATED, API_KEY_CREATED, PRIVACY_REQUEST_RECEIVED, INCIDENT_OPENED ->
                    api(1, "Create");
            case DATA_QUERY, REPORT_GENERATION, DATA_EXPORT -> api(2, "Read");
            case TENANT_SETTINGS_CHANGED, RETENTION_CHANGED, LEGAL_HOLD_CHANGED, API_KEY_REVOKED, API_KEYS_REVOKED,
                    API_KEYS_REVOKED_ALL, PRIVACY_REQUEST_COMPLETED, SIGNING_KEY_ROTATED, INCIDENT_PHASE_CHANGED ->
                    api(3, "Update");
            case RETENTION_PURGE, SUBJECT_KEY_DESTROYED -> api(4, "Delete");
            case SECURITY_ALERT, PRIVILEGE_ESCALATION, TOKEN_REUSE_DETECTED, IP_BLOCKED, MFA_SMS_CAP_REACHED,
                    MFA_SECRET_UNREADABLE, WEBAUTHN_CLONE_SUSPECTED, DATA_BREACH, BREACH_NOTIFICATION_DUE ->
                    new OcsfActivity(OcsfClass.DETECTION_FINDING, 1,
                    "Create");
        };
    }

    /** The OCSF class and activity of any event type: Tollgate's own as {@link #activity(AuditEventType)}, others API Activity "Other". */
    public static OcsfActivity activity(String eventType) {
        return ownType(eventType).map(OcsfMapping::activity).orElse(api(99, "Other"));
    }

    /** OCSF {@code severity_id}: LOW 2, MEDIUM 3, HIGH 4, CRITICAL 5. */
    public static int severityId(AuditSeverity severity) {
        return switch (severity) {
            case LOW -> 2;
            case MEDIUM -> 3;
            case HIGH -> 4;
            case CRITICAL -> 5;
        };
    }

    /** OCSF {@code status_id} of a {@code result}: success 1, failure or denied 2, anything else 99 (Other). */
    public static int statusId(String result) {
        return switch (result) {
            case "success" -> 1;
            case "failure", "denied" -> 2;
            default -> 99;
        };
    }

    /**
     * The OCSF event of the chain link {@code seq}/{@code hash} holding {@code event} (as readers
     * see it: an erased subject's address and agent already replaced).
     */
    public static Map<String, Object> map(long seq, String hash, AuditEvent event) {
        OcsfActivity activity = activity(event.eventType());
        Map<String, Object> ocsf = new LinkedHashMap<>();
        ocsf.put("class_uid", activity.ocsfClass().uid());
        ocsf.put("class_name", activity.ocsfClass().label());
        ocsf.put("category_uid", activity.ocsfClass().categoryUid());
        ocsf.put("category_name", activity.ocsfClass().categoryName());
        ocsf.put("activity_id", activity.activityId());
        ocsf.put("activity_name", activity.activityId() == 99 ? event.eventType() : activity.activityName());
        ocsf.put("type_uid", activity.typeUid());
        ocsf.put("type_name", activity.typeName());
        ocsf.put("time", event.timestamp().toEpochMilli());
        ocsf.put("severity_id", severityId(event.severity()));
        ocsf.put("severity", label(event.severity().name()));
        int status = statusId(event.result());
        ocsf.put("status_id", status);
        ocsf.put("status", status == 1 ? "Success" : status == 2 ? "Failure" : "Other");
        ocsf.put("status_detail", event.result());
        ocsf.put("message", event.eventType());
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("version", OCSF_VERSION);
        metadata.put("product", Map.of("name", "Tollgate", "vendor_name", "Tollgate"));
        metadata.put("uid", event.eventId());
        metadata.put("sequence", seq);
        metadata.put("tenant_uid", event.tenantId());
        metadata.put("log_name", "audit_trail");
        metadata.put("labels", event.complianceFlags());
        ocsf.put("metadata", metadata);
        Map<String, Object> actor = new LinkedHashMap<>();
        if (event.userId() != null) {
            actor.put("user", Map.of("uid", event.userId()));
        }
        if (!event.recordedByTollgate()) {
            actor.put("app_name", event.source());
        }
        ocsf.put("actor", actor);
        if (event.userId() != null && activity.ocsfClass() != OcsfClass.API_ACTIVITY) {
            ocsf.put("user", Map.of("uid", event.userId()));
        }
        Map<String, Object> source = new LinkedHashMap<>();
        if (event.ipAddress() != null && event.ipAddress().matches("[0-9A-Fa-f:.]{2,45}")) {
            source.put("ip", event.ipAddress());
        }
        ocsf.put("src_endpoint", source);
        if (event.userAgent() != null) {
            ocsf.put("http_request", Map.of("user_agent", event.userAgent()));
        }
        if (activity.ocsfClass() == OcsfClass.API_ACTIVITY) {
            ocsf.put("api", Map.of("operation", event.action() != null ? event.action() : event.eventType()));
        }
        if (event.resource() != null) {
            ocsf.put("resources", List.of(Map.of("uid", event.resource())));
        }
        if (activity.ocsfClass() == OcsfClass.AUTHENTICATION) {
            ocsf.put("is_mfa", event.eventType().startsWith("mfa_") || event.eventType().startsWith("webauthn_"));
        }
        if (activity.ocsfClass() == OcsfClass.DETECTION_FINDING) {
            Map<String, Object> finding = new LinkedHashMap<>();
            finding.put("uid", event.eventId());
            Object rule = event.additionalData() == null ? null : event.additionalData().get("rule");
            finding.put("title", rule instanceof String text ? text : event.eventType());
            finding.put("types", List.of(event.eventType()));
            finding.put("created_time", event.timestamp().toEpochMilli());
            ocsf.put("finding_info", finding);
        }
        Map<String, Object> raw = new LinkedHashMap<>(Json.mapper().convertValue(event, MAP));
        raw.put("seq", seq);
        raw.put("hash", hash);
        ocsf.put("unmapped", Map.of(RAW, raw));
        return ocsf;
    }

    private static Optional<AuditEventType> ownType(String wireName) {
        return Arrays.stream(AuditEventType.values()).filter(type -> type.wireName().equals(wireName)).findFirst();
    }

    private static OcsfActivity authentication(int id, String name) {
        return new OcsfActivity(OcsfClass.AUTHENTICATION, id, name);
    }

    private static OcsfActivity account(int id, String name) {
        return new OcsfActivity(OcsfClass.ACCOUNT_CHANGE, id, name);
    }

    private static OcsfActivity api(int id, String name) {
        return new OcsfActivity(OcsfClass.API_ACTIVITY, id, name);
    }

    private static String label(String upper) {
        return upper.charAt(0) + upper.substring(1).toLowerCase(java.util.Locale.ROOT);
    }
}
