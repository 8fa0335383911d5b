package io.tollgate.authz;

/**
 * A counter shared by every authorizer container, one per principal and one-minute window: the
 * DynamoDB implementation (an atomic {@code UpdateItem ... ADD count :delta} returning the new
 * value, with a TTL on the window item) comes with the authorizer function.
 */
@FunctionalInterface
public interface SharedWindowCounter {

    /**
     * Atomically adds {@code delta} to the count of {@code principal} in the window starting at
     * {@code windowStartEpochMinute} and returns the new count (including {@code delta}).
     */
    long addAndGet(String principal, long windowStartEpochMinute, long delta);
}
