package io.tollgate.observability;

import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.AuditPublisher;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Counts every audit event as the metric {@code SecurityEvents} with dimensions {@code EventType}
 * and {@code Severity}, then hands it on. Logins, failures, lockouts, MFA, refreshes, token reuse
 * and administration all pass through the audit recorder, so this one decorator gives a metric
 * for each of them (alarms and the dashboard in template.yaml use them) without a metrics call in
 * any service. The tenant is deliberately not a dimension: unbounded cardinality.
 */
public final class SecurityEventMetrics implements AuditPublisher {

    /** The metric name. */
    public static final String METRIC = "SecurityEvents";

    private final AuditPublisher next;
    private final Metrics metrics;

    public SecurityEventMetrics(AuditPublisher next, Metrics metrics) {
        this.next = Objects.requireNonNull(next, "next");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    @Override
    public void publish(AuditEvent event) {
        next.publish(event);
        count(event);
    }

    @Override
    public void publishAll(List<AuditEvent> events) {
        next.publishAll(events);
        events.forEach(this::count);
    }

    private void count(AuditEvent event) {
        metrics.put(Map.of("EventType", event.eventType(), "Severity", event.severity().name()),
                Map.of(METRIC, Metrics.Measurement.count(1)));
    }
}
