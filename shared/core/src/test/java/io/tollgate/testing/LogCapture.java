package io.tollgate.testing;

import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.layout.template.json.JsonTemplateLayout;

/**
 * Captures log lines of the JVM while open (Tollgate's own loggers down to TRACE; others at the
 * level chosen), message and exception text included, so a test can prove that no secret reaches
 * a log. Each event is also rendered exactly as production writes it (Powertools'
 * {@code LambdaJsonLayout}, as in {@code log4j2.xml}): {@link #jsonLines()}, with every MDC field.
 */
public final class LogCapture implements AutoCloseable {

    /** The production event template (shared/core {@code log4j2.xml}). */
    public static final String PRODUCTION_TEMPLATE = "classpath:LambdaJsonLayout.json";

    private final List<String> lines = new ArrayList<>();
    private final List<String> jsonLines = new ArrayList<>();
    private final LoggerContext context;
    private final AbstractAppender appender;
    private final Level previousRoot;

    private LogCapture(Level rootLevel) {
        context = (LoggerContext) LogManager.getContext(false);
        JsonTemplateLayout production = JsonTemplateLayout.newBuilder()
                .setConfiguration(context.getConfiguration())
                .setEventTemplateUri(PRODUCTION_TEMPLATE)
                .build();
        appender = new AbstractAppender("capture", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                StringBuilder line = new StringBuilder(event.getLoggerName()).append(' ')
                        .append(event.getMessage().getFormattedMessage());
                for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
                    line.append(" | ").append(t);
                }
                String json = production.toSerializable(event).strip();
                synchronized (lines) {
                    lines.add(line.toString());
                    jsonLines.add(json);
                }
            }
        };
        appender.start();
        Configuration configuration = context.getConfiguration();
        configuration.addAppender(appender);
        LoggerConfig root = configuration.getRootLogger();
        previousRoot = root.getLevel();
        root.addAppender(appender, Level.ALL, null);
        if (previousRoot.isMoreSpecificThan(rootLevel)) {
            root.setLevel(rootLevel);
        }
        LoggerConfig tollgate = new LoggerConfig("io.tollgate", Level.ALL, true);
        configuration.addLogger("io.tollgate", tollgate);
        context.updateLoggers();
    }

    /** Every logger at every level (libraries' DEBUG output included: thorough, but verbose). */
    public static LogCapture start() {
        return new LogCapture(Level.ALL);
    }

    /**
     * Tollgate's loggers at every level, every other logger at INFO and above (what production
     * writes): for long ITs where libraries' DEBUG output (Jetty inside DynamoDB Local) would
     * swamp the build.
     */
    public static LogCapture atProductionLevel() {
        return new LogCapture(Level.INFO);
    }

    /** The lines captured so far. */
    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** The lines captured so far as production writes them: one JSON object each, MDC fields included. */
    public List<String> jsonLines() {
        synchronized (lines) {
            return List.copyOf(jsonLines);
        }
    }

    /** The captured lines, in either rendering, that contain {@code secret}. */
    public List<String> linesContaining(String secret) {
        List<String> found = new ArrayList<>(lines().stream().filter(line -> line.contains(secret)).toList());
        found.addAll(jsonLines().stream().filter(line -> line.contains(secret)).toList());
        return found;
    }

    @Override
    public void close() {
        Configuration configuration = context.getConfiguration();
        configuration.getRootLogger().removeAppender(appender.getName());
        configuration.getRootLogger().setLevel(previousRoot);
        configuration.removeLogger("io.tollgate");
        context.updateLoggers();
        appender.stop();
    }
}
