package io.tollgate.devkit;

import java.util.Objects;

/**
 * An {@code SQS} event of a function: which queue feeds it, in batches of what size, and whether
 * it answers partial batch failures ({@code FunctionResponseTypes: [ReportBatchItemFailures]}).
 */
public record QueueSubscription(String functionLogicalId, String queueLogicalId, int batchSize,
        boolean reportBatchItemFailures) {

    public QueueSubscription {
        Objects.requireNonNull(functionLogicalId, "functionLogicalId");
        Objects.requireNonNull(queueLogicalId, "queueLogicalId");
        if (batchSize < 1 || batchSize > 10_000) {
            throw new IllegalArgumentException("batchSize must be 1..10000");
        }
    }
}
