package io.tollgate.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmbeddedMetricsTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final EmbeddedMetrics metrics = new EmbeddedMetrics(new PrintStream(bytes, true, StandardCharsets.UTF_8),
            Clock.fixed(Instant.parse("2026-11-23T08:00:00Z"), ZoneOffset.UTC), "LoginFunction");

    @Test
    void putWhenTwoValuesThenOneEmfLineWithDirectiveDimensionsAndValues() throws Exception {
        Map<String, Metrics.Measurement> values = new LinkedHashMap<>();
        values.put("AuthorizerDecisions", Metrics.Measurement.count(1));
        values.put("AuthorizerLatency", Metrics.Measurement.milliseconds(0.25));
        metrics.put(Map.of("Verdict", "ALLOW"), values);

        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(1, out.lines().count(), "one JSON document per line");
        JsonNode line = Json.mapper().readTree(out);
        JsonNode directive = line.get("_aws").get("CloudWatchMetrics").get(0);
        assertEquals(Instant.parse("2026-11-23T08:00:00Z").toEpochMilli(), line.get("_aws").get("Timestamp").asLong());
        assertEquals("Tollgate", directive.get("Namespace").asText());
        assertEquals("[[\"Service\",\"Verdict\"]]", directive.get("Dimensions").toString());
        assertEquals("AuthorizerDecisions", directive.get("Metrics").get(0).get("Name").asText());
        assertEquals("Count", directive.get("Metrics").get(0).get("Unit").asText());
        assertEquals("Milliseconds", directive.get("Metrics").get(1).get("Unit").asText());
        assertEquals("LoginFunction", line.get("Service").asText());
        assertEquals("ALLOW", line.get("Verdict").asText());
        assertEquals(1.0, line.get("AuthorizerDecisions").asDouble());
        assertEquals(0.25, line.get("AuthorizerLatency").asDouble());
    }

    @Test
    void putWhenDimensionNamedServiceThenItNamesTheServiceOnceInsteadOfTheFunction() throws Exception {
        metrics.put(Map.of("Service", "alerting"), Map.of("SiemForwardFailures", Metrics.Measurement.count(1)));
        JsonNode line = Json.mapper().readTree(bytes.toString(StandardCharsets.UTF_8));
        assertEquals("alerting", line.get("Service").asText());
        assertEquals("[[\"Service\"]]", line.get("_aws").get("CloudWatchMetrics").get(0).get("Dimensions").toString());
    }

    @Test
    void putWhenNoValuesThenNothingWritten() {
        metrics.put(Map.of("Verdict", "ALLOW"), Map.of());
        assertTrue(bytes.toString(StandardCharsets.UTF_8).isEmpty());
    }

    @Test
    void putWhenValueNeedsEscapingThenStillOneValidJsonDocumentAndSameShapeReusesDirective() throws Exception {
        metrics.put(Map.of("Route", "GET /v1/\"odd\"\\path\n"), Map.of("Requests", Metrics.Measurement.count(2)));
        metrics.put(Map.of("Route", "GET /v1/me"), Map.of("Requests", Metrics.Measurement.count(3)));
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(2, lines.size());
        assertEquals("GET /v1/\"odd\"\\path\n", Json.mapper().readTree(lines.get(0)).get("Route").asText());
        assertEquals(3.0, Json.mapper().readTree(lines.get(1)).get("Requests").asDouble());
        assertEquals(Json.mapper().readTree(lines.get(0)).get("_aws").get("CloudWatchMetrics"),
                Json.mapper().readTree(lines.get(1)).get("_aws").get("CloudWatchMetrics"));
    }

    @Test
    void putWhenValueNotFiniteThenRefused() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> metrics.put(Map.of(),
                Map.of("AuthorizerLatency", Metrics.Measurement.milliseconds(Double.NaN))));
    }
}
