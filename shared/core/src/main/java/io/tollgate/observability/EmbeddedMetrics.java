package io.tollgate.observability;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.tollgate.json.Json;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * CloudWatch Embedded Metric Format (EMF): each {@link #put} writes one JSON object on its own line
 * to standard output, where the Lambda runtime forwards it to CloudWatch Logs, which extracts the
 * metrics asynchronously. No CloudWatch client, no API call on the request path, and nothing to
 * flush. Every measurement set carries the {@code Service} dimension (the function).
 *
 * @see <a href="https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html">EMF specification</a>
 */
public final class EmbeddedMetrics implements Metrics {

    private final PrintStream out;
    private final Clock clock;
    private final String service;

    public EmbeddedMetrics(PrintStream out, Clock clock, String service) {
        this.out = Objects.requireNonNull(out, "out");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.service = Objects.requireNonNull(service, "service");
    }

    /** Standard output, named after the Lambda function ({@code AWS_LAMBDA_FUNCTION_NAME}). */
    public static EmbeddedMetrics forLambda(Clock clock) {
        String function = System.getenv("AWS_LAMBDA_FUNCTION_NAME");
        return new EmbeddedMetrics(System.out, clock, function == null ? "tollgate" : function);
    }

    @Override
    public void put(Map<String, String> dimensions, Map<String, Measurement> values) {
        if (values.isEmpty()) {
            return;
        }
        out.println(line(dimensions, values));
    }

    /** The EMF document of one measurement set (package-private for the format test). */
    String line(Map<String, String> dimensions, Map<String, Measurement> values) {
        Map<String, Object> root = new LinkedHashMap<>();
        List<String> dimensionNames = new ArrayList<>();
        dimensionNames.add("Service");
        root.put("Service", service);
        dimensions.forEach((name, value) -> {
            if (!name.equals("Service")) {
                dimensionNames.add(name);
                root.put(name, value);
            }
        });
        List<Map<String, String>> definitions = new ArrayList<>();
        values.forEach((name, measurement) -> {
            definitions.add(Map.of("Name", name, "Unit", measurement.unit().cloudWatchName()));
            root.put(name, measurement.value());
        });
        Map<String, Object> directive = new LinkedHashMap<>();
        directive.put("Namespace", NAMESPACE);
        directive.put("Dimensions", List.of(dimensionNames));
        directive.put("Metrics", definitions);
        Map<String, Object> aws = new LinkedHashMap<>();
        aws.put("Timestamp", clock.millis());
        aws.put("CloudWatchMetrics", List.of(directive));
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("_aws", aws);
        document.putAll(root);
        try {
            return Json.mapper().writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("EMF document not serialisable", e);
        }
    }
}
