package io.tollgate.detection;

import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.AuditSeverity;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Audit events for rule tests, and a rule run against counters kept for one test. */
final class RuleEvents {

    static final String TENANT = "acme";
    private static final AtomicLong IDS = new AtomicLong();

    private RuleEvents() {
    }

    static AuditEvent event(String type, String userId, String ip, Instant at, String resource, String action,
            String result, Map<String, Object> data) {
        return new AuditEvent(at, "e-" + IDS.incrementAndGet(), type, AuditSeverity.MEDIUM, userId, TENANT, null, ip,
                "ua", resource, action, result, data, List.of());
    }

    static AuditEvent call(String userId, Instant at, String resource) {
        return event("data_query", userId, "192.0.2.1", at, resource, "read", "success", Map.of());
    }

    /** Runs a rule over events in order against one set of counters. */
    static final class Run {
        final MemoryCounters counters = new MemoryCounters();
        final DetectionRule rule;

        Run(DetectionRule rule) {
            this.rule = rule;
        }

        List<Finding> on(AuditEvent event) {
            return rule.evaluate(event, new EventCounters(counters, event.tenantId()));
        }
    }
}
