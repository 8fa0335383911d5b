package io.tollgate.http;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The one exception type that carries an {@link ErrorCode} out of a service to the handler
 * boundary, where {@link ApiResponses} turns it into an RFC 9457 problem document.
 *
 * <p>The {@code detail} must be safe to show to any caller: it never contains a secret, a
 * stack trace, or anything that distinguishes cases the caller must not be able to tell apart
 * (for example "unknown user" versus "wrong password").
 */
public final class ProblemException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ErrorCode errorCode;
    private final String detail;
    private final transient List<FieldError> errors;
    private final Duration retryAfter;

    public ProblemException(ErrorCode errorCode, String detail) {
        this(errorCode, detail, List.of(), null);
    }

    private ProblemException(ErrorCode errorCode, String detail, List<FieldError> errors, Duration retryAfter) {
        super(errorCode.code(), null, false, false);
        this.errorCode = Objects.requireNonNull(errorCode, "errorCode");
        this.detail = Objects.requireNonNull(detail, "detail");
        this.errors = List.copyOf(errors);
        this.retryAfter = retryAfter;
    }

    /** A 400/422 naming every offending field. */
    public static ProblemException invalid(ErrorCode errorCode, String detail, List<FieldError> errors) {
        return new ProblemException(errorCode, detail, errors, null);
    }

    /** A 429 with the time the client must wait, sent as {@code Retry-After}. */
    public static ProblemException rateLimited(String detail, Duration retryAfter) {
        return new ProblemException(ErrorCode.RATE_LIMITED, detail, List.of(), retryAfter);
    }

    public ErrorCode errorCode() {
        return errorCode;
    }

    public String detail() {
        return detail;
    }

    public List<FieldError> errors() {
        return errors;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** One rejected field and the rule it broke, e.g. {@code password / min_length}. */
    public record FieldError(String field, String code, String message) {
        public FieldError {
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }
    }
}
