package io.tollgate.login;

import io.tollgate.session.TokenDelivery;
import io.tollgate.session.TokenPair;
import java.time.Duration;
import java.util.List;

/** What a successful password step leads to: tokens, the MFA challenge, or a password change. */
public sealed interface LoginResult {

    /** Authenticated; no second factor required. */
    record Authenticated(TokenPair tokens, TokenDelivery delivery, Duration sessionLifetime) implements LoginResult {
    }

    /** Password correct; the client must complete {@code POST /v1/auth/mfa/verify}. */
    record MfaRequired(String mfaToken, List<String> methods) implements LoginResult {
        @Override
        public String toString() {
            return "MfaRequired[methods=" + methods + "]";
        }
    }

    /**
     * Password correct, but the tenant requires MFA and the user has none: no tokens; the
     * {@code mfa_token} only allows enrolling TOTP ({@code /v1/auth/mfa/enrolment/totp}), which
     * then completes the login (ADR 0011).
     */
    record MfaEnrolmentRequired(String mfaToken, List<String> methods) implements LoginResult {
        @Override
        public String toString() {
            return "MfaEnrolmentRequired[methods=" + methods + "]";
        }
    }

    /**
     * Password correct but older than the tenant's maximum age: no tokens; the ticket only allows
     * {@code POST /v1/auth/password/expired} (ADR 0025), after which the user logs in again.
     */
    record PasswordChangeRequired(String passwordChangeToken, Duration lifetime) implements LoginResult {
        @Override
        public String toString() {
            return "PasswordChangeRequired[<redacted>]";
        }
    }
}
