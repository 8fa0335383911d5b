package io.tollgate.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import io.tollgate.detection.AnomalyDetection;
import io.tollgate.detection.CrossAccountBruteForceRule;
import io.tollgate.detection.DetectionDecision;
import io.tollgate.detection.DetectionRule;
import io.tollgate.detection.PrivilegeEscalationRule;
import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.AuditEventType;
import io.tollgate.json.Json;
import io.tollgate.lockout.FailureState;
import io.tollgate.storage.Attributes;
import io.tollgate.storage.Keys;
import io.tollgate.testing.Testbed;
import io.tollgate.user.UserAccount;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;

/** Account locks and the minute sweep on DynamoDB Local (ADR 0021, 0022). */
class AnomalyActionsIT {

    private static final String SAMPLE = "../../events/anomaly-sweep-schedule.json";

    private final Testbed bed = new Testbed();
    private final AnomalyDetection detection = AnomalyDetection.from(bed.services);

    private static Map<String, AttributeValue> item(String table, Map<String, AttributeValue> key) {
        return Testbed.dynamoDb().getItem(GetItemRequest.builder().tableName(table).key(key).consistentRead(true)
                .build()).item();
    }

    private static Map<String, Object> scheduleEvent() throws Exception {
        return Json.mapper().readValue(Files.readString(Path.of(SAMPLE)), new TypeReference<>() {
        });
    }

    @Test
    void refusedEscalationThenAccountLockedSessionsVoidedAndCriticalAlert() {
        UserAccount alice = bed.newTenant();
        Instant now = bed.clock.instant();
        AuditEvent attempt = new AuditEvent(now, UUID.randomUUID().toString(), "privilege_escalation",
                AuditEventType.PRIVILEGE_ESCALATION.severity(), alice.userId(), alice.tenantId(), null, "192.0.2.44",
                "ua", "user", "update_roles", "denied", Map.of("reason", "role_above_caller"), List.of());

        List<DetectionDecision> decided = detection.onEvent(attempt);

        assertEquals(1, decided.size());
        DetectionDecision decision = decided.get(0);
        assertEquals(PrivilegeEscalationRule.ID, decision.ruleId());
        assertEquals("CRITICAL", decision.severity());
        FailureState lock = FailureState.from(item(Testbed.TABLES.identity(), Keys.user(alice.tenantId(), alice.username())));
        assertTrue(lock.lockedUntil().orElseThrow().isAfter(now.plus(Duration.ofHours(23))),
                "the account is locked in the item login reads, for the rule's 24 hours");
        assertTrue(Attributes.number(item(Testbed.TABLES.sessions(), Keys.userRevocation(alice.tenantId(),
                alice.userId())), "valid_after").orElseThrow() >= now.getEpochSecond(),
                "tokens issued before the lock are void for the authorizer");
        AuditEvent alert = bed.audit.ofType("security_alert").get(0);
        assertEquals("CRITICAL", alert.severity().name());
        assertEquals(alice.userId(), alert.userId());
        assertEquals("locked", alert.result());
        assertEquals(decision.decisionId(), alert.additionalData().get("decision_id"));
        assertEquals(1, bed.audit.ofType("logout_all").size(), "the revocation is itself audited");

        assertTrue(detection.onEvent(attempt).isEmpty(), "a redelivery decides nothing new");
        assertEquals(1, bed.audit.ofType("security_alert").size());
    }

    @Test
    void pendingDecisionOlderThanAMinuteThenSweepCompletesItOnceAndNotYoungerOnes() throws Exception {
        String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
        Instant now = bed.clock.instant();
        Instant window = DetectionRule.windowStart(now, Duration.ofMinutes(15));
        String ip = "198.51.100.200";
        String id = DetectionDecision.idFor(CrossAccountBruteForceRule.ID, 1, tenant, "ip:" + ip, window);
        assertTrue(detection.store().createPending(new DetectionDecision(id, tenant, CrossAccountBruteForceRule.ID, 1,
                "ip:" + ip, window, window.plus(Duration.ofMinutes(15)), CrossAccountBruteForceRule.defaults().thresholds(),
                Map.of("distinct_accounts", 10, "ip_address", ip), "HIGH", "block_ip", "e-given-up"), now));
        AnomalySweepHandler sweep = new AnomalySweepHandler(detection, bed.clock);

        Map<String, Object> early = sweep.handleRequest(scheduleEvent(), null);
        assertFalse(detection.store().find(tenant, id).orElseThrow().acted(), "the stream path has a minute first");
        assertEquals(0, early.get("completed"));

        bed.clock.advance(Duration.ofMinutes(2));
        Map<String, Object> answer = sweep.handleRequest(scheduleEvent(), null);

        assertTrue(((Number) answer.get("completed")).intValue() >= 1);
        assertTrue(detection.store().find(tenant, id).orElseThrow().acted());
        assertTrue(FailureState.from(item(Testbed.TABLES.security(), Keys.ipCounter(tenant, ip))).lockedUntil().isPresent());
        assertEquals(1, bed.audit.ofType("security_alert").stream().filter(a -> a.tenantId().equals(tenant)).count());

        sweep.handleRequest(scheduleEvent(), null);
        assertEquals(1, bed.audit.ofType("security_alert").stream().filter(a -> a.tenantId().equals(tenant)).count(),
                "a completed decision is not swept again");
    }
}
