package io.tollgate.authz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AccessPolicyTest {

    private final AccessPolicy policy = AccessPolicy.load("default");

    private static Principal principal(String... roles) {
        return new Principal("u-self", "acme", Optional.of("risk"), List.of(roles));
    }

    @Test
    void decideWhenSuperAdminThenAllowedGlobalWithGrant() {
        Decision decision = policy.decide(principal("super_admin"), Permission.required("tenant:create"), ResourceRef.global());
        assertEquals(Decision.Reason.ALLOWED_GLOBAL, decision.reason());
        assertEquals(Optional.of(Permission.grant("tenant:*")), decision.grant());
    }

    @Test
    void decideWhenOrgUnknownThenAllowedIfInOwnOrg() {
        Decision decision = policy.decide(principal("org_admin"), Permission.required("user:read"),
                ResourceRef.inTenant("acme").withOwner("u-2"));
        assertTrue(decision.allowed());
        assertEquals(Decision.Reason.ALLOWED_IF_IN_SCOPE, decision.reason());
        assertEquals(Set.of(Scope.OWN_ORG), decision.constraints());
    }

    @Test
    void decideWhenOrgUnknownButTenantScopeGrantThenAllowedWithoutConstraint() {
        Decision decision = policy.decide(principal("org_admin", "tenant_admin"), Permission.required("user:read"),
                ResourceRef.inTenant("acme"));
        assertEquals(Decision.Reason.ALLOWED_IN_SCOPE, decision.reason());
        assertEquals(Set.of(), decision.constraints());
    }

    @Test
    void decideWhenAssignmentUnknownThenAllowedIfAssigned() {
        Decision decision = policy.decide(principal("user"), Permission.required("prediction:read"),
                ResourceRef.inTenant("acme"));
        assertEquals(Set.of(Scope.ASSIGNED), decision.constraints());
    }

    @Test
    void decideWhenUnknownTargetInOtherTenantThenDenied() {
        Decision decision = policy.decide(principal("org_admin"), Permission.required("user:read"),
                ResourceRef.inTenant("globex"));
        assertEquals(Decision.Reason.DENIED_OUT_OF_SCOPE, decision.reason());
    }

    @Test
    void decideWhenPrincipalWithoutOrgThenOrgScopesDenied() {
        Principal noOrg = new Principal("u-self", "acme", Optional.empty(), List.of("org_member"));
        assertFalse(policy.decide(noOrg, Permission.required("user:read"), ResourceRef.inTenant("acme")).allowed());
        assertFalse(policy.decide(noOrg, Permission.required("user:read"),
                ResourceRef.inTenant("acme").withOrg("risk")).allowed());
    }

    @Test
    void decideWhenUnknownRoleThenDeniedNoKnownRole() {
        assertEquals(Decision.Reason.DENIED_NO_KNOWN_ROLE, policy.decide(principal("admin", "root"),
                Permission.required("user:read"), ResourceRef.inTenant("acme")).reason());
        assertEquals(Decision.Reason.DENIED_NO_KNOWN_ROLE, policy.decide(principal(),
                Permission.required("user:read"), ResourceRef.inTenant("acme")).reason());
    }

    @Test
    void decideWhenNoGrantThenDeniedNotGranted() {
        assertEquals(Decision.Reason.DENIED_NOT_GRANTED, policy.decide(principal("org_member"),
                Permission.required("user:delete"), ResourceRef.inTenant("acme").withOrg("risk")).reason());
    }

    @Test
    void decideWhenRequiredPermissionHasScopeThenRefused() {
        assertThrows(IllegalArgumentException.class, () -> policy.decide(principal("user"),
                Permission.grant("user:read:own"), ResourceRef.inTenant("acme")));
    }

    @Test
    void canGrantWhenRoleAtOrBelowOwnRankThenTrue() {
        assertTrue(policy.canGrant(List.of("org_admin"), "org_member"));
        assertTrue(policy.canGrant(List.of("org_admin"), "org_admin"));
        assertTrue(policy.canGrant(List.of("user", "tenant_admin"), "org_admin"));
        assertTrue(policy.canGrant(List.of("super_admin"), "super_admin"));
    }

    @Test
    void canGrantWhenRoleAboveOwnRankOrUnknownThenFalse() {
        assertFalse(policy.canGrant(List.of("org_admin"), "tenant_admin"));
        assertFalse(policy.canGrant(List.of("tenant_admin"), "super_admin"));
        assertFalse(policy.canGrant(List.of(), "user"));
        assertFalse(policy.canGrant(List.of("admin"), "user"));
        assertFalse(policy.canGrant(List.of("super_admin"), "root"));
    }

    @Test
    void rankWhenDefaultProfileThenStrictlyOrdered() {
        List<Integer> ranks = List.of("super_admin", "tenant_admin", "org_admin", "org_member", "user").stream()
                .map(r -> policy.rank(r).orElseThrow()).toList();
        for (int i = 1; i < ranks.size(); i++) {
            assertTrue(ranks.get(i - 1) > ranks.get(i), ranks.toString());
        }
    }

    @Test
    void fromJsonWhenNonGlobalRoleHasUnscopedGrantThenRefused() {
        String json = "{\"profiles\":{\"p\":{\"source\":\"t\",\"roles\":{\"r\":{\"rank\":1,\"permissions\":[\"user:read\"]}}}}}";
        assertThrows(IllegalArgumentException.class, () -> AccessPolicy.fromJson(json, "p"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"*:read:own", "*:update:own", "tenant:update:own", "audit:read:own", "system:*:own",
            "retention:update:own"})
    void fromJsonWhenOwnScopeOnSomethingNoUserOwnsThenRefused(String grant) {
        String json = "{\"profiles\":{\"p\":{\"source\":\"t\",\"tenant_admin_role\":\"r\",\"roles\":{\"r\":"
                + "{\"rank\":1,\"permissions\":[\"" + grant + "\"]}}}}}";
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> AccessPolicy.fromJson(json, "p"));
        assertTrue(refused.getMessage().contains(grant), refused.getMessage());
    }

    @Test
    void decideWhenOwnScopeThenOwnedResourceOnlyNeverTheTenant() {
        Principal sam = new Principal("u-sam", "acme", Optional.empty(), List.of("user"));
        AccessPolicy simple = AccessPolicy.load("simple");
        ResourceRef ownTenant = ResourceRef.inTenant("acme");
        for (String permission : List.of("tenant:read", "tenant:update", "audit:read", "audit:create", "system:update",
                "organization:read")) {
            assertFalse(simple.decide(sam, Permission.required(permission), ownTenant).allowed(), permission);
        }
        assertTrue(simple.decide(sam, Permission.required("user:read"), ownTenant.withOwner("u-sam")).allowed());
        assertFalse(simple.decide(sam, Permission.required("user:read"), ownTenant.withOwner("u-ada")).allowed());
        Decision unknownOwner = simple.decide(sam, Permission.required("user:read"), ownTenant);
        assertEquals(Set.of(Scope.OWN), unknownOwner.constraints(), "the service checks the owner");
        assertFalse(simple.decide(sam, Permission.required("user:update"), ownTenant.withOwner("u-sam")).allowed(),
                "the own profile is changed through /v1/me, not the administration routes");
    }

    @Test
    void fromJsonWhenUnknownProfileOrFieldThenRefused() {
        String json = "{\"profiles\":{\"p\":{\"source\":\"t\",\"tenant_admin_role\":\"r\",\"roles\":{\"r\":{\"rank\":1,\"permissions\":[\"user:read:own\"]}}}}}";
        assertEquals(Set.of("r"), AccessPolicy.fromJson(json, "p").roles());
        assertEquals("r", AccessPolicy.fromJson(json, "p").tenantAdminRole());
        assertThrows(IllegalArgumentException.class, () -> AccessPolicy.fromJson(json.replace(
                "\"tenant_admin_role\":\"r\",", ""), "p"), "a profile names its tenant administrator role");
        assertThrows(IllegalArgumentException.class, () -> AccessPolicy.fromJson(json.replace(
                "\"tenant_admin_role\":\"r\"", "\"tenant_admin_role\":\"nobody\""), "p"));
        assertThrows(IllegalArgumentException.class, () -> AccessPolicy.fromJson(json, "q"));
        assertThrows(IllegalArgumentException.class, () -> AccessPolicy.fromJson(json.replace("\"rank\"", "\"rnak\""), "p"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"user", "user:read:own:x", "user:read:everywhere", "", "User:read", "user:", ":read", "us er:read"})
    void grantWhenMalformedThenRefused(String text) {
        assertThrows(IllegalArgumentException.class, () -> Permission.grant(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"*:read", "user:*", "user:read:own", "*"})
    void requiredWhenWildcardOrScopeThenRefused(String text) {
        assertThrows(IllegalArgumentException.class, () -> Permission.required(text));
    }

    @Test
    void grantWhenWildcardThenCoversConcretePermissions() {
        assertTrue(Permission.grant("*").covers(Permission.required("audit:read")));
        assertTrue(Permission.grant("user:*:own_org").covers(Permission.required("user:delete")));
        assertTrue(Permission.grant("*:read:own").covers(Permission.required("report:read")));
        assertFalse(Permission.grant("user:*").covers(Permission.required("users:read")));
        assertEquals("user:*:own_org", Permission.grant("user:*:own_org").toString());
    }
}
