package io.tollgate.testing;

import io.tollgate.observability.Metrics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every measurement set, for assertions. Thread-safe. */
public final class RecordingMetrics implements Metrics {

    /** One {@link #put} call. */
    public record Recorded(Map<String, String> dimensions, Map<String, Measurement> values) {
    }

    private final List<Recorded> recorded = new CopyOnWriteArrayList<>();

    @Override
    public void put(Map<String, String> dimensions, Map<String, Measurement> values) {
        recorded.add(new Recorded(Map.copyOf(dimensions), Map.copyOf(values)));
    }

    public List<Recorded> recorded() {
        return List.copyOf(recorded);
    }

    /** The sets that carry {@code metric}. */
    public List<Recorded> of(String metric) {
        return recorded.stream().filter(r -> r.values().containsKey(metric)).toList();
    }
}
