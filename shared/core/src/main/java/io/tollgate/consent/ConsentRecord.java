package io.tollgate.consent;

import java.time.Instant;
import java.util.Objects;

/**
 * A user's stored consent for one purpose (ADR 0068): whether it is granted, to which version of
 * the purpose's text it was given or withdrawn, when it last changed, and a revision that every
 * change increments (the condition of the next write, so concurrent changes cannot both win).
 * Ids and instants only: no personal data beyond the user id of its key.
 */
public record ConsentRecord(String purpose, int version, boolean granted, Instant changedAt, long revision) {
    public ConsentRecord {
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(changedAt, "changedAt");
    }
}
