package io.tollgate.audit.chain;

import io.tollgate.audit.AuditEvent;
import java.util.Objects;
import java.util.Optional;

/**
 * A chain item as read back from the table, trusted in nothing: its position (from its sort key),
 * the sequence number, hashes and event it claims (any of which may have been edited), for
 * {@link ChainVerifier}. {@code event} is empty when the stored attributes no longer form an event.
 * {@code purged} marks a hash stub left by retention ({@link ChainPurge}): no event, by design.
 * {@code event} is the event as hashed (a subject's request facts sealed, ADR 0061);
 * {@code readable} the same event as readers see it (working copies in clear, or erased).
 */
public record StoredLink(long position, Optional<Long> seq, String prevHash, String hash, Optional<AuditEvent> event,
        boolean purged, Optional<AuditEvent> readable) {

    public StoredLink(long position, Optional<Long> seq, String prevHash, String hash, Optional<AuditEvent> event) {
        this(position, seq, prevHash, hash, event, false, event);
    }

    public StoredLink {
        Objects.requireNonNull(readable, "readable");
        Objects.requireNonNull(seq, "seq");
        prevHash = prevHash == null ? "" : prevHash;
        hash = hash == null ? "" : hash;
        Objects.requireNonNull(event, "event");
    }
}
