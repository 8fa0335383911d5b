package io.tollgate.devkit;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * An {@code AWS::SQS::Queue} of the template, reduced to what delivering it locally needs.
 *
 * @param logicalId         logical id, also the local queue name (and what {@code !Ref} resolves to locally)
 * @param fifo              {@code FifoQueue}
 * @param deadLetterQueue   the logical id of {@code RedrivePolicy.deadLetterTargetArn} ({@code !GetAtt X.Arn})
 * @param maxReceiveCount   {@code RedrivePolicy.maxReceiveCount} (receives before dead-lettering)
 * @param visibilityTimeout {@code VisibilityTimeout} (default 30 s)
 */
public record QueueSpec(String logicalId, boolean fifo, Optional<String> deadLetterQueue, int maxReceiveCount,
        Duration visibilityTimeout) {

    public QueueSpec {
        Objects.requireNonNull(logicalId, "logicalId");
        Objects.requireNonNull(deadLetterQueue, "deadLetterQueue");
        Objects.requireNonNull(visibilityTimeout, "visibilityTimeout");
        if (maxReceiveCount < 1) {
            throw new IllegalArgumentException("maxReceiveCount must be >= 1");
        }
    }
}
