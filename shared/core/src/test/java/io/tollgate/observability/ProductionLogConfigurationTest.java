package io.tollgate.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.json.Json;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.ConsoleAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.xml.XmlConfigurationFactory;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.layout.template.json.JsonTemplateLayout;
import org.apache.logging.log4j.message.SimpleMessage;
import org.apache.logging.log4j.util.SortedArrayStringMap;
import org.junit.jupiter.api.Test;

/**
 * The configuration every function logs with ({@code shared/core} {@code log4j2.xml}, ADR
 * 0048), loaded as log4j2 loads it in Lambda: one console appender writing Powertools' JSON lines
 * with the MDC as top-level fields, the SDK held at WARN.
 */
class ProductionLogConfigurationTest {

    private static Configuration production() throws Exception {
        LoggerContext context = new LoggerContext("production-config-test");
        ConfigurationSource source = ConfigurationSource.fromResource("log4j2.xml",
                ProductionLogConfigurationTest.class.getClassLoader());
        Configuration configuration = new XmlConfigurationFactory().getConfiguration(context, source);
        configuration.initialize();
        return configuration;
    }

    @Test
    void productionConfigWhenLoadedThenRootWritesPowertoolsJsonToStdoutAndSdkIsWarn() throws Exception {
        Configuration configuration = production();

        Map<String, Appender> appenders = configuration.getRootLogger().getAppenders();
        assertEquals(1, appenders.size(), appenders.toString());
        ConsoleAppender console = assertInstanceOf(ConsoleAppender.class, appenders.get("json"));
        assertEquals(ConsoleAppender.Target.SYSTEM_OUT.name(), console.getTarget().name());
        assertInstanceOf(JsonTemplateLayout.class, console.getLayout());
        String configured = System.getenv("TOLLGATE_LOG_LEVEL");
        assertEquals(configured == null ? Level.INFO : Level.toLevel(configured), configuration.getRootLogger().getLevel());
        assertEquals(Level.WARN, configuration.getLoggerConfig("software.amazon.awssdk.request").getLevel());
    }

    @Test
    void productionConfigWhenEventHasCorrelationIdsThenOneJsonLineWithThemAsTopLevelFields() throws Exception {
        Configuration configuration = production();
        JsonTemplateLayout layout = (JsonTemplateLayout) configuration.getRootLogger().getAppenders().get("json").getLayout();
        SortedArrayStringMap mdc = new SortedArrayStringMap();
        mdc.putValue("request_id", "req-1");
        mdc.putValue("tenant", "acme");
        LogEvent event = Log4jLogEvent.newBuilder().setLoggerName("io.tollgate.login").setLevel(Level.INFO)
                .setMessage(new SimpleMessage("login refused")).setContextData(mdc).build();

        String line = layout.toSerializable(event);

        assertTrue(line.endsWith("\n") && line.indexOf('\n') == line.length() - 1, line);
        JsonNode json = Json.mapper().readTree(line);
        assertEquals("INFO", json.path("level").asText());
        assertEquals("login refused", json.path("message").asText());
        assertEquals("req-1", json.path("request_id").asText());
        assertEquals("acme", json.path("tenant").asText());
        assertTrue(json.has("timestamp"), line);
    }
}
