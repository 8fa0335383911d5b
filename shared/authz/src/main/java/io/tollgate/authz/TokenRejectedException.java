package io.tollgate.authz;

import io.tollgate.http.ErrorCode;
import io.tollgate.http.ProblemException;
import java.util.Objects;

/**
 * An access token failed validation. The {@link Reason} is precise, for audit events and metrics
 * only: every rejection maps to the same client answer, {@code 401 token_invalid}
 * ({@link #toProblem()}), so a caller cannot probe which check failed (RFC 6750 §3.1).
 *
 * <p>The message is the reason name only: it never contains the token, a claim value or a key.
 * No stack trace is captured, since rejections are an expected, attacker-driven outcome.
 */
public final class TokenRejectedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Which check rejected the token, in the order {@link AccessTokenValidator} applies them. */
    public enum Reason {
        /** Null, empty, or longer than the configured maximum (8 KiB by default). */
        OVERSIZED_OR_EMPTY,
        /** Not three dot-separated segments (an opaque refresh token, a JWE, garbage). */
        NOT_A_COMPACT_JWS,
        /** A segment is not canonical unpadded base64url. */
        MALFORMED_BASE64,
        /** The header or payload is not a UTF-8 JSON object. */
        MALFORMED_JSON,
        /** A member name occurs twice in the header or payload (RFC 7515 §5.2). */
        DUPLICATE_JSON_KEY,
        /** {@code alg} is {@code none}, in any letter case (RFC 8725 §3.2). */
        ALG_NONE,
        /** {@code alg} is absent or not a string. */
        ALG_MISSING,
        /** {@code alg} differs from the algorithm of the key named by {@code kid} (RFC 8725 §3.1). */
        ALG_NOT_ALLOWED,
        /** {@code kid} is absent, empty or not a string. */
        KID_MISSING,
        /** No published key has this {@code kid}. */
        KID_UNKNOWN,
        /** {@code jku}, {@code jwk}, {@code x5u}, {@code x5c}, {@code x5t}: the token may not name its own key. */
        KEY_REFERENCE_HEADER,
        /** {@code crit} is present: Tollgate understands no extensions (RFC 7515 §4.1.11). */
        CRIT_HEADER,
        /** Any other header parameter than {@code alg}, {@code kid}, {@code typ} (e.g. {@code zip}, {@code b64}). */
        UNEXPECTED_HEADER,
        /** {@code typ} is not {@code at+jwt} (RFC 9068 §4, RFC 8725 §3.11). */
        TYPE_INVALID,
        /** The signature does not verify with the key. */
        SIGNATURE_INVALID,
        /** {@code iss} is not the expected issuer. */
        ISSUER_INVALID,
        /** {@code aud} is absent, not a string, or not an accepted audience. */
        AUDIENCE_INVALID,
        /** {@code exp} is at or before now minus the clock skew. */
        EXPIRED,
        /** {@code nbf} is after now plus the clock skew. */
        NOT_YET_VALID,
        /** {@code iat} is after now plus the clock skew. */
        ISSUED_IN_FUTURE,
        /** A required claim ({@code sub}, {@code tid}, {@code sid}, {@code roles}, {@code exp}, {@code iat}, {@code jti}) is absent. */
        CLAIM_MISSING,
        /** A claim has the wrong type or an empty value. */
        CLAIM_INVALID
    }

    private final Reason reason;

    public TokenRejectedException(Reason reason) {
        this(reason, null);
    }

    public TokenRejectedException(Reason reason, Throwable cause) {
        super(Objects.requireNonNull(reason, "reason").name(), cause, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** The one answer every rejection gets: 401 {@code token_invalid}, with a fixed detail. */
    public ProblemException toProblem() {
        return new ProblemException(ErrorCode.TOKEN_INVALID, "The access token is missing, invalid or expired.");
    }
}
