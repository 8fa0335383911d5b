package io.tollgate.audit.verification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.audit.chain.ChainVerifier;
import io.tollgate.testing.TestClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The job state machine: pending → running (checkpoints) → completed, stalled runs → failed, and its expiry. */
class VerificationJobTest {

    private final TestClock clock = TestClock.at("2026-03-01T10:00:00Z");

    private VerificationJob pending() {
        return VerificationJob.accepted("t-1", "0123456789abcdef0123456789abcdef", Optional.empty(), Optional.empty(),
                clock.instant());
    }

    private static ChainVerifier.Progress progress(long next) {
        return new ChainVerifier.Progress(1, 100, next, "h" + next, next - 1, List.of(), Optional.empty());
    }

    @Test
    void beginWhenPendingThenRunningWithOneStalledRunAndNextVersion() {
        clock.advance(Duration.ofSeconds(5));
        VerificationJob running = pending().begin(clock.instant()).orElseThrow();
        assertEquals(VerificationJob.Status.RUNNING, running.status());
        assertEquals(1, running.stalledRuns());
        assertEquals(1, running.version());
        assertEquals(clock.instant(), running.updatedAt());
    }

    @Test
    void checkpointWhenRunningThenKeepsProgressAndClearsStalledRuns() {
        VerificationJob running = pending().begin(clock.instant()).orElseThrow();
        VerificationJob saved = running.checkpoint(progress(51), clock.instant());
        assertEquals(0, saved.stalledRuns());
        assertEquals(51, saved.progress().orElseThrow().nextSeq());
        VerificationJob resumed = saved.begin(clock.instant()).orElseThrow();
        assertEquals(51, resumed.progress().orElseThrow().nextSeq(), "a new run resumes from the checkpoint");
    }

    @Test
    void beginWhenRunsStalledThreeTimesThenFailed() {
        VerificationJob job = pending();
        for (int run = 0; run < VerificationJob.MAX_STALLED_RUNS; run++) {
            job = job.begin(clock.instant()).orElseThrow();
            assertEquals(VerificationJob.Status.RUNNING, job.status());
        }
        VerificationJob failed = job.begin(clock.instant()).orElseThrow();
        assertEquals(VerificationJob.Status.FAILED, failed.status());
        assertTrue(failed.begin(clock.instant()).isEmpty(), "a failed job is not run again");
    }

    @Test
    void beginWhenCompletedThenNothingToDo() {
        VerificationJob completed = pending().begin(clock.instant()).orElseThrow()
                .complete(Map.of("valid", true), clock.instant());
        assertEquals(VerificationJob.Status.COMPLETED, completed.status());
        assertEquals(Map.of("valid", true), completed.report().orElseThrow());
        assertTrue(completed.begin(clock.instant()).isEmpty());
    }

    @Test
    void checkpointWhenNotRunningThenRefused() {
        assertThrows(IllegalStateException.class, () -> pending().checkpoint(progress(2), clock.instant()));
    }

    @Test
    void expiresAtWhenCreatedThenSevenDaysLaterWhateverTheUpdates() {
        VerificationJob job = pending();
        clock.advance(Duration.ofDays(3));
        VerificationJob running = job.begin(clock.instant()).orElseThrow();
        assertEquals(job.createdAt().plus(Duration.ofDays(7)), running.expiresAt());
    }
}
