package io.tollgate.detection;

import io.tollgate.audit.AuditEvent;
import io.tollgate.settings.AnomalySettings;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Credential stuffing, low and slow (seed 001; ADR 0021): one address failing on
 * {@code distinctAccounts} accounts within a long window ({@code window}, default 6 hours) with
 * few attempts each (failures / accounts at most {@code maxAttemptsPerAccount}) — a list of leaked
 * pairs, tried once or twice per account, paced to stay under the 15-minute windows of login's IP
 * block and of {@link CrossAccountBruteForceRule}. Many attempts per account is guessing, which
 * login's account lockout already stops. Blocks the address.
 */
public record CredentialStuffingRule(int distinctAccounts, int maxAttemptsPerAccount, Duration window,
        Duration blockDuration) implements DetectionRule {

    public static final String ID = "credential-stuffing";
    public static final int VERSION = 1;
    static final String FAILURES = "credential-stuffing-failures";

    public CredentialStuffingRule {
        new AnomalySettings.CredentialStuffing(distinctAccounts, maxAttemptsPerAccount, window, blockDuration);
    }

    public static CredentialStuffingRule from(AnomalySettings settings) {
        AnomalySettings.CredentialStuffing t = settings.credentialStuffing();
        return new CredentialStuffingRule(t.distinctAccounts(), t.maxAttemptsPerAccount(), t.window(), t.blockDuration());
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public int version() {
        return VERSION;
    }

    /** True when {@code distinct} accounts with {@code failures} failures between them look like stuffing. */
    public boolean triggered(long distinct, long failures) {
        return distinct >= distinctAccounts && failures <= (long) distinct * maxAttemptsPerAccount;
    }

    @Override
    public List<Finding> evaluate(AuditEvent event, EventCounters counters) {
        if (!CrossAccountBruteForceRule.failedLoginOfKnownAccount(event)) {
            return List.of();
        }
        Instant start = DetectionRule.windowStart(event.timestamp(), window);
        String subject = "ip:" + event.ipAddress();
        long failures = counters.increment(FAILURES, subject, start, window);
        long distinct = counters.addDistinct(ID, subject, start, event.userId(), distinctAccounts, window);
        if (!triggered(distinct, failures)) {
            return List.of();
        }
        Map<String, Object> thresholds = new LinkedHashMap<>();
        thresholds.put("distinct_accounts", distinctAccounts);
        thresholds.put("max_attempts_per_account", maxAttemptsPerAccount);
        thresholds.put("window_seconds", window.toSeconds());
        thresholds.put("block_seconds", blockDuration.toSeconds());
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("distinct_accounts", distinct);
        inputs.put("failures", failures);
        inputs.put("ip_address", event.ipAddress());
        return List.of(new Finding(subject, start, start.plus(window), thresholds, inputs, "HIGH", Finding.BLOCK_IP));
    }
}
