package io.tollgate.detection;

import io.tollgate.audit.AuditEvent;
import io.tollgate.settings.AnomalySettings;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Runs a tenant's rules over one event against some counters and names the decisions (ADR 0020):
 * the same code for live detection (counters in DynamoDB) and replay (counters in memory), so both
 * decide alike. Deciding has no effect beyond the counters; acting is {@link AnomalyDetection}'s.
 */
public final class Detector {

    private final Function<String, AnomalySettings> settings;
    private final ToIntFunction<Collection<String>> highestRank;

    public Detector(Function<String, AnomalySettings> settings, ToIntFunction<Collection<String>> highestRank) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.highestRank = Objects.requireNonNull(highestRank, "highestRank");
    }

    /** The decisions this event completes (each rule, subject and window decides at most once downstream). */
    public List<DetectionDecision> decide(AuditEvent event, Counters counters) {
        EventCounters shared = new EventCounters(counters, event.tenantId());
        List<DetectionDecision> decisions = new ArrayList<>();
        for (DetectionRule rule : RuleSet.of(settings.apply(event.tenantId()), highestRank)) {
            for (Finding finding : rule.evaluate(event, shared)) {
                decisions.add(new DetectionDecision(DetectionDecision.idFor(rule.id(), rule.version(), event.tenantId(),
                        finding.subject(), finding.windowStart()), event.tenantId(), rule.id(), rule.version(),
                        finding.subject(), finding.windowStart(), finding.windowEnd(), finding.thresholds(),
                        finding.inputs(), finding.severity(), finding.action(), event.eventId()));
            }
        }
        return decisions;
    }
}
