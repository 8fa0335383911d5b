package io.tollgate.devkit;

import java.util.Objects;

/**
 * A {@code Schedule} or {@code ScheduleV2} event of a function: parsed only, so a local runtime or a template
 * check can see what runs when.
 *
 * @param name       the event's {@code Name} property, else its key under {@code Events}
 * @param expression {@code rate(...)} or {@code cron(...)}
 */
public record ScheduleSpec(String name, String expression) {

    public ScheduleSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(expression, "expression");
    }
}
