package io.tollgate.local;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Property;

/**
 * A log4j appender that keeps every formatted log line (message, logger and any stack trace) of
 * the test JVM at INFO and above, so a test can prove that no secret reached a log.
 */
final class CapturedLogs extends AbstractAppender {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private Level previousRootLevel;

    private CapturedLogs() {
        super("captured-logs", null, null, true, Property.EMPTY_ARRAY);
    }

    /** Attaches a new capture to the root logger (raising it to INFO if it was quieter). */
    static CapturedLogs attach() {
        CapturedLogs capture = new CapturedLogs();
        capture.start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration configuration = context.getConfiguration();
        configuration.addAppender(capture);
        capture.previousRootLevel = configuration.getRootLogger().getLevel();
        configuration.getRootLogger().addAppender(capture, Level.INFO, null);
        if (capture.previousRootLevel.isMoreSpecificThan(Level.WARN)) {
            configuration.getRootLogger().setLevel(Level.INFO);
        }
        context.updateLoggers();
        return capture;
    }

    void detach() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration configuration = context.getConfiguration();
        configuration.getRootLogger().removeAppender(getName());
        configuration.getRootLogger().setLevel(previousRootLevel);
        context.updateLoggers();
        stop();
    }

    @Override
    public void append(LogEvent event) {
        StringBuilder line = new StringBuilder(event.getLoggerName()).append(' ')
                .append(event.getMessage().getFormattedMessage());
        if (event.getThrown() != null) {
            StringWriter trace = new StringWriter();
            event.getThrown().printStackTrace(new PrintWriter(trace));
            line.append('\n').append(trace);
        }
        lines.add(line.toString());
    }

    List<String> lines() {
        return List.copyOf(lines);
    }
}
