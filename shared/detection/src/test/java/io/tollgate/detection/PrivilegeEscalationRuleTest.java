package io.tollgate.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.authz.AccessPolicy;
import io.tollgate.settings.AnomalySettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrivilegeEscalationRuleTest {

    private static final Instant AT = Instant.parse("2026-11-23T10:07:00Z");
    private final PrivilegeEscalationRule rule = PrivilegeEscalationRule.from(AnomalySettings.defaults(),
            RuleSet.ranks(AccessPolicy.load("default")));

    private List<Finding> on(String type, String actor, String resource, String action, String result,
            Map<String, Object> data) {
        return new RuleEvents.Run(rule).on(RuleEvents.event(type, actor, "192.0.2.9", AT, resource, action, result, data));
    }

    @Test
    void refusedEscalationAttemptThenCriticalLockOfTheActor() {
        List<Finding> found = on("privilege_escalation", "u-org", "user", "update_roles", "denied",
                Map.of("reason", "role_above_caller", "target_user_id", "u-victim"));
        assertEquals(1, found.size());
        Finding finding = found.get(0);
        assertEquals("CRITICAL", finding.severity());
        assertEquals("lock_account", finding.action());
        assertEquals("user:u-org", finding.subject(), "the acting account, not the target");
        assertEquals(Duration.ofHours(24).toSeconds(), finding.thresholds().get("lock_seconds"));
        assertEquals("refused_escalation_attempt", finding.inputs().get("indicator"));
    }

    @Test
    void roleRaisedOutsideTheAdminPathThenLock() {
        List<Finding> found = on("role_change", "u-app", "membership", "grant", "success",
                Map.of("target_user_id", "u-2", "old_roles", List.of("user"), "new_roles", List.of("tenant_admin")));
        assertEquals(1, found.size());
        assertEquals(20, found.get(0).inputs().get("old_rank"));
        assertEquals(80, found.get(0).inputs().get("new_rank"));
    }

    @Test
    void ownRolesRaisedEvenThroughTheAdminRecordThenLock() {
        assertEquals(1, on("role_change", "u-1", "user", "update_roles", "success",
                Map.of("target_user_id", "u-1", "old_roles", List.of("org_admin"), "new_roles", List.of("tenant_admin")))
                .size());
    }

    @Test
    void adminPathPromotionOrEqualOrLowerRolesOrRefusedChangeThenNothing() {
        assertTrue(on("role_change", "u-admin", "user", "update_roles", "success",
                Map.of("target_user_id", "u-2", "old_roles", List.of("user"), "new_roles", List.of("org_admin"))).isEmpty(),
                "the administration API checked the grant itself");
        assertTrue(on("role_change", "u-app", "membership", "grant", "success",
                Map.of("target_user_id", "u-2", "old_roles", List.of("org_admin"), "new_roles", List.of("org_member")))
                .isEmpty(), "a lower role is no escalation");
        assertTrue(on("role_change", "u-app", "membership", "grant", "success",
                Map.of("target_user_id", "u-2", "old_roles", List.of("org_admin"), "new_roles", List.of("org_admin")))
                .isEmpty());
        assertTrue(on("role_change", "u-app", "membership", "grant", "failure",
                Map.of("target_user_id", "u-2", "old_roles", List.of("user"), "new_roles", List.of("super_admin")))
                .isEmpty(), "a change that did not happen raised nothing");
    }

    @Test
    void attemptsOfOneAccountInOneWindowThenOneDecisionWindow() {
        RuleEvents.Run run = new RuleEvents.Run(rule);
        Finding first = run.on(RuleEvents.event("privilege_escalation", "u-1", null, AT, "user", "create", "denied",
                Map.of())).get(0);
        Finding second = run.on(RuleEvents.event("privilege_escalation", "u-1", null, AT.plusSeconds(479), "user",
                "create", "denied", Map.of())).get(0);
        assertEquals(first.windowStart(), second.windowStart(), "same window, so the same decision id");
        Finding next = run.on(RuleEvents.event("privilege_escalation", "u-1", null, AT.plusSeconds(480), "user",
                "create", "denied", Map.of())).get(0);
        assertEquals(first.windowEnd(), next.windowStart(), "10:15 opens the next window");
    }
}
