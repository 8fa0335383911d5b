package io.tollgate.alerting;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The deduplication rule of one kind and subject (ADR 0042), stated once: a window is open from
 * the alert that opened it until {@code until} (exclusive); an alert at or after {@code until}
 * opens the next window and is mailed with the count of the repeats the previous window
 * suppressed; an alert inside the window is counted; the opening alert delivered again is
 * ignored. {@link AlertDeduplicator} carries out exactly this rule with DynamoDB condition
 * expressions (so concurrent deliveries agree without a lock); this class is the rule itself,
 * unit-tested at its edges.
 *
 * @param openedAt   when the window was opened (the opening alert's processing time)
 * @param until      the first instant that is no longer inside the window
 * @param reference  the opening alert's reference (decision or event id)
 * @param suppressed repeats counted in the window so far
 */
public record DedupWindow(Instant openedAt, Instant until, String reference, long suppressed) {

    public DedupWindow {
        Objects.requireNonNull(openedAt, "openedAt");
        Objects.requireNonNull(until, "until");
        Objects.requireNonNull(reference, "reference");
    }

    /** True while {@code now} is inside the window: from its opening up to, not including, {@code until}. */
    public boolean openAt(Instant now) {
        return now.isBefore(until);
    }

    /** The verdict for an alert with {@code reference} at {@code now}, given the current window (if any). */
    public static Admission decide(Optional<DedupWindow> current, String reference, Instant now) {
        if (current.isEmpty() || !current.get().openAt(now)) {
            return Admission.sendAfter(current.map(DedupWindow::suppressed).orElse(0L),
                    current.map(DedupWindow::openedAt));
        }
        return current.get().reference().equals(reference)
                ? Admission.of(Admission.Verdict.REDELIVERED) : Admission.of(Admission.Verdict.SUPPRESSED);
    }

    /** The window an admitted alert at {@code now} opens. */
    public static DedupWindow opening(String reference, Instant now, Duration length) {
        return new DedupWindow(now, now.plus(length), reference, 0);
    }
}
