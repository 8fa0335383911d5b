package io.tollgate.audit;

import java.util.List;

/**
 * The event types Tollgate itself emits, each with its seed 000 severity and the compliance
 * frameworks it is evidence for.
 */
public enum AuditEventType {
    LOGIN_SUCCESS("login_success", AuditSeverity.HIGH, List.of("sox", "pci", "iso27001", "soc2")),
    LOGIN_FAILURE("auth_failure", AuditSeverity.CRITICAL, List.of("sox", "pci", "iso27001", "soc2")),
    MFA_CHALLENGE_ISSUED("mfa_challenge_issued", AuditSeverity.MEDIUM, List.of("pci", "soc2")),
    MFA_ENROLMENT_REQUIRED("mfa_enrolment_required", AuditSeverity.MEDIUM, List.of("pci", "soc2")),
    MFA_ENROLLED("mfa_enrolled", AuditSeverity.MEDIUM, List.of("pci", "iso27001", "soc2")),
    MFA_ACTIVATED("mfa_activated", AuditSeverity.HIGH, List.of("pci", "iso27001", "soc2")),
    MFA_DISABLED("mfa_disabled", AuditSeverity.HIGH, List.of("pci", "iso27001", "soc2")),
    MFA_VERIFIED("mfa_verified", AuditSeverity.HIGH, List.of("sox", "pci", "iso27001", "soc2")),
    MFA_FAILED("mfa_failed", AuditSeverity.CRITICAL, List.of("sox", "pci", "iso27001", "soc2")),
    MFA_BACKUP_CODE_USED("mfa_backup_code_used", AuditSeverity.HIGH, List.of("pci", "iso27001", "soc2")),
    MFA_BACKUP_CODES_REGENERATED("mfa_backup_codes_regenerated", AuditSeverity.HIGH, List.of("pci", "soc2")),
    MFA_EMAIL_CODE_SENT("mfa_email_code_sent", AuditSeverity.MEDIUM, List.of("pci", "soc2")),
    /** A phone number was registered for SMS codes and a verification code sent (ADR 0032); data: last 2 digits only. */
    MFA_PHONE_ADDED("mfa_phone_added", AuditSeverity.MEDIUM, List.of("pci", "iso27001", "soc2")),
    /** The user entered the verification code: the number now receives sign-in codes. */
    MFA_PHONE_VERIFIED("mfa_phone_verified", AuditSeverity.HIGH, List.of("pci", "iso27001", "soc2")),
    MFA_SMS_CODE_SENT("mfa_sms_code_sent", AuditSeverity.MEDIUM, List.of("pci", "soc2")),
    /** An SMS request refused before anything was sent: tenant not opted in, invalid or unverified number. */
    MFA_SMS_REFUSED("mfa_sms_refused", AuditSeverity.MEDIUM, List.of("pci", "soc2")),
    /** A per-challenge or per-number daily SMS cap was reached: a possible SMS-pumping attempt. */
    MFA_SMS_CAP_REACHED("mfa_sms_cap_reached", AuditSeverity.HIGH, List.of("pci", "iso27001", "soc2")),
    MFA_SECRET_UNREADABLE("mfa_secret_integrity_failure", AuditSeverity.HIGH, List.of("pci", "iso27001", "soc2")),
    WEBAUTHN_REGISTERED("webauthn_registered", AuditSeverity.HIGH, List.of("pci", "iso27001", "soc2")),
    WEBAUTHN_REGISTRATION_FAILED("webauthn_registration_failed", AuditSeverity.MEDIUM, List.of("pci", "soc2")),
    WEBAUTHN_REMOVED("webauthn_removed", AuditSeverity.HIGH, List.of("pci", "iso27001", "soc2")),
    WEBAUTHN_FAILED("webauthn_failed", AuditSeverity.CRITICAL, List.of("sox", "pci", "iso27001", "soc2")),
    WEBAUTHN_CLONE_SUSPECTED("webauthn_clone_suspected", AuditSeverity.HIGH, List.of("pci", "iso27001", "soc2")),
    ACCOUNT_LOCKED("account_locked", AuditSeverity.HIGH, List.of("pci", "iso27001", "soc2")),
    IP_BLOCKED("ip_blocked", AuditSeverity.HIGH, List.of("pci", "iso27001", "soc2")),
    BLOCKED_IP_REFUSED("blocked_ip_refused", AuditSeverity.MEDIUM, List.of("pci", "soc2")),
    /** HIGH (a credential change; seed 000 lists it with no severity). A change through {@code POST /v1/me/password}, successful or refused. */
    PASSWORD_CHANGED("password_changed", AuditSeverity.HIGH, List.of("sox", "pci", "iso27001", "soc2")),
    /** A correct but expired password: the login got a password-change ticket, not tokens (ADR 0025). */
    PASSWORD_EXPIRED("password_expired", AuditSeverity.MEDIUM, List.of("pci", "iso27001", "soc2")),
    PASSWORD_REHASHED("password_rehashed", AuditSeverity.LOW, List.of("pci")),
    TENANT_CREATED("tenant_created", AuditSeverity.HIGH, List.of("sox", "soc2")),
    ORGANIZATION_CREATED("organization_created", AuditSeverity.MEDIUM, List.of("sox", "soc2")),
    USER_CREATED("user_creation", AuditSeverity.MEDIUM, List.of("sox", "gdpr", "soc2")),
    /** A set-password link mailed to a user created without a password (ADR 0045). */
    USER_INVITED("user_invited", AuditSeverity.MEDIUM, List.of("sox", "gdpr", "soc2")),
    /** Seed 000: CRITICAL. An attempt to grant a role above one's own, or to act on a user who outranks the actor. */
    PRIVILEGE_ESCALATION("privilege_escalation", AuditSeverity.CRITICAL, List.of("sox", "pci", "iso27001", "soc2")),
    /** Seed 000: HIGH. */
    ROLE_CHANGE("role_change", AuditSeverity.HIGH, List.of("sox", "pci", "iso27001", "soc2")),
    USER_UPDATED("user_updated", AuditSeverity.MEDIUM, List.of("sox", "gdpr", "soc2")),
    USER_DISABLED("user_disabled", AuditSeverity.HIGH, List.of("sox", "pci", "iso27001", "soc2")),
    USER_ENABLED("user_enabled", AuditSeverity.HIGH, List.of("sox", "pci", "iso27001", "soc2")),
    USER_DELETED("user_deleted", AuditSeverity.HIGH, List.of("sox", "gdpr", "pci", "soc2")),
    ACCOUNT_UNLOCKED("account_unlocked", AuditSeverity.MEDIUM, List.of("pci", "iso27001", "soc2")),
    TENANT_SETTINGS_CHANGED("tenant_settings_changed", AuditSeverity.HIGH, List.of("sox", "pci", "iso27001", "soc2")),
    /** Seed 000: LOW. An administrator read user, organisation or settings data, or searched or verified the audit trail (ADR 0062). */
    DATA_QUERY("data_query", AuditSeverity.LOW, List.of("gdpr", "soc2")),
    /** Seed 000: LOW. A compliance report was generated from the audit trail (ADR 0062); the parameters, never the content. */
    REPORT_GENERATION("report_generation", AuditSeverity.LOW, List.of("sox", "gdpr", "iso27001", "soc2")),
    TOKEN_REFRESHED("token_refreshed", AuditSeverity.LOW, List.of("soc2")),
    TOKEN_REFRESH_FAILURE("token_refresh_failure", AuditSeverity.MEDIUM, List.of("pci", "soc2")),
    TOKEN_REUSE_DETECTED("token_reuse_detected", AuditSeverity.HIGH, List.of("pci", "iso27001", "soc2")),
    LOGOUT("logout", AuditSeverity.HIGH, List.of("sox", "pci", "soc2")),
    LOGOUT_ALL("logout_all", AuditSeverity.HIGH, List.of("sox", "pci", "soc2")),
    SESSION_REVOKED("session_revoked", AuditSeverity.HIGH, List.of("pci", "soc2")),
    SESSION_EVICTED("session_evicted", AuditSeverity.MEDIUM, List.of("pci", "soc2")),
    API_KEY_CREATED("api_key_created", AuditSeverity.HIGH, List.of("pci", "soc2")),
    API_KEY_REVOKED("api_key_revoked", AuditSeverity.HIGH, List.of("pci", "soc2")),
    /** Every API key of a user revoked by an administrator, the owner's anomaly lock or deletion (ADR 0054). */
    API_KEYS_REVOKED("api_keys_revoked", AuditSeverity.HIGH, List.of("pci", "iso27001", "soc2")),
    /** The emergency revocation of every API key of a tenant (ADR 0054). */
    API_KEYS_REVOKED_ALL("api_keys_revoked_all", AuditSeverity.CRITICAL, List.of("sox", "pci", "iso27001", "soc2")),
    /** A re-authentication for a credential change succeeded: a fresh access token of the same session (ADR 0053). */
    STEP_UP_SUCCESS("step_up_success", AuditSeverity.HIGH, List.of("sox", "pci", "iso27001", "soc2")),
    /** A re-authentication failed; it counts toward the account lockout like a failed login (ADR 0053). */
    STEP_UP_FAILED("step_up_failed", AuditSeverity.CRITICAL, List.of("sox", "pci", "iso27001", "soc2")),
    SIGNING_KEY_ROTATED("key_rotation", AuditSeverity.HIGH, List.of("pci", "iso27001", "soc2")),
    /** A retention run purged data of one class for one tenant; carries counts, never content. */
    RETENTION_PURGE("retention_purge", AuditSeverity.HIGH, List.of("sox", "gdpr", "pci", "iso27001", "soc2")),
    /** A tenant's retention overrides changed. */
    RETENTION_CHANGED("retention_changed", AuditSeverity.HIGH, List.of("sox", "gdpr", "iso27001", "soc2")),
    /** A legal hold was placed or released on a tenant or a user. */
    LEGAL_HOLD_CHANGED("legal_hold_changed", AuditSeverity.HIGH, List.of("sox", "gdpr", "iso27001", "soc2")),
    /** A data-subject request (access, export, erasure, rectification) was filed; ADR 0028. */
    PRIVACY_REQUEST_RECEIVED("privacy_request_received", AuditSeverity.MEDIUM, List.of("gdpr", "soc2")),
    /** A data-subject request was completed or refused (legal hold); the result says which. */
    PRIVACY_REQUEST_COMPLETED("privacy_request_completed", AuditSeverity.HIGH, List.of("gdpr", "soc2")),
    /** Seed 000: HIGH. A copy of a data subject's personal data left Tollgate (access or export request). */
    DATA_EXPORT("data_export", AuditSeverity.HIGH, List.of("gdpr", "soc2")),
    /** A data subject's key was destroyed, their audit personal data is unreadable (ADR 0027). */
    SUBJECT_KEY_DESTROYED("subject_key_destroyed", AuditSeverity.HIGH, List.of("gdpr", "soc2")),
    /** A data subject gave consent to a purpose of their tenant (GDPR Art. 7, ADR 0068); purpose id and version only. */
    CONSENT_GRANTED("consent_granted", AuditSeverity.MEDIUM, List.of("gdpr", "soc2")),
    /** A data subject withdrew consent to a purpose (GDPR Art. 7(3), ADR 0068); purpose id and version only. */
    CONSENT_WITHDRAWN("consent_withdrawn", AuditSeverity.MEDIUM, List.of("gdpr", "soc2")),
    /** An incident was opened in the register (or the opening refused); the incident id is in the data. */
    INCIDENT_OPENED("incident_opened", AuditSeverity.HIGH, List.of("gdpr", "iso27001", "soc2")),
    /** An incident moved to its next response phase, with the note given (or the move was refused). */
    INCIDENT_PHASE_CHANGED("incident_phase_changed", AuditSeverity.HIGH, List.of("gdpr", "iso27001", "soc2")),
    /** Seed 000: CRITICAL. A personal-data breach was registered; data.incident_id links it to the incident. */
    DATA_BREACH("data_breach", AuditSeverity.CRITICAL, List.of("gdpr", "pci", "iso27001", "soc2")),
    /** 48 h or 70 h of a breach's 72-hour supervisory-authority notification window have passed. */
    BREACH_NOTIFICATION_DUE("breach_notification_due", AuditSeverity.CRITICAL, List.of("gdpr", "soc2")),
    /** A detection rule decided to act (anomaly detection, ADR 0020); the decision id is in the data. */
    SECURITY_ALERT("security_alert", AuditSeverity.HIGH, List.of("pci", "iso27001", "soc2"));

    private final String wireName;
    private final AuditSeverity severity;
    private final List<String> complianceFlags;

    AuditEventType(String wireName, AuditSeverity severity, List<String> complianceFlags) {
        this.wireName = wireName;
        this.severity = severity;
        this.complianceFlags = complianceFlags;
    }

    /** The {@code event_type} string stored and queried. */
    public String wireName() {
        return wireName;
    }

    public AuditSeverity severity() {
        return severity;
    }

    public List<String> complianceFlags() {
        return complianceFlags;
    }
}
