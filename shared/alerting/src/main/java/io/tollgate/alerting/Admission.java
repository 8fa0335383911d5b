package io.tollgate.alerting;

import java.time.Instant;
import java.util.Optional;

/**
 * What deduplication decided for one alert (ADR 0042).
 *
 * @param suppressedBefore repeats counted while the previous window was open (and not mailed);
 *                         the mail of a {@link Verdict#SEND} says how many
 * @param previousWindowOpenedAt when the window those repeats fell in was opened, if there was one
 */
public record Admission(Verdict verdict, long suppressedBefore, Optional<Instant> previousWindowOpenedAt) {

    public enum Verdict {
        /** The first alert of a new window: mail it. */
        SEND,
        /** A repeat inside the open window: counted, not mailed. */
        SUPPRESSED,
        /** The very alert that opened the window, delivered again (a retried stream batch): neither mailed nor counted. */
        REDELIVERED
    }

    public boolean send() {
        return verdict == Verdict.SEND;
    }

    static Admission sendAfter(long suppressed, Optional<Instant> previousOpenedAt) {
        return new Admission(Verdict.SEND, suppressed, previousOpenedAt);
    }

    static Admission of(Verdict verdict) {
        return new Admission(verdict, 0, Optional.empty());
    }
}
