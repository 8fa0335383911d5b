package io.tollgate.detection;

import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.chain.AuditChainStore;
import io.tollgate.audit.chain.StoredLink;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code ./tollgate explain <decision-id> --tenant T} (ADR 0022): the stored decision — rule and
 * version, thresholds in force, the figures the rule saw, the result, the action and its status —
 * with the audit event that triggered it, read back from the chain.
 */
public final class DecisionReport {

    private final DetectionStore store;
    private final AuditChainStore chains;

    public DecisionReport(DetectionStore store, AuditChainStore chains) {
        this.store = Objects.requireNonNull(store, "store");
        this.chains = Objects.requireNonNull(chains, "chains");
    }

    /** The explanation, empty when the tenant has no decision with this id. */
    public Optional<Map<String, Object>> explain(String tenantId, String decisionId) {
        return store.find(tenantId, decisionId).map(stored -> {
            Map<String, Object> out = new LinkedHashMap<>(wire(stored.decision()));
            out.put("status", stored.status());
            stored.decidedAt().ifPresent(at -> out.put("decided_at", at.toString()));
            stored.actedAt().ifPresent(at -> out.put("acted_at", at.toString()));
            out.put("triggering_event", chains.findEvent(tenantId, stored.decision().triggeringEventId())
                    .flatMap(StoredLink::readable).map(DecisionReport::event).orElse(null));
            return out;
        });
    }

    /** What a decision states, in a stable order. */
    static Map<String, Object> wire(DetectionDecision decision) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("decision_id", decision.decisionId());
        out.put("tenant_id", decision.tenantId());
        out.put("rule_id", decision.ruleId());
        out.put("rule_version", decision.ruleVersion());
        out.put("subject", decision.subject());
        out.put("window_start", decision.windowStart().toString());
        out.put("window_end", decision.windowEnd().toString());
        out.put("thresholds", new TreeMap<>(decision.thresholds()));
        out.put("inputs", new TreeMap<>(decision.inputs()));
        out.put("result", "triggered");
        out.put("severity", decision.severity());
        out.put("action", decision.action());
        out.put("triggering_event_id", decision.triggeringEventId());
        return out;
    }

    private static Map<String, Object> event(AuditEvent event) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("event_id", event.eventId());
        out.put("timestamp", event.timestamp().toString());
        out.put("event_type", event.eventType());
        out.put("user_id", event.userId());
        out.put("ip_address", event.ipAddress());
        out.put("resource", event.resource());
        out.put("action", event.action());
        out.put("result", event.result());
        return out;
    }
}
