package io.tollgate.devkit;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the template's scheduled functions in the local runtime (ADR 0016): every
 * {@code Schedule}/{@code ScheduleV2} event with a {@code rate(n minute|minutes|hour|hours|day|days)}
 * expression fires its function at that rate, first one period after start. {@code cron(...)}
 * expressions are not run locally (logged at start); run such a function on demand instead.
 */
public final class LocalScheduler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalScheduler.class);
    private static final Pattern RATE = Pattern.compile("rate\\((\\d+) (minute|minutes|hour|hours|day|days)\\)");

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("local-scheduler").factory());

    /**
     * @param functions the template's functions; those with schedules are run
     * @param invoke    runs one function now (the runtime builds its event and handler)
     */
    public LocalScheduler(List<FunctionSpec> functions, Consumer<FunctionSpec> invoke) {
        Objects.requireNonNull(invoke, "invoke");
        for (FunctionSpec function : functions) {
            for (ScheduleSpec schedule : function.schedules()) {
                Duration period = period(schedule.expression()).orElse(null);
                if (period == null) {
                    LOG.warn("schedule {} of {} ({}) is not run locally: only rate(...) is", schedule.name(),
                            function.logicalId(), schedule.expression());
                    continue;
                }
                executor.scheduleAtFixedRate(() -> {
                    try {
                        invoke.accept(function);
                    } catch (RuntimeException e) {
                        LOG.error("scheduled function {} failed exception={}", function.logicalId(),
                                e.getClass().getName(), e);
                    }
                }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /** The period of a {@code rate(...)} expression, empty for anything else. */
    public static java.util.Optional<Duration> period(String expression) {
        Matcher matcher = RATE.matcher(expression.strip().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            return java.util.Optional.empty();
        }
        long n = Long.parseLong(matcher.group(1));
        if (n < 1) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(switch (matcher.group(2)) {
            case "minute", "minutes" -> Duration.ofMinutes(n);
            case "hour", "hours" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        });
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
