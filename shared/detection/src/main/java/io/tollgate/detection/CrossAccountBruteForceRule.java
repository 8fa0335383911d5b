package io.tollgate.detection;

import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.AuditEventType;
import java.time.Duration;
import java.time.Instant;
import io.tollgate.settings.AnomalySettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Brute force across accounts (seed 001, credential stuffing): one IP address failing to log in
 * to {@code distinctAccounts} different accounts of a tenant within one fixed window. Login's own
 * IP block counts failures; this rule counts <em>accounts</em>, so a slow attacker who tries each
 * account once or twice is caught below login's failure threshold.
 *
 * <p>Windows are fixed ({@code floor(t / window)}), not sliding: the window start is part of the
 * decision id, which makes a replay of the same events yield the same decisions (ADR 0020).
 */
public record CrossAccountBruteForceRule(int distinctAccounts, Duration window, Duration blockDuration)
        implements DetectionRule {

    public static final String ID = "brute-force-across-accounts";
    public static final int VERSION = 1;

    public CrossAccountBruteForceRule {
        if (distinctAccounts < 2 || distinctAccounts > 1000) {
            throw new IllegalArgumentException("distinctAccounts must be between 2 and 1000");
        }
        if (window == null || window.compareTo(Duration.ofMinutes(1)) < 0 || window.compareTo(Duration.ofHours(24)) > 0) {
            throw new IllegalArgumentException("window must be between 1 minute and 24 hours");
        }
        if (blockDuration == null || blockDuration.compareTo(Duration.ofMinutes(1)) < 0
                || blockDuration.compareTo(Duration.ofDays(7)) > 0) {
            throw new IllegalArgumentException("blockDuration must be between 1 minute and 7 days");
        }
    }

    /** 10 accounts from one IP in 15 minutes block the IP for 60 minutes (seed 000's IP block duration). */
    public static CrossAccountBruteForceRule defaults() {
        return new CrossAccountBruteForceRule(10, Duration.ofMinutes(15), Duration.ofMinutes(60));
    }

    /** The tenant's thresholds ({@code anomaly.bruteForce}). */
    public static CrossAccountBruteForceRule from(AnomalySettings settings) {
        AnomalySettings.DistinctAccounts t = settings.bruteForce();
        return new CrossAccountBruteForceRule(t.distinctAccounts(), t.window(), t.blockDuration());
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public int version() {
        return VERSION;
    }

    @Override
    public List<Finding> evaluate(AuditEvent event, EventCounters counters) {
        if (!applies(event)) {
            return List.of();
        }
        Instant start = windowStart(event.timestamp());
        String subject = "ip:" + event.ipAddress();
        long distinct = counters.addDistinct(ID, subject, start, event.userId(), distinctAccounts, window);
        if (!triggered(distinct)) {
            return List.of();
        }
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("distinct_accounts", distinct);
        inputs.put("ip_address", event.ipAddress());
        return List.of(new Finding(subject, start, start.plus(window), thresholds(), inputs, "HIGH", Finding.BLOCK_IP));
    }

    /** A failed login naming a known account from a known address; unknown user names carry no account. */
    public boolean applies(AuditEvent event) {
        return failedLoginOfKnownAccount(event);
    }

    /** A failed login naming a known account from a known address (also what {@link CredentialStuffingRule} counts). */
    static boolean failedLoginOfKnownAccount(AuditEvent event) {
        return AuditEventType.LOGIN_FAILURE.wireName().equals(event.eventType())
                && present(event.ipAddress()) && present(event.userId()) && present(event.tenantId());
    }

    public Instant windowStart(Instant at) {
        return DetectionRule.windowStart(at, window);
    }

    /** True once the distinct accounts counted in the window reach the threshold. */
    public boolean triggered(long distinctAccountsSeen) {
        return distinctAccountsSeen >= distinctAccounts;
    }

    public Map<String, Object> thresholds() {
        Map<String, Object> thresholds = new LinkedHashMap<>();
        thresholds.put("distinct_accounts", distinctAccounts);
        thresholds.put("window_seconds", window.toSeconds());
        thresholds.put("block_seconds", blockDuration.toSeconds());
        return thresholds;
    }

    private static boolean present(String value) {
        return DetectionRule.present(value);
    }
}
