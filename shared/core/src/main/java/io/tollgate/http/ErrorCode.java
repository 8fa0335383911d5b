package io.tollgate.http;

/**
 * Every machine-readable error Tollgate can answer with, and its HTTP status.
 *
 * <p>The {@link #code()} is stable API (clients branch on it); the title is a fixed, generic
 * phrase that never depends on internal state. RFC 9457 problem documents are built from these
 * values in exactly one place, {@link ApiResponses#problem}.
 */
public enum ErrorCode {
    MALFORMED_REQUEST(400, "malformed_request", "Malformed request"),
    VALIDATION_FAILED(400, "validation_failed", "Validation failed"),
    INVALID_CREDENTIALS(401, "invalid_credentials", "Invalid credentials"),
    TOKEN_INVALID(401, "token_invalid", "Token invalid"),
    MFA_INVALID(401, "mfa_invalid", "MFA code invalid"),
    /** A credential change needs a recent authentication: {@code POST /v1/auth/step-up} first (ADR 0053). */
    STEP_UP_REQUIRED(401, "step_up_required", "Step-up authentication required"),
    FORBIDDEN(403, "forbidden", "Forbidden"),
    CSRF_FAILED(403, "csrf_failed", "CSRF check failed"),
    NOT_FOUND(404, "not_found", "Not found"),
    CONFLICT(409, "conflict", "Conflict"),
    /** A legal hold covers the data an erasure would remove (ADR 0028). */
    LEGAL_HOLD(409, "legal_hold", "Under legal hold"),
    PASSWORD_POLICY_VIOLATED(422, "password_policy_violated", "Password policy violated"),
    RATE_LIMITED(429, "rate_limited", "Too many requests"),
    INTERNAL_ERROR(500, "internal_error", "Internal error"),
    SERVICE_UNAVAILABLE(503, "service_unavailable", "Service unavailable");

    private final int status;
    private final String code;
    private final String title;

    ErrorCode(int status, String code, String title) {
        this.status = status;
        this.code = code;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String title() {
        return title;
    }

    /** The RFC 9457 {@code type} URI of this error. */
    public String typeUri() {
        return "https://tollgate.dev/problems/" + code.replace('_', '-');
    }
}
