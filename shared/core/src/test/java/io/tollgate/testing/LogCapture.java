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

/**
 * Captures log lines of the JVM while open (Tollgate's own loggers down to TRACE; others at the
 * level chosen), message and exception text included, so a test can prove that no secret reaches
 * a log.
 */
public final class LogCapture implements AutoCloseable {

    private final List<String> lines = new ArrayList<>();
    private final LoggerContext context;
    private final AbstractAppender appender;
    private final Level previousRoot;

    private LogCapture(Level rootLevel) {
        context = (LoggerContext) LogManager.getContext(false);
        appender = new AbstractAppender("capture", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                StringBuilder line = new StringBuilder(event.getLoggerName()).append(' ')
                        .append(event.getMessage().getFormattedMessage());
                for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
                    line.append(" | ").append(t);
                }
                synchronized (lines) {
                    lines.add(line.toString());
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

    /** The captured lines that contain {@code secret}. */
    public List<String> linesContaining(String secret) {
        return lines().stream().filter(line -> line.contains(secret)).toList();
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
