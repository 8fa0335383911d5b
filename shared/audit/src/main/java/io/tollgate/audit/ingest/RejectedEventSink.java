package io.tollgate.audit.ingest;

import java.util.Optional;

/**
 * Where an event that fails validation goes instead of the chain: the audit dead-letter queue,
 * with the reason (a {@link Validation.Invalid#reason()}, never content) attached, so an operator
 * can see what was refused and why while the rest of its batch proceeds.
 */
public interface RejectedEventSink {

    /**
     * @param body    the message body exactly as received
     * @param groupId the FIFO message group it came in (the tenant), if any
     * @param reason  the rejection code, e.g. {@code invalid_timestamp:timestamp}
     * @throws RuntimeException if it could not be stored; the caller then retries the message
     */
    void reject(String body, Optional<String> groupId, String reason);
}
