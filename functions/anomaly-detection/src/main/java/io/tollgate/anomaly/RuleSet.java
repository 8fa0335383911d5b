package io.tollgate.anomaly;

import io.tollgate.authz.AccessPolicy;
import io.tollgate.settings.AnomalySettings;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.ToIntFunction;

/** The rules of one tenant, with the thresholds of its {@code anomaly} settings (ADR 0021), in evaluation order. */
public final class RuleSet {

    private RuleSet() {
    }

    /** The highest rank among the roles in the default role profile (0 for none or unknown roles). */
    public static ToIntFunction<Collection<String>> ranks(AccessPolicy policy) {
        return roles -> roles.stream().map(policy::rank).flatMap(Optional::stream).mapToInt(Integer::intValue).max()
                .orElse(0);
    }

    /**
     * The ranks of every bundled role profile (ADR 0039): an event names roles, not the tenant's
     * profile, and role names of the two profiles rank alike where they meet ({@code user}).
     */
    public static ToIntFunction<Collection<String>> bundledRanks() {
        List<AccessPolicy> policies = AccessPolicy.bundledProfiles().stream().sorted().map(AccessPolicy::load).toList();
        return roles -> roles.stream().flatMap(role -> policies.stream().map(p -> p.rank(role)))
                .flatMap(Optional::stream).mapToInt(Integer::intValue).max().orElse(0);
    }

    public static List<DetectionRule> of(AnomalySettings settings, ToIntFunction<Collection<String>> highestRank) {
        return List.of(
                CrossAccountBruteForceRule.from(settings),
                CredentialStuffingRule.from(settings),
                RateAnomalyRule.from(settings),
                UnusualVolumeRule.from(settings),
                PrivilegeEscalationRule.from(settings, highestRank),
                DataExfiltrationRule.from(settings),
                MfaFailureBurstRule.from(settings),
                RefreshTokenReuseRule.from(settings));
    }
}
