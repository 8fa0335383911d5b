package io.tollgate.audit.chain;

import io.tollgate.audit.AuditEvent;
import java.util.Objects;

/**
 * One link of a tenant's audit chain: the event (its {@code additional_data} already protected,
 * i.e. personal values encrypted) at position {@code seq}, the hash of the link before it and its
 * own hash, {@link AuditChain#hash}.
 */
public record ChainedEvent(long seq, String prevHash, String hash, AuditEvent event) {

    public ChainedEvent {
        Objects.requireNonNull(prevHash, "prevHash");
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(event, "event");
        if (seq < 1) {
            throw new IllegalArgumentException("seq starts at 1");
        }
    }

    /** The head the chain has once this link is its last. */
    public ChainHead asHead() {
        return new ChainHead(seq, hash);
    }
}
