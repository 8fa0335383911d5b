package io.tollgate.mfa;

import io.tollgate.session.TokenDelivery;
import io.tollgate.session.TokenPair;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A completed second step: the session's tokens (as login would issue them) and, when the step
 * was an enrolment, the backup codes to show once. When the user's password has expired, no
 * tokens: only the one-time {@code passwordChangeToken} that the second factor earned (ADR 0025).
 */
public record MfaCompletion(TokenPair tokens, TokenDelivery delivery, Duration sessionLifetime, List<String> amr,
        List<String> backupCodes, Optional<String> passwordChangeToken) {

    public MfaCompletion {
        Objects.requireNonNull(passwordChangeToken, "passwordChangeToken");
        if (passwordChangeToken.isEmpty()) {
            Objects.requireNonNull(tokens, "tokens");
        }
        Objects.requireNonNull(delivery, "delivery");
        Objects.requireNonNull(sessionLifetime, "sessionLifetime");
        amr = List.copyOf(amr);
        backupCodes = List.copyOf(backupCodes);
    }

    /** A completion that opened a session. */
    public MfaCompletion(TokenPair tokens, TokenDelivery delivery, Duration sessionLifetime, List<String> amr,
            List<String> backupCodes) {
        this(tokens, delivery, sessionLifetime, amr, backupCodes, Optional.empty());
    }

    /** The second factor passed but the password has expired: a ticket for the change, valid {@code lifetime}. */
    public static MfaCompletion passwordChangeRequired(String ticket, TokenDelivery delivery, Duration lifetime,
            List<String> amr) {
        return new MfaCompletion(null, delivery, lifetime, amr, List.of(), Optional.of(ticket));
    }

    @Override
    public String toString() {
        return "MfaCompletion[amr=" + amr + ", delivery=" + delivery + ", backupCodes=<" + backupCodes.size()
                + " redacted>]";
    }
}
