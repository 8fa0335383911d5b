package io.tollgate.detection;

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

    /**
     * The highest rank the roles have in any of {@code policies} (0 for none or unknown roles): an
     * event names roles, not its tenant's profile, and role names of the bundled profiles rank alike
     * where they meet ({@code user}; ADR 0039).
     */
    public static ToIntFunction<Collection<String>> ranks(AccessPolicy... policies) {
        List<AccessPolicy> all = List.of(policies);
        return roles -> roles.stream().flatMap(role -> all.stream().map(p -> p.rank(role)))
                .flatMap(Optional::stream).mapToInt(Integer::intValue).max().orElse(0);
    }

    /** {@link #ranks} over every bundled role profile. */
    public static ToIntFunction<Collection<String>> bundledRanks() {
        return ranks(AccessPolicy.bundled().values().toArray(AccessPolicy[]::new));
    }

    public static List<DetectionRule> of(AnomalySettings settings, ToIntFunction<Collection<String>> highestRank) {
        return List.of(
                CrossAccountBruteForceRule.from(settings),
                CredentialStuffingRule.from(settings),
                RateAnomalyRule.from(settings),
                UnusualVolumeRule.from(settings),
                PrivilegeEscalationRule.from(settings, highestRank),
                DataExfiltrationRule.from(settings),
                EventBurstRule.mfaFailureBurst(settings),
                EventBurstRule.refreshTokenReuse(settings));
    }
}
