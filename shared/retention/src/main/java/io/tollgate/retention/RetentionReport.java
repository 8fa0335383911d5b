package io.tollgate.retention;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a retention run did, or in a dry run would do, per data class and tenant: counts only,
 * never content.
 *
 * @param complete false when the run stopped at its per-invocation budget and left a checkpoint;
 *                 the next invocation resumes it
 */
public record RetentionReport(@JsonProperty("run_id") String runId, @JsonProperty("dry_run") boolean dryRun,
        @JsonProperty("policy_version") int policyVersion, @JsonProperty("started_at") Instant startedAt,
        @JsonProperty("complete") boolean complete, @JsonProperty("classes") List<Line> lines) {

    public RetentionReport {
        Objects.requireNonNull(runId, "runId");
        lines = List.copyOf(lines);
    }

    /**
     * One class of one tenant.
     *
     * @param eligible past retention and not held: purged by a real run, reported by a dry run
     *                 (for a {@code reported} class: candidates a person must act on)
     * @param purged   purged (or anonymised) by this run
     * @param held     past retention but kept because of a legal hold
     */
    public record Line(@JsonProperty("class") String dataClass, @JsonProperty("tenant") String tenantId,
            @JsonProperty("action") String action, @JsonProperty("retention_days") int retentionDays,
            @JsonProperty("eligible") long eligible, @JsonProperty("purged") long purged,
            @JsonProperty("held") long held) {
    }

    /** The line of a class and tenant, if the run met any of its data past retention. */
    public java.util.Optional<Line> line(String dataClass, String tenantId) {
        return lines.stream().filter(l -> l.dataClass().equals(dataClass) && l.tenantId().equals(tenantId)).findFirst();
    }
}
