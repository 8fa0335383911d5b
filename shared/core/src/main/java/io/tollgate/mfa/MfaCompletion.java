package io.tollgate.mfa;

import io.tollgate.session.TokenDelivery;
import io.tollgate.session.TokenPair;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A completed second step: the session's tokens (as login would issue them) and, when the step
 * was an enrolment, the backup codes to show once.
 */
public record MfaCompletion(TokenPair tokens, TokenDelivery delivery, Duration sessionLifetime, List<String> amr,
        List<String> backupCodes) {

    public MfaCompletion {
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(delivery, "delivery");
        Objects.requireNonNull(sessionLifetime, "sessionLifetime");
        amr = List.copyOf(amr);
        backupCodes = List.copyOf(backupCodes);
    }

    @Override
    public String toString() {
        return "MfaCompletion[amr=" + amr + ", delivery=" + delivery + ", backupCodes=<" + backupCodes.size()
                + " redacted>]";
    }
}
