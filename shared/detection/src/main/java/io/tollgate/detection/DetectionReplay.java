package io.tollgate.detection;

import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.chain.AuditChainStore;
import io.tollgate.audit.chain.ChainHead;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code ./tollgate replay --from T --to T [--tenant X]} (ADR 0022): re-runs the rules over the
 * stored audit events, in chain order as the stream delivered them, against counters in memory,
 * and compares each decision with the stored one (decision ids are deterministic). Nothing is
 * written and nothing acted on: no lock, block or alert happens twice.
 *
 * <p>Windows reach back up to a day (credential stuffing, the unusual-volume baseline), so events
 * from {@link #LOOKBACK} before {@code from} are counted too; only decisions triggered by an event
 * within {@code [from, to]} are reported.
 */
public final class DetectionReplay {

    /** The longest window a rule may count over (24 h) plus the current hour. */
    static final Duration LOOKBACK = Duration.ofHours(25);

    /** One replayed decision and how it compares to the stored one: {@code match}, {@code differs} or {@code missing}. */
    public record Replayed(DetectionDecision decision, String stored) {
    }

    /** The outcome: the replayed decisions, and stored decisions of the range the replay did not reproduce. */
    public record Outcome(List<Replayed> decisions, List<String> notReproduced, int events) {

        public boolean consistent() {
            return notReproduced.isEmpty() && decisions.stream().allMatch(d -> "match".equals(d.stored()));
        }

        /** The JSON form printed by {@code ./tollgate replay}. */
        public Map<String, Object> wire() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("consistent", consistent());
            out.put("events", events);
            out.put("decisions", decisions.stream().map(r -> {
                Map<String, Object> line = new LinkedHashMap<>(DecisionReport.wire(r.decision()));
                line.put("stored", r.stored());
                return line;
            }).toList());
            out.put("not_reproduced", notReproduced);
            return out;
        }
    }

    private final AuditChainStore chains;
    private final Detector detector;
    private final DetectionStore store;

    public DetectionReplay(AuditChainStore chains, Detector detector, DetectionStore store) {
        this.chains = Objects.requireNonNull(chains, "chains");
        this.detector = Objects.requireNonNull(detector, "detector");
        this.store = Objects.requireNonNull(store, "store");
    }

    /** Replays one tenant, or every tenant with a chain when {@code tenantId} is null. */
    public Outcome replay(String tenantId, Instant from, Instant to) {
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("from must be before to");
        }
        List<String> tenants = tenantId == null ? chains.tenants() : List.of(tenantId);
        List<Replayed> replayed = new ArrayList<>();
        List<String> notReproduced = new ArrayList<>();
        int events = 0;
        for (String tenant : tenants) {
            MemoryCounters counters = new MemoryCounters();
            Instant since = from.minus(LOOKBACK);
            Set<String> seen = new TreeSet<>();
            List<DetectionDecision> decided = new ArrayList<>();
            ChainHead head = chains.readHead(tenant);
            int[] inRangeEvents = {0};
            if (head.seq() > 0) {
                // Page by page, in sequence order: the order the stream delivered them to live detection.
                chains.forEachLink(tenant, 1, head.seq(), link -> link.readable().ifPresent(event -> {
                    if (event.timestamp().isBefore(since) || event.timestamp().isAfter(to)) {
                        return;
                    }
                    boolean inRange = !event.timestamp().isBefore(from);
                    inRangeEvents[0] += inRange ? 1 : 0;
                    for (DetectionDecision decision : detector.decide(event, counters)) {
                        // As live: the first event that decides names the decision; later ones find it stored.
                        if (seen.add(decision.decisionId()) && inRange) {
                            decided.add(decision);
                        }
                    }
                }));
            }
            events += inRangeEvents[0];
            Map<String, DetectionStore.StoredDecision> stored = new LinkedHashMap<>();
            for (DetectionStore.StoredDecision decision : store.decisions(tenant)) {
                stored.put(decision.decision().decisionId(), decision);
            }
            for (DetectionDecision decision : decided) {
                DetectionStore.StoredDecision original = stored.get(decision.decisionId());
                replayed.add(new Replayed(decision, original == null ? "missing"
                        : same(original.decision(), decision) ? "match" : "differs"));
            }
            Set<String> reproduced = new TreeSet<>(seen);
            for (DetectionStore.StoredDecision original : stored.values()) {
                Instant at = chains.findEvent(tenant, original.decision().triggeringEventId())
                        .flatMap(link -> link.event()).map(AuditEvent::timestamp).orElse(null);
                if (at != null && !at.isBefore(from) && !at.isAfter(to)
                        && !reproduced.contains(original.decision().decisionId())) {
                    notReproduced.add(original.decision().decisionId());
                }
            }
        }
        return new Outcome(replayed, notReproduced, events);
    }

    /** Equal in everything a decision states (the status and times of acting are not decisions). */
    static boolean same(DetectionDecision a, DetectionDecision b) {
        return a.decisionId().equals(b.decisionId()) && a.tenantId().equals(b.tenantId()) && a.ruleId().equals(b.ruleId())
                && a.ruleVersion() == b.ruleVersion() && a.subject().equals(b.subject())
                && a.windowStart().equals(b.windowStart()) && a.windowEnd().equals(b.windowEnd())
                && DetectionStore.json(a.thresholds()).equals(DetectionStore.json(b.thresholds()))
                && DetectionStore.json(a.inputs()).equals(DetectionStore.json(b.inputs()))
                && a.severity().equals(b.severity()) && a.action().equals(b.action())
                && a.triggeringEventId().equals(b.triggeringEventId());
    }
}
