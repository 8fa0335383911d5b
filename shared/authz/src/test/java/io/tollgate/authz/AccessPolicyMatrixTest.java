package io.tollgate.authz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every cell of both role profiles: role × resource × action × scope situation. The expected
 * cells are written out by hand below from seed 000 / seed 001 (not computed from the policy
 * file), so a change to role-profiles.json that changes any cell fails here.
 */
class AccessPolicyMatrixTest {

    /** Where the target sits relative to a principal of tenant acme, org risk, user u-self. */
    enum Situation {
        GLOBAL(ResourceRef.global()),
        OTHER_TENANT(ResourceRef.inTenant("globex").withOrg("risk").withOwner("u-self").withAssigned(true)),
        SAME_TENANT_OTHER_ORG(ResourceRef.inTenant("acme").withOrg("treasury").withOwner("u-other").withAssigned(false)),
        SAME_ORG_OTHER_USER(ResourceRef.inTenant("acme").withOrg("risk").withOwner("u-other").withAssigned(false)),
        OWN(ResourceRef.inTenant("acme").withOrg("risk").withOwner("u-self").withAssigned(false)),
        ASSIGNED(ResourceRef.inTenant("acme").withOrg("risk").withOwner("u-other").withAssigned(true));

        final ResourceRef target;

        Situation(ResourceRef target) {
            this.target = target;
        }
    }

    private static final String ALL = "GLOBAL OTHER_TENANT SAME_TENANT_OTHER_ORG SAME_ORG_OTHER_USER OWN ASSIGNED";
    private static final String TENANT = "SAME_TENANT_OTHER_ORG SAME_ORG_OTHER_USER OWN ASSIGNED";
    private static final String ORG = "SAME_ORG_OTHER_USER OWN ASSIGNED";
    private static final List<String> ACTIONS = List.of("create", "read", "update", "delete");

    private static final Map<String, List<String>> RESOURCES = Map.of(
            "default", List.of("system", "tenant", "organization", "user", "prediction", "audit", "privacy", "session"),
            "simple", List.of("system", "tenant", "organization", "user", "analytics", "report", "transaction", "audit",
                    "privacy", "session", "mfa", "api_key", "retention"));

    /** profile → role → "resource:action" → allowed situations; absent cells allow nothing. */
    private static final Map<String, Map<String, Map<String, String>>> EXPECTED = new HashMap<>();

    private static void cell(String profile, String role, String resource, String actions, String situations) {
        for (String action : actions.equals("*") ? ACTIONS : List.of(actions.split(","))) {
            EXPECTED.computeIfAbsent(profile, p -> new HashMap<>()).computeIfAbsent(role, r -> new HashMap<>())
                    .put(resource + ":" + action, situations);
        }
    }

    static {
        // seed 000: super_admin is global.
        cell("default", "super_admin", "system", "*", ALL);
        cell("default", "super_admin", "tenant", "*", ALL);
        cell("default", "super_admin", "user", "*", ALL);
        cell("default", "super_admin", "prediction", "*", ALL);
        cell("default", "super_admin", "audit", "read", ALL);
        cell("default", "super_admin", "privacy", "*", ALL);
        // tenant_admin: tenant:read/update, organization/user/prediction/privacy:*, all :own_tenant.
        cell("default", "tenant_admin", "tenant", "read,update", TENANT);
        cell("default", "tenant_admin", "privacy", "*", TENANT);
        cell("default", "tenant_admin", "organization", "*", TENANT);
        cell("default", "tenant_admin", "user", "*", TENANT);
        cell("default", "tenant_admin", "prediction", "*", TENANT);
        // org_admin: organization:read/update:own, user:create/read/update:own_org, prediction:*:own_org.
        cell("default", "org_admin", "organization", "read,update", ORG);
        cell("default", "org_admin", "user", "create,read,update", ORG);
        cell("default", "org_admin", "prediction", "*", ORG);
        // org_member: organization:read:own, user:read:own_org, prediction:create/read:own_org.
        cell("default", "org_member", "organization", "read", ORG);
        cell("default", "org_member", "user", "read", ORG);
        cell("default", "org_member", "prediction", "create,read", ORG);
        // user: prediction:create/read:assigned_companies.
        cell("default", "user", "prediction", "create,read", "ASSIGNED");
        // audit_writer (ADR 0035): a service role; submits audit events to its own tenant only.
        cell("default", "audit_writer", "audit", "create", TENANT);

        // seed 001 translated (see role-profiles.json "source").
        for (String resource : RESOURCES.get("simple")) {
            cell("simple", "admin", resource, "*", TENANT);
        }
        // user: its own data only (profile, sessions, MFA, API keys, privacy requests); never the tenant's.
        cell("simple", "user", "user", "read", "OWN");
        cell("simple", "user", "session", "*", "OWN");
        cell("simple", "user", "mfa", "*", "OWN");
        cell("simple", "user", "api_key", "create,read,delete", "OWN"); // and revoke; never revoke_all
        cell("simple", "user", "privacy", "create,read", "OWN");
        cell("simple", "analyst", "analytics", "read", TENANT);
        cell("simple", "analyst", "report", "create,update", TENANT);
        cell("simple", "analyst", "transaction", "read", TENANT);
    }


    static Stream<Arguments> cells() {
        List<Arguments> cells = new ArrayList<>();
        for (String profile : List.of("default", "simple")) {
            for (String role : AccessPolicy.load(profile).roles().stream().sorted().toList()) {
                for (String resource : RESOURCES.get(profile)) {
                    for (String action : ACTIONS) {
                        String situations = EXPECTED.get(profile).getOrDefault(role, Map.of())
                                .getOrDefault(resource + ":" + action, "");
                        Set<String> allowed = Arrays.stream(situations.split(" ")).filter(s -> !s.isEmpty())
                                .collect(Collectors.toSet());
                        for (Situation situation : Situation.values()) {
                            cells.add(Arguments.of(profile, role, resource + ":" + action, situation,
                                    allowed.contains(situation.name())));
                        }
                    }
                }
            }
        }
        return cells.stream();
    }

    private static final Map<String, AccessPolicy> POLICIES = Map.of(
            "default", AccessPolicy.load("default"), "simple", AccessPolicy.load("simple"));

    @ParameterizedTest(name = "{0} {1} {2} {3} -> {4}")
    @MethodSource("cells")
    void decideWhenMatrixCellThenSeedOutcome(String profile, String role, String permission, Situation situation,
            boolean allowed) {
        Principal principal = new Principal("u-self", "acme", Optional.of("risk"), List.of(role));
        Decision decision = POLICIES.get(profile).decide(principal, Permission.required(permission), situation.target);
        assertEquals(allowed, decision.allowed(), decision.toString());
        assertEquals(Set.of(), decision.constraints(), "a fully known target never leaves constraints");
    }
}
