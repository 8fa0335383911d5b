package io.tollgate.audit.ingest;

import io.tollgate.audit.AuditEvent;
import java.util.Objects;

/** The outcome of validating one submitted audit event: a normalised event, or why it was rejected. */
public sealed interface Validation {

    /** The event passed every rule; severity, result and compliance flags are filled in. */
    record Valid(AuditEvent event) implements Validation {
        public Valid {
            Objects.requireNonNull(event, "event");
        }
    }

    /**
     * The event broke a rule: a stable machine {@code code} (e.g. {@code missing_field}) and the
     * field concerned ({@code $} for the whole event). Neither ever contains submitted values.
     */
    record Invalid(String code, String field) implements Validation {
        public Invalid {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(field, "field");
        }

        /** {@code code} or {@code code:field}, the reason attached to a dead-lettered message. */
        public String reason() {
            return "$".equals(field) ? code : code + ":" + field;
        }
    }
}
