package io.tollgate.detection;

import io.tollgate.alerting.Alert;
import io.tollgate.alerting.AlertSink;
import io.tollgate.alerting.AlertingServices;
import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.AuditEventType;
import io.tollgate.audit.AuditPublisher;
import io.tollgate.audit.AuditSeverity;
import io.tollgate.audit.RequestFacts;
import io.tollgate.lockout.FailureCounter;
import io.tollgate.platform.TollgateServices;
import io.tollgate.session.SessionServices;
import io.tollgate.storage.Keys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Runs the detection rules over one audit event and carries out what they decide:
 * the decision record first (conditional, so one decision per rule, subject and window), then
 * the action in the store login and the authorizer read (an IP block is the login IP counter's
 * lock, an account lock the user's lockout plus revoked sessions), then the {@code security_alert}
 * audit event (a random {@code tg:alert:} id, never derivable from the decision: ADR 0060; the
 * decision id is in its data), and last the mark that the actions are done. An event an external
 * service submitted may raise an alert but never acts: its decisions are alert-only (ADR 0060).
 * A failure anywhere before that mark is retried with the record (stream retry or the minute
 * sweep): each step is idempotent, so a retry completes the decision without acting twice.
 */
public final class AnomalyDetection {

    /** The {@code user_agent} of detection's own audit events. */
    static final String SOURCE = "tollgate-anomaly-detection";
    /** The id prefix of security alerts, in the {@code tg:} namespace submitters may not use. */
    public static final String ALERT_ID_PREFIX = "tg:alert:";

    private final DetectionStore store;
    private final Detector detector;
    private final FailureCounter failures;
    private final AccountLocker accounts;
    private final AuditPublisher audit;
    private final String securityTable;
    private final Clock clock;
    private final AlertSink alerts;

    /** Detection that alerts nobody (tests of the rules alone). */
    public AnomalyDetection(DetectionStore store, Detector detector, FailureCounter failures, AccountLocker accounts,
            AuditPublisher audit, String securityTable, Clock clock) {
        this(store, detector, failures, accounts, audit, securityTable, clock, AlertSink.none());
    }

    /** Detection whose HIGH and CRITICAL decisions, and the stream's own alert events, go to {@code alerts} (ADR 0042). */
    public AnomalyDetection(DetectionStore store, Detector detector, FailureCounter failures, AccountLocker accounts,
            AuditPublisher audit, String securityTable, Clock clock, AlertSink alerts) {
        this.alerts = Objects.requireNonNull(alerts, "alerts");
        this.store = Objects.requireNonNull(store, "store");
        this.detector = Objects.requireNonNull(detector, "detector");
        this.failures = Objects.requireNonNull(failures, "failures");
        this.accounts = Objects.requireNonNull(accounts, "accounts");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.securityTable = Objects.requireNonNull(securityTable, "securityTable");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public static AnomalyDetection from(TollgateServices services) {
        String security = services.config().tables().security();
        return new AnomalyDetection(new DetectionStore(services.dynamoDb(), security), detector(services),
                new FailureCounter(services.dynamoDb()), new AccountLocker(services.dynamoDb(),
                        services.config().tables(), SessionServices.create(services),
                        new io.tollgate.authz.ApiKeyRepository(services.dynamoDb(), services.config().tables(),
                                services.clock()), services.audit()),
                services.auditPublisher(), security, services.clock(), AlertingServices.from(services).dispatcher());
    }

    /** The rules with each tenant's stored thresholds and the ranks of the bundled role profiles. */
    public static Detector detector(TollgateServices services) {
        return new Detector(new TenantAnomalySettings(services.dynamoDb(), services.config().tables().identity(),
                services.defaultSettings(), services.clock()), RuleSet.bundledRanks());
    }

    public DetectionStore store() {
        return store;
    }

    /**
     * A chained audit event from the stream: the rules run over it, then, if it is a HIGH or
     * CRITICAL finding of its own ({@code alert} attribute, ADR 0036), it is alerted (ADR 0042).
     */
    public List<DetectionDecision> onChainedEvent(AuditEvent event) {
        List<DetectionDecision> decided = onEvent(event);
        alerts.auditEvent(event);
        return decided;
    }

    /** The decisions this event completes (also those decided before and only completed now). */
    public List<DetectionDecision> onEvent(AuditEvent event) {
        List<DetectionDecision> completed = new ArrayList<>();
        for (DetectionDecision decided : detector.decide(event, store)) {
            DetectionDecision decision = event.recordedByTollgate() ? decided : alertOnly(decided);
            if (!store.createPending(decision, clock.instant())) {
                DetectionStore.StoredDecision stored = store.find(event.tenantId(), decision.decisionId()).orElseThrow();
                if (stored.acted()) {
                    continue;
                }
                decision = stored.decision();
            }
            act(decision);
            completed.add(decision);
        }
        return completed;
    }

    /** {@code decision} without its block or lock: what a submitted event may cause (ADR 0060). */
    static DetectionDecision alertOnly(DetectionDecision decision) {
        return new DetectionDecision(decision.decisionId(), decision.tenantId(), decision.ruleId(),
                decision.ruleVersion(), decision.subject(), decision.windowStart(), decision.windowEnd(),
                decision.thresholds(), decision.inputs(), decision.severity(), Finding.ALERT,
                decision.triggeringEventId());
    }

    /** Completes a stored decision whose actions are not done (the minute sweep); false when it was done already. */
    public boolean complete(String tenantId, String decisionId) {
        Optional<DetectionStore.StoredDecision> stored = store.find(tenantId, decisionId);
        if (stored.isEmpty() || stored.get().acted()) {
            store.forgetPending(tenantId, decisionId);
            return false;
        }
        act(stored.get().decision());
        return true;
    }

    private void act(DetectionDecision decision) {
        Instant now = clock.instant();
        Map<String, Object> effect = new LinkedHashMap<>();
        String ip = null;
        String userId = null;
        switch (decision.action()) {
            case Finding.BLOCK_IP -> {
                ip = decision.subject().substring("ip:".length());
                long seconds = seconds(decision, "block_seconds");
                Instant until = now.plusSeconds(seconds);
                failures.lock(new FailureCounter.Target(securityTable, Keys.ipCounter(decision.tenantId(), ip), false,
                        Optional.of(until)), until, now);
                effect.put("blocked_seconds", seconds);
            }
            case Finding.LOCK_ACCOUNT -> {
                userId = decision.subject().substring("user:".length());
                long seconds = seconds(decision, "lock_seconds");
                boolean locked = accounts.lock(decision.tenantId(), userId, now.plusSeconds(seconds), now);
                effect.put("locked_seconds", locked ? seconds : 0);
            }
            default -> {
                if (decision.subject().startsWith("user:")) {
                    userId = decision.subject().substring("user:".length());
                } else if (decision.subject().startsWith("ip:")) {
                    ip = decision.subject().substring("ip:".length());
                }
            }
        }
        emitSecurityAlert(decision, now, ip, userId, effect);
        store.markActed(decision.tenantId(), decision.decisionId(), now);
    }

    /**
     * The {@code security_alert} of a decision, with a random id in Tollgate's reserved {@code tg:}
     * namespace: no submitter can pre-empt it with a duplicate (ADR 0060).
     */
    private void emitSecurityAlert(DetectionDecision decision, Instant now, String ip, String userId,
            Map<String, Object> effect) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("decision_id", decision.decisionId());
        data.put("rule_id", decision.ruleId());
        data.put("rule_version", decision.ruleVersion());
        data.put("subject", decision.subject());
        data.put("action_taken", decision.action());
        data.putAll(effect);
        data.put("inputs", decision.inputs());
        data.put("thresholds", decision.thresholds());
        data.put("triggering_event_id", decision.triggeringEventId());
        AuditSeverity severity = AuditSeverity.valueOf(decision.severity());
        audit.publish(RequestFacts.normalise(new AuditEvent(now, ALERT_ID_PREFIX + UUID.randomUUID(),
                AuditEventType.SECURITY_ALERT.wireName(), severity, userId, decision.tenantId(), null, ip, SOURCE,
                decision.subject().split(":", 2)[0], actionVerb(decision.action()), resultOf(decision.action()),
                RequestFacts.additionalData(data), AuditEventType.SECURITY_ALERT.complianceFlags(),
                AuditEvent.TOLLGATE)));
        alerts.alert(Alert.forDecision(decision.tenantId(), decision.ruleId(), decision.ruleVersion(), decision.subject(),
                decision.severity(), decision.inputs(), decision.thresholds(), describe(decision, now, ip, userId, effect),
                decision.decisionId(), now));
    }

    /** What was done, for the alert mail. */
    private static String describe(DetectionDecision decision, Instant now, String ip, String userId,
            Map<String, Object> effect) {
        return switch (decision.action()) {
            case Finding.BLOCK_IP -> decision.action() + ": " + ip + " refused at login until "
                    + now.plusSeconds(((Number) effect.get("blocked_seconds")).longValue());
            case Finding.LOCK_ACCOUNT -> decision.action() + ": user " + userId + " refused at login until "
                    + now.plusSeconds(((Number) effect.get("locked_seconds")).longValue()) + ", every session revoked";
            default -> decision.action();
        };
    }

    private static String actionVerb(String action) {
        return switch (action) {
            case Finding.BLOCK_IP -> "block";
            case Finding.LOCK_ACCOUNT -> "lock";
            default -> "alert";
        };
    }

    private static String resultOf(String action) {
        return switch (action) {
            case Finding.BLOCK_IP -> "blocked";
            case Finding.LOCK_ACCOUNT -> "locked";
            default -> "alerted";
        };
    }

    private static long seconds(DetectionDecision decision, String name) {
        Object value = decision.thresholds().get(name);
        if (value instanceof Number number) {
            return number.longValue();
        }
        throw new IllegalStateException("decision " + decision.decisionId() + " has no " + name);
    }

    /** How long the sweep waits before it takes over a pending decision from the stream path. */
    public static final Duration SWEEP_AFTER = Duration.ofMinutes(1);
}
