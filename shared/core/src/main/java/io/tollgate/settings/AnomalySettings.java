package io.tollgate.settings;

import static io.tollgate.settings.SecuritySettings.require;

import java.time.Duration;
import java.util.Objects;

/**
 * Thresholds of the anomaly-detection rules of a tenant (ADR 0021): the {@code anomaly}
 * section of {@link SecuritySettings}. A stored tenant without the section gets {@link #defaults()};
 * a section that is present must be complete, and every value is checked against bounds so a tenant
 * can tune a rule but not switch it off by an absurd value.
 */
public record AnomalySettings(
        DistinctAccounts bruteForce,
        CredentialStuffing credentialStuffing,
        int requestsPerMinute,
        UnusualVolume unusualVolume,
        Duration escalationLockDuration,
        Exfiltration exfiltration,
        Burst mfaFailures,
        Burst refreshTokenReuse) {

    public AnomalySettings {
        Objects.requireNonNull(bruteForce, "anomaly.bruteForce");
        Objects.requireNonNull(credentialStuffing, "anomaly.credentialStuffing");
        Objects.requireNonNull(unusualVolume, "anomaly.unusualVolume");
        Objects.requireNonNull(exfiltration, "anomaly.exfiltration");
        Objects.requireNonNull(mfaFailures, "anomaly.mfaFailures");
        Objects.requireNonNull(refreshTokenReuse, "anomaly.refreshTokenReuse");
        require(requestsPerMinute >= 10 && requestsPerMinute <= 1_000_000, "anomaly.requestsPerMinute must be 10..1000000");
        require(escalationLockDuration != null && between(escalationLockDuration, Duration.ofMinutes(5), Duration.ofDays(30)),
                "anomaly.escalationLockDuration must be 5 minutes..30 days");
    }

    /** Seed 000 §Security Monitoring and seed 001 §Intrusion Detection; see ADR 0021 for each number. */
    public static AnomalySettings defaults() {
        return new AnomalySettings(
                new DistinctAccounts(10, Duration.ofMinutes(15), Duration.ofMinutes(60)),
                new CredentialStuffing(20, 3, Duration.ofHours(6), Duration.ofHours(1)),
                1000,
                new UnusualVolume(500, 100, 24),
                Duration.ofHours(24),
                new Exfiltration(100, 30, 10, 7, 19, 3),
                new Burst(5, Duration.ofMinutes(15)),
                new Burst(1, Duration.ofMinutes(15)));
    }

    /** True when {@code min <= value <= max}. */
    public static boolean between(Duration value, Duration min, Duration max) {
        return value.compareTo(min) >= 0 && value.compareTo(max) <= 0;
    }

    /** One address failing on {@code distinctAccounts} accounts within {@code window} blocks it for {@code blockDuration}. */
    public record DistinctAccounts(int distinctAccounts, Duration window, Duration blockDuration) {
        public DistinctAccounts {
            require(distinctAccounts >= 2 && distinctAccounts <= 1000, "anomaly.bruteForce.distinctAccounts must be 2..1000");
            require(window != null && between(window, Duration.ofMinutes(1), Duration.ofHours(24)),
                    "anomaly.bruteForce.window must be 1 minute..24 hours");
            require(blockDuration != null && between(blockDuration, Duration.ofMinutes(1), Duration.ofDays(7)),
                    "anomaly.bruteForce.blockDuration must be 1 minute..7 days");
        }
    }

    /**
     * Low and slow: {@code distinctAccounts} accounts from one address within {@code window}, with at
     * most {@code maxAttemptsPerAccount} failures per account on average (a list of leaked pairs is
     * tried once or twice per account; more attempts per account is guessing, login lockout's business).
     */
    public record CredentialStuffing(int distinctAccounts, int maxAttemptsPerAccount, Duration window,
            Duration blockDuration) {
        public CredentialStuffing {
            require(distinctAccounts >= 2 && distinctAccounts <= 1000,
                    "anomaly.credentialStuffing.distinctAccounts must be 2..1000");
            require(maxAttemptsPerAccount >= 1 && maxAttemptsPerAccount <= 10,
                    "anomaly.credentialStuffing.maxAttemptsPerAccount must be 1..10");
            require(window != null && between(window, Duration.ofMinutes(15), Duration.ofHours(24)),
                    "anomaly.credentialStuffing.window must be 15 minutes..24 hours");
            require(blockDuration != null && between(blockDuration, Duration.ofMinutes(1), Duration.ofDays(7)),
                    "anomaly.credentialStuffing.blockDuration must be 1 minute..7 days");
        }
    }

    /** More than {@code increasePercent} above the mean of the last {@code baselineHours} hours, and at least {@code minimumEvents}. */
    public record UnusualVolume(int increasePercent, int minimumEvents, int baselineHours) {
        public UnusualVolume {
            require(increasePercent >= 50 && increasePercent <= 100_000, "anomaly.unusualVolume.increasePercent must be 50..100000");
            require(minimumEvents >= 10 && minimumEvents <= 10_000_000, "anomaly.unusualVolume.minimumEvents must be 10..10000000");
            require(baselineHours >= 1 && baselineHours <= 24, "anomaly.unusualVolume.baselineHours must be 1..24");
        }
    }

    /**
     * Seed 000's exfiltration score: one point each for more than {@code calls} calls in an hour, a
     * minute with {@code rapidPerMinute} calls or more, {@code distinctResources} resources or more,
     * and a call outside {@code workdayStartHour}..{@code workdayEndHour} (UTC); {@code scoreThreshold} points alert.
     */
    public record Exfiltration(int calls, int rapidPerMinute, int distinctResources, int workdayStartHour,
            int workdayEndHour, int scoreThreshold) {
        public Exfiltration {
            require(calls >= 10 && calls <= 1_000_000, "anomaly.exfiltration.calls must be 10..1000000");
            require(rapidPerMinute >= 2 && rapidPerMinute <= 100_000, "anomaly.exfiltration.rapidPerMinute must be 2..100000");
            require(distinctResources >= 2 && distinctResources <= 100, "anomaly.exfiltration.distinctResources must be 2..100");
            require(workdayStartHour >= 0 && workdayStartHour <= 23 && workdayEndHour >= 1 && workdayEndHour <= 24
                    && workdayStartHour < workdayEndHour, "anomaly.exfiltration.workday hours must be 0 <= start < end <= 24");
            require(scoreThreshold >= 1 && scoreThreshold <= 4, "anomaly.exfiltration.scoreThreshold must be 1..4");
        }
    }

    /** {@code threshold} events of one kind for one account within {@code window}. */
    public record Burst(int threshold, Duration window) {
        public Burst {
            require(threshold >= 1 && threshold <= 1000, "anomaly burst threshold must be 1..1000");
            require(window != null && between(window, Duration.ofMinutes(1), Duration.ofHours(24)),
                    "anomaly burst window must be 1 minute..24 hours");
        }
    }
}
