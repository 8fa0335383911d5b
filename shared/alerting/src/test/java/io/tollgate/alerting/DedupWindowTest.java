package io.tollgate.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DedupWindowTest {

    private static final Instant OPENED = Instant.parse("2026-11-23T10:00:00Z");
    private static final Duration LENGTH = Duration.ofMinutes(15);
    private static final DedupWindow OPEN = new DedupWindow(OPENED, OPENED.plus(LENGTH), "decision:dd_a", 41);

    @Test
    void decideWhenNoWindowThenSentWithNothingSuppressed() {
        Admission admission = DedupWindow.decide(Optional.empty(), "event:e-1", OPENED);
        assertTrue(admission.send());
        assertEquals(0, admission.suppressedBefore());
        assertEquals(Optional.empty(), admission.previousWindowOpenedAt());
    }

    @Test
    void decideWhenOneMillisecondBeforeTheEndThenSuppressed() {
        Admission admission = DedupWindow.decide(Optional.of(OPEN), "event:e-2", OPENED.plus(LENGTH).minusMillis(1));
        assertEquals(Admission.Verdict.SUPPRESSED, admission.verdict());
    }

    @Test
    void decideWhenAtTheOpeningInstantByAnotherAlertThenSuppressed() {
        assertEquals(Admission.Verdict.SUPPRESSED, DedupWindow.decide(Optional.of(OPEN), "event:e-2", OPENED).verdict());
    }

    @Test
    void decideWhenExactlyAtTheEndThenSentCarryingTheSuppressedCount() {
        Admission admission = DedupWindow.decide(Optional.of(OPEN), "event:e-3", OPENED.plus(LENGTH));
        assertTrue(admission.send(), "the end instant belongs to the next window");
        assertEquals(41, admission.suppressedBefore());
        assertEquals(Optional.of(OPENED), admission.previousWindowOpenedAt());
    }

    @Test
    void decideWhenLongAfterTheEndThenSentCarryingTheSuppressedCount() {
        Admission admission = DedupWindow.decide(Optional.of(OPEN), "event:e-4", OPENED.plus(Duration.ofDays(3)));
        assertTrue(admission.send());
        assertEquals(41, admission.suppressedBefore(), "repeats nobody heard of yet are still reported");
    }

    @Test
    void decideWhenTheOpeningAlertIsDeliveredAgainInsideTheWindowThenNeitherSentNorCounted() {
        assertEquals(Admission.Verdict.REDELIVERED,
                DedupWindow.decide(Optional.of(OPEN), "decision:dd_a", OPENED.plusSeconds(30)).verdict());
    }

    @Test
    void decideWhenTheOpeningAlertComesBackAfterTheWindowThenSentAgain() {
        assertTrue(DedupWindow.decide(Optional.of(OPEN), "decision:dd_a", OPENED.plus(LENGTH)).send());
    }

    @Test
    void openingWindowEndsOneLengthLaterAndIsOpenOnlyBeforeIt() {
        DedupWindow window = DedupWindow.opening("event:e-5", OPENED, LENGTH);
        assertEquals(OPENED.plus(LENGTH), window.until());
        assertEquals(0, window.suppressed());
        assertTrue(window.openAt(OPENED));
        assertTrue(window.openAt(window.until().minusNanos(1)));
        assertFalse(window.openAt(window.until()));
    }
}
