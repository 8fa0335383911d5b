package io.tollgate.incident;

import java.util.Arrays;
import java.util.Optional;

/**
 * The five incident-response phases of the security policy (identification, containment,
 * eradication, recovery, lessons learned), in order. An incident only moves forward, one phase at a
 * time, so the register shows that no phase was skipped.
 */
public enum IncidentPhase {
    IDENTIFICATION("identification"),
    CONTAINMENT("containment"),
    ERADICATION("eradication"),
    RECOVERY("recovery"),
    LESSONS_LEARNED("lessons_learned");

    private final String wireName;

    IncidentPhase(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The phase after this one; empty for lessons learned, the last. */
    public Optional<IncidentPhase> next() {
        int i = ordinal() + 1;
        return i < values().length ? Optional.of(values()[i]) : Optional.empty();
    }

    /** Whether {@code target} is the one phase an incident in this phase may move to. */
    public boolean mayMoveTo(IncidentPhase target) {
        return next().filter(target::equals).isPresent();
    }

    public static Optional<IncidentPhase> fromWire(String wireName) {
        return Arrays.stream(values()).filter(p -> p.wireName.equals(wireName)).findFirst();
    }
}
