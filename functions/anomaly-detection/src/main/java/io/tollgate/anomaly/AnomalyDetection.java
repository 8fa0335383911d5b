package io.tollgate.anomaly;

import io.tollgate.alerting.Alert;
import io.tollgate.alerting.AlertSink;
import io.tollgate.alerting.AlertingServices;
import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.AuditEventType;
import io.tollgate.audit.AuditPublisher;
import io.tollgate.lockout.FailureCounter;
import io.tollgate.platform.TollgateServices;
import io.tollgate.storage.Keys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs the detection rules over one audit event and carries out what they decide (issue 9):
 * the decision record first (conditional, so one decision per rule, subject and window), then
 * the action in the store login reads (an IP block is the login IP counter's lock), then the
 * {@code security_alert} audit event with an id derived from the decision, and last the mark
 * that the actions are done. A failure anywhere before that mark is retried with the record:
 * each step is idempotent, so a retry completes the decision without acting twice.
 */
public final class AnomalyDetection {

    /** Counters outlive their window by this much, then DynamoDB's TTL removes them. */
    static final Duration COUNTER_GRACE = Duration.ofHours(1);

    private final DetectionStore store;
    private final FailureCounter failures;
    private final AuditPublisher audit;
    private final String securityTable;
    private final Clock clock;
    private final CrossAccountBruteForceRule bruteForce;
    private final AlertSink alerts;

    /** Detection that alerts nobody (tests of the rules alone). */
    public AnomalyDetection(DetectionStore store, FailureCounter failures, AuditPublisher audit, String securityTable,
            Clock clock, CrossAccountBruteForceRule bruteForce) {
        this(store, failures, audit, securityTable, clock, bruteForce, AlertSink.none());
    }

    public AnomalyDetection(DetectionStore store, FailureCounter failures, AuditPublisher audit, String securityTable,
            Clock clock, CrossAccountBruteForceRule bruteForce, AlertSink alerts) {
        this.store = Objects.requireNonNull(store, "store");
        this.failures = Objects.requireNonNull(failures, "failures");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.securityTable = Objects.requireNonNull(securityTable, "securityTable");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.bruteForce = Objects.requireNonNull(bruteForce, "bruteForce");
        this.alerts = Objects.requireNonNull(alerts, "alerts");
    }

    public static AnomalyDetection from(TollgateServices services) {
        String security = services.config().tables().security();
        return new AnomalyDetection(new DetectionStore(services.dynamoDb(), security),
                new FailureCounter(services.dynamoDb()), services.auditPublisher(), security, services.clock(),
                CrossAccountBruteForceRule.defaults(), AlertingServices.from(services).dispatcher());
    }

    public DetectionStore store() {
        return store;
    }

    /**
     * A chained audit event from the stream: the rules run over it, then, if it is a HIGH or
     * CRITICAL finding of its own ({@code alert} attribute, ADR 0036), it is alerted (ADR 0042).
     */
    public Optional<DetectionDecision> onChainedEvent(AuditEvent event) {
        Optional<DetectionDecision> decided = onEvent(event);
        alerts.auditEvent(event);
        return decided;
    }

    /** The decision this event completes, if any (also when it was decided before and is only confirmed now). */
    public Optional<DetectionDecision> onEvent(AuditEvent event) {
        if (!bruteForce.applies(event)) {
            return Optional.empty();
        }
        Instant windowStart = bruteForce.windowStart(event.timestamp());
        Instant windowEnd = windowStart.plus(bruteForce.window());
        String subject = "ip:" + event.ipAddress();
        long distinct = store.addDistinct(event.tenantId(), CrossAccountBruteForceRule.ID, subject, windowStart,
                event.userId(), bruteForce.distinctAccounts(), windowEnd.plus(COUNTER_GRACE));
        if (!bruteForce.triggered(distinct)) {
            return Optional.empty();
        }
        String decisionId = DetectionDecision.idFor(CrossAccountBruteForceRule.ID, CrossAccountBruteForceRule.VERSION,
                event.tenantId(), subject, windowStart);
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("distinct_accounts", distinct);
        inputs.put("ip_address", event.ipAddress());
        DetectionDecision decision = new DetectionDecision(decisionId, event.tenantId(), CrossAccountBruteForceRule.ID,
                CrossAccountBruteForceRule.VERSION, subject, windowStart, windowEnd, bruteForce.thresholds(), inputs,
                "HIGH", "block_ip", event.eventId());
        if (!store.createPending(decision)) {
            DetectionStore.StoredDecision stored = store.find(event.tenantId(), decisionId).orElseThrow();
            if (stored.acted()) {
                return Optional.empty();
            }
            decision = stored.decision();
        }
        act(decision);
        return Optional.of(decision);
    }

    private void act(DetectionDecision decision) {
        Instant now = clock.instant();
        String ip = decision.subject().substring("ip:".length());
        Instant until = now.plus(bruteForce.blockDuration());
        failures.lock(new FailureCounter.Target(securityTable, Keys.ipCounter(decision.tenantId(), ip), false,
                Optional.of(until)), until, now);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("decision_id", decision.decisionId());
        data.put("rule_id", decision.ruleId());
        data.put("rule_version", decision.ruleVersion());
        data.put("action_taken", decision.action());
        data.put("blocked_seconds", bruteForce.blockDuration().toSeconds());
        data.put("inputs", decision.inputs());
        data.put("thresholds", decision.thresholds());
        audit.publish(new AuditEvent(now, "alert:" + decision.decisionId(), AuditEventType.SECURITY_ALERT.wireName(),
                AuditEventType.SECURITY_ALERT.severity(), null, decision.tenantId(), null, ip, "tollgate-anomaly-detection",
                "ip", "block", "blocked", data, AuditEventType.SECURITY_ALERT.complianceFlags()));
        alerts.alert(Alert.forDecision(decision.tenantId(), decision.ruleId(), decision.ruleVersion(), decision.subject(),
                decision.severity(), decision.inputs(), decision.thresholds(), decision.action() + ": " + ip
                        + " refused at login until " + until, decision.decisionId(), now));
        store.markActed(decision.tenantId(), decision.decisionId(), now);
    }
}
