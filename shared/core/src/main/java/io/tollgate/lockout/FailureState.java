package io.tollgate.lockout;

import io.tollgate.storage.Attributes;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A failure counter as last read from DynamoDB: failures in the current window, when that
 * window started and until when the subject (account or IP) is locked.
 */
public record FailureState(long count, Optional<Instant> windowStart, Optional<Instant> lockedUntil) {

    static final String COUNT = "fail_count";
    static final String WINDOW_START = "fail_since";
    static final String LOCKED_UNTIL = "locked_until";

    public static final FailureState NONE = new FailureState(0, Optional.empty(), Optional.empty());

    /** Reads the counter attributes of an item (absent item or attributes = no failures). */
    public static FailureState from(Map<String, AttributeValue> item) {
        if (item == null || item.isEmpty()) {
            return NONE;
        }
        return new FailureState(Attributes.number(item, COUNT).orElse(0L),
                Attributes.instantMillis(item, WINDOW_START), Attributes.instantMillis(item, LOCKED_UNTIL));
    }
}
