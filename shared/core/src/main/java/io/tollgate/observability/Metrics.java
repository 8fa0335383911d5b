package io.tollgate.observability;

import java.util.Map;

/**
 * Where a container's metrics go: in AWS, CloudWatch Embedded Metric Format lines on standard
 * output ({@link EmbeddedMetrics}), which CloudWatch Logs turns into metrics without any API call
 * or client; locally and in tests, nowhere or a recorder.
 *
 * <p>Dimensions and names are fixed vocabularies chosen by Tollgate (event type, route, verdict),
 * never request data, so a metric can carry no secret or personal data (STYLE.md habit 8).
 */
public interface Metrics {

    /** The CloudWatch namespace of every Tollgate metric. */
    String NAMESPACE = "Tollgate";

    /** Records one measurement set: one or more values that share {@code dimensions}. */
    void put(Map<String, String> dimensions, Map<String, Measurement> values);

    /** A value and its CloudWatch unit. */
    record Measurement(double value, Unit unit) {

        public static Measurement count(double value) {
            return new Measurement(value, Unit.COUNT);
        }

        public static Measurement milliseconds(double value) {
            return new Measurement(value, Unit.MILLISECONDS);
        }
    }

    /** The CloudWatch units Tollgate uses. */
    enum Unit {
        COUNT("Count"),
        MILLISECONDS("Milliseconds");

        private final String cloudWatchName;

        Unit(String cloudWatchName) {
            this.cloudWatchName = cloudWatchName;
        }

        public String cloudWatchName() {
            return cloudWatchName;
        }
    }

    /** Discards everything (the local runtime, tools). */
    static Metrics none() {
        return (dimensions, values) -> {
        };
    }
}
