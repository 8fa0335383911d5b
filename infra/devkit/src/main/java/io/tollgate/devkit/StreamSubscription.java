package io.tollgate.devkit;

import java.util.Objects;

/**
 * A {@code DynamoDB} stream event of a function: which table's stream feeds it, in batches of
 * what size, from where, with how many retries of a failing batch, and whether it answers partial
 * batch failures ({@code FunctionResponseTypes: [ReportBatchItemFailures]}).
 *
 * @param startingPosition {@code TRIM_HORIZON} or {@code LATEST}
 * @param maximumRetryAttempts retries of a failing batch before it is skipped ({@code -1}: until it succeeds)
 */
public record StreamSubscription(String functionLogicalId, String tableLogicalId, int batchSize,
        String startingPosition, int maximumRetryAttempts, boolean reportBatchItemFailures) {

    public StreamSubscription {
        Objects.requireNonNull(functionLogicalId, "functionLogicalId");
        Objects.requireNonNull(tableLogicalId, "tableLogicalId");
        if (batchSize < 1 || batchSize > 10_000) {
            throw new IllegalArgumentException("batchSize must be 1..10000");
        }
        if (!startingPosition.equals("TRIM_HORIZON") && !startingPosition.equals("LATEST")) {
            throw new IllegalArgumentException("startingPosition must be TRIM_HORIZON or LATEST");
        }
        if (maximumRetryAttempts < -1 || maximumRetryAttempts > 10_000) {
            throw new IllegalArgumentException("maximumRetryAttempts must be -1..10000");
        }
    }
}
