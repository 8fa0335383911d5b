package io.tollgate.detection;

import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.AuditEventType;
import io.tollgate.settings.AnomalySettings;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code threshold} events of one type for one account within one fixed window alert (ADR 0021). One rule,
 * configured twice in the rule set:
 * <ul>
 *   <li>{@link #mfaFailureBurst}: failed second factors on one account ({@code mfa_failed}, default 5 in 15
 *       minutes): the password is known to somebody guessing codes. Login's lockout counts these failures too
 *       and locks; this rule makes the burst an alert with the figures.</li>
 *   <li>{@link #refreshTokenReuse}: a rotated refresh token presented again ({@code token_reuse_detected},
 *       which the session service records after revoking the whole token family): a stolen token, or a stolen
 *       successor. Default: the first reuse of an account within 15 minutes alerts.</li>
 * </ul>
 */
public final class EventBurstRule implements DetectionRule {

    public static final String MFA_FAILURE_BURST = "mfa-failure-burst";
    public static final String REFRESH_TOKEN_REUSE = "refresh-token-reuse";

    private final String id;
    private final int version;
    private final String eventType;
    private final AnomalySettings.Burst thresholds;

    public EventBurstRule(String id, int version, String eventType, AnomalySettings.Burst thresholds) {
        this.id = Objects.requireNonNull(id, "id");
        this.version = version;
        this.eventType = Objects.requireNonNull(eventType, "eventType");
        this.thresholds = Objects.requireNonNull(thresholds, "thresholds");
    }

    /** Failed second factors of one account, with the tenant's {@code mfa_failures} thresholds. */
    public static EventBurstRule mfaFailureBurst(AnomalySettings settings) {
        return new EventBurstRule(MFA_FAILURE_BURST, 1, AuditEventType.MFA_FAILED.wireName(), settings.mfaFailures());
    }

    /** Reuse of rotated refresh tokens of one account, with the tenant's {@code refresh_token_reuse} thresholds. */
    public static EventBurstRule refreshTokenReuse(AnomalySettings settings) {
        return new EventBurstRule(REFRESH_TOKEN_REUSE, 1, AuditEventType.TOKEN_REUSE_DETECTED.wireName(),
                settings.refreshTokenReuse());
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public int version() {
        return version;
    }

    public AnomalySettings.Burst thresholds() {
        return thresholds;
    }

    public boolean triggered(long count) {
        return count >= thresholds.threshold();
    }

    @Override
    public List<Finding> evaluate(AuditEvent event, EventCounters counters) {
        if (!eventType.equals(event.eventType()) || !DetectionRule.present(event.userId())) {
            return List.of();
        }
        Duration window = thresholds.window();
        Instant start = DetectionRule.windowStart(event.timestamp(), window);
        String subject = "user:" + event.userId();
        long count = counters.increment(id(), subject, start, window);
        if (!triggered(count)) {
            return List.of();
        }
        Map<String, Object> limits = new LinkedHashMap<>();
        limits.put("events", thresholds.threshold());
        limits.put("window_seconds", window.toSeconds());
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("event_type", eventType);
        inputs.put("events_in_window", count);
        if (DetectionRule.present(event.ipAddress())) {
            inputs.put("ip_address", event.ipAddress());
        }
        return List.of(new Finding(subject, start, start.plus(window), limits, inputs, "HIGH", Finding.ALERT));
    }
}
