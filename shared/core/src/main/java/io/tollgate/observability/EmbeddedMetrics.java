package io.tollgate.observability;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * CloudWatch Embedded Metric Format (EMF): each {@link #put} writes one JSON object on its own line
 * to standard output, where the Lambda runtime forwards it to CloudWatch Logs, which extracts the
 * metrics asynchronously. No CloudWatch client, no API call on the request path, and nothing to
 * flush. Every measurement set carries the {@code Service} dimension: the function, unless the caller
 * names a service itself (the alerting code counts {@code Service=alerting} from two functions, and its
 * alarm watches that one value).
 *
 * @see <a href="https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html">EMF specification</a>
 */
public final class EmbeddedMetrics implements Metrics {

    private final PrintStream out;
    private final Clock clock;
    private final String service;
    private final Map<String, String> directives = new java.util.concurrent.ConcurrentHashMap<>();

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

    /**
     * The EMF document of one measurement set (package-private for the format test). Written by
     * hand rather than through a mapper: it runs once per authorizer decision, and the metadata
     * part (namespace, dimension and metric names, units) repeats, so it is built once per shape
     * and cached.
     */
    String line(Map<String, String> dimensions, Map<String, Measurement> values) {
        List<String> names = new ArrayList<>(dimensions.size());
        dimensions.keySet().forEach(name -> {
            if (!name.equals("Service")) {
                names.add(name);
            }
        });
        StringBuilder key = new StringBuilder();
        names.forEach(name -> key.append(name).append('\u0000'));
        key.append('\u0001');
        values.forEach((name, measurement) -> key.append(name).append('\u0000').append(measurement.unit().ordinal()));
        String directive = directives.computeIfAbsent(key.toString(), k -> directive(names, values));
        StringBuilder out = new StringBuilder(directive.length() + 128);
        out.append("{\"_aws\":{\"Timestamp\":").append(clock.millis()).append(",\"CloudWatchMetrics\":[")
                .append(directive).append("]},\"Service\":");
        quote(out, dimensions.getOrDefault("Service", service));
        for (String name : names) {
            out.append(',');
            quote(out, name);
            out.append(':');
            quote(out, dimensions.get(name));
        }
        values.forEach((name, measurement) -> {
            double value = measurement.value();
            if (Double.isNaN(value) || Double.isInfinite(value)) {
                throw new IllegalArgumentException("Metric " + name + " has no finite value");
            }
            out.append(',');
            quote(out, name);
            out.append(':').append(value);
        });
        return out.append('}').toString();
    }

    private static String directive(List<String> dimensionNames, Map<String, Measurement> values) {
        StringBuilder out = new StringBuilder("{\"Namespace\":\"" + NAMESPACE + "\",\"Dimensions\":[[\"Service\"");
        for (String name : dimensionNames) {
            out.append(',');
            quote(out, name);
        }
        out.append("]],\"Metrics\":[");
        boolean first = true;
        for (Map.Entry<String, Measurement> metric : values.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            out.append("{\"Name\":");
            quote(out, metric.getKey());
            out.append(",\"Unit\":\"").append(metric.getValue().unit().cloudWatchName()).append("\"}");
        }
        return out.append("]}").toString();
    }

    private static void quote(StringBuilder out, String value) {
        out.append('"');
        JsonStringEncoder.getInstance().quoteAsString(value, out);
        out.append('"');
    }
}
