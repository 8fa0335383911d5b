package io.tollgate.audit.verification;

import io.tollgate.audit.chain.ChainVerifier;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One asynchronous verification of a tenant's chain (docs/adr/0071-asynchronous-chain-verification.md): the
 * range asked for, its state, the checkpoint of the walk and, once completed, the report. Immutable; each
 * transition returns the next state with {@code version} one higher (the store writes it only over the version
 * it read, so two workers on one job cannot both advance it).
 *
 * <p>States: {@code pending} (accepted) → {@code running} (a worker took it; the checkpoint is saved after each
 * chunk) → {@code completed} (the report) or {@code failed} (runs that stopped without saving a chunk, e.g. a
 * worker timing out or crashing, reached {@link #MAX_STALLED_RUNS}).
 */
public record VerificationJob(String tenantId, String id, Status status, Optional<Instant> from, Optional<Instant> to,
        Instant createdAt, Instant updatedAt, int stalledRuns, Optional<ChainVerifier.Progress> progress,
        Optional<Map<String, Object>> report, long version) {

    /** How long a job and its report can be fetched (then DynamoDB's TTL removes it). */
    public static final Duration RETENTION = Duration.ofDays(7);
    /** Runs in a row that may end without a saved chunk before the job fails. */
    public static final int MAX_STALLED_RUNS = 3;

    /** The job's state, lower case on the wire. */
    public enum Status {
        PENDING, RUNNING, COMPLETED, FAILED;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public boolean terminal() {
            return this == COMPLETED || this == FAILED;
        }
    }

    public VerificationJob {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(report, "report");
        report = report.map(Map::copyOf);
    }

    /** A new job, accepted at {@code now}. */
    public static VerificationJob accepted(String tenantId, String id, Optional<Instant> from, Optional<Instant> to,
            Instant now) {
        return new VerificationJob(tenantId, id, Status.PENDING, from, to, now, now, 0, Optional.empty(),
                Optional.empty(), 0);
    }

    /** When DynamoDB may remove the job. */
    public Instant expiresAt() {
        return createdAt.plus(RETENTION);
    }

    /**
     * A worker takes the job: running, one more run that has not saved a chunk yet; or failed when too many
     * runs before it ended that way. Empty when the job is already completed or failed (a redelivered message).
     */
    public Optional<VerificationJob> begin(Instant now) {
        if (status.terminal()) {
            return Optional.empty();
        }
        if (stalledRuns >= MAX_STALLED_RUNS) {
            return Optional.of(next(Status.FAILED, now, stalledRuns, progress, Optional.empty()));
        }
        return Optional.of(next(Status.RUNNING, now, stalledRuns + 1, progress, Optional.empty()));
    }

    /** A chunk was walked: the checkpoint to resume from. */
    public VerificationJob checkpoint(ChainVerifier.Progress walked, Instant now) {
        requireRunning();
        return next(Status.RUNNING, now, 0, Optional.of(walked), Optional.empty());
    }

    /** The walk is over and the report made (its wire form). */
    public VerificationJob complete(Map<String, Object> wireReport, Instant now) {
        requireRunning();
        return next(Status.COMPLETED, now, 0, progress, Optional.of(wireReport));
    }

    private void requireRunning() {
        if (status != Status.RUNNING) {
            throw new IllegalStateException("job " + id + " is " + status.wireName() + ", not running");
        }
    }

    private VerificationJob next(Status status, Instant now, int stalled, Optional<ChainVerifier.Progress> progress,
            Optional<Map<String, Object>> report) {
        return new VerificationJob(tenantId, id, status, from, to, createdAt, now, stalled, progress, report,
                version + 1);
    }
}
