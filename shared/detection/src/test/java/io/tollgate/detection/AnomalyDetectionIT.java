package io.tollgate.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.AuditEventType;
import io.tollgate.lockout.FailureState;
import io.tollgate.storage.Keys;
import io.tollgate.testing.Testbed;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;

/** The brute-force-across-accounts rule on DynamoDB Local: counters, decision record, IP block, alert. */
class AnomalyDetectionIT {

    private static final String IP = "198.51.100.23";

    private final Testbed bed = new Testbed();
    private final AnomalyDetection detection = AnomalyDetection.from(bed.services);
    private final String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);

    private AuditEvent failure(String userId, String ip, Instant at) {
        return new AuditEvent(at, UUID.randomUUID().toString(), AuditEventType.LOGIN_FAILURE.wireName(),
                AuditEventType.LOGIN_FAILURE.severity(), userId, tenant, null, ip, "ua", "auth", "login", "failure",
                Map.of("reason", "wrong_password"), List.of());
    }

    private FailureState ipState(String ip) {
        return FailureState.from(Testbed.dynamoDb().getItem(GetItemRequest.builder().tableName(Testbed.TABLES.security())
                .key(Keys.ipCounter(tenant, ip)).consistentRead(true).build()).item());
    }

    private Optional<DetectionDecision> failAcross(int accounts, String ip) {
        Optional<DetectionDecision> last = Optional.empty();
        for (int i = 0; i < accounts; i++) {
            Optional<DetectionDecision> decided = detection.onEvent(failure("u-" + i, ip, bed.clock.instant())).stream()
                    .filter(d -> d.ruleId().equals(CrossAccountBruteForceRule.ID)).findFirst();
            if (decided.isPresent()) {
                last = decided;
            }
        }
        return last;
    }

    @Test
    void tenAccountsFromOneIpInSubmittedEventsThenAlertOnlyAndTheAddressIsNeverBlocked() {
        Optional<DetectionDecision> last = Optional.empty();
        for (int i = 0; i < 10; i++) {
            AuditEvent submitted = failure("u-" + i, IP, bed.clock.instant()).withSource("api_key:abcdefgh");
            Optional<DetectionDecision> decided = detection.onEvent(submitted).stream()
                    .filter(d -> d.ruleId().equals(CrossAccountBruteForceRule.ID)).findFirst();
            last = decided.isPresent() ? decided : last;
        }

        assertEquals(Finding.ALERT, last.orElseThrow().action());
        assertFalse(ipState(IP).lockedUntil().isPresent(), "a submitted event never blocks an address");
        assertEquals(1, bed.audit.ofType("security_alert").size(), "but it may alert");
    }

    @Test
    void nineAccountsFromOneIpThenNoDecisionAndNoBlock() {
        assertTrue(failAcross(9, IP).isEmpty());
        assertFalse(ipState(IP).lockedUntil().isPresent(), "no block below the threshold");
        assertTrue(bed.audit.ofType("security_alert").isEmpty());
    }

    @Test
    void tenAccountsFromOneIpThenDecisionRecordedIpBlockedAndOneAlert() {
        DetectionDecision decision = failAcross(10, IP).orElseThrow();

        Instant now = bed.clock.instant();
        assertTrue(ipState(IP).lockedUntil().orElseThrow().isAfter(now.plus(Duration.ofMinutes(59))),
                "the IP is blocked in the counter login reads, for the rule's block duration");
        DetectionStore.StoredDecision stored = detection.store().find(tenant, decision.decisionId()).orElseThrow();
        assertTrue(stored.acted());
        assertEquals(CrossAccountBruteForceRule.ID, stored.decision().ruleId());
        assertEquals(1, stored.decision().ruleVersion());
        assertEquals(10, ((Number) stored.decision().inputs().get("distinct_accounts")).intValue());
        assertEquals(10, ((Number) stored.decision().thresholds().get("distinct_accounts")).intValue());
        assertEquals(900, ((Number) stored.decision().thresholds().get("window_seconds")).intValue());
        assertEquals("block_ip", stored.decision().action());
        assertEquals(DetectionDecision.idFor(CrossAccountBruteForceRule.ID, 1, tenant, "ip:" + IP,
                CrossAccountBruteForceRule.defaults().windowStart(now)), decision.decisionId());

        List<AuditEvent> alerts = bed.audit.ofType("security_alert");
        assertEquals(1, alerts.size());
        assertTrue(alerts.get(0).eventId().matches("tg:alert:[0-9a-f-]{36}"), alerts.get(0).eventId());
        assertFalse(alerts.get(0).eventId().contains(decision.decisionId()), "the alert id is not derivable");
        assertEquals(decision.decisionId(), alerts.get(0).additionalData().get("decision_id"));
        assertEquals(IP, alerts.get(0).ipAddress());
    }

    @Test
    void oneAccountFailingManyTimesThenCountedOnce() {
        for (int i = 0; i < 30; i++) {
            assertTrue(detection.onEvent(failure("u-same", IP, bed.clock.instant())).isEmpty());
        }
        assertFalse(ipState(IP).lockedUntil().isPresent(), "repeats of one account are login lockout's business");
    }

    @Test
    void moreAccountsAfterTheDecisionThenNoSecondAlertAndNoOtherIpBlocked() {
        failAcross(19, IP).orElseThrow();
        assertEquals(1, bed.audit.ofType("security_alert").size(), "one decision per rule, subject and window");
        assertFalse(ipState("198.51.100.24").lockedUntil().isPresent());
    }

    @Test
    void decisionStoredButActionsInterruptedThenRedeliveryCompletesThemOnce() {
        Instant now = bed.clock.instant();
        Instant windowStart = CrossAccountBruteForceRule.defaults().windowStart(now);
        String id = DetectionDecision.idFor(CrossAccountBruteForceRule.ID, 1, tenant, "ip:" + IP, windowStart);
        assertTrue(detection.store().createPending(new DetectionDecision(id, tenant, CrossAccountBruteForceRule.ID, 1,
                "ip:" + IP, windowStart, windowStart.plus(Duration.ofMinutes(15)),
                CrossAccountBruteForceRule.defaults().thresholds(), Map.of("distinct_accounts", 10, "ip_address", IP),
                "HIGH", "block_ip", "e-crashed"), now));
        assertFalse(detection.store().find(tenant, id).orElseThrow().acted());

        assertEquals(id, failAcross(10, IP).orElseThrow().decisionId(), "the redelivered events find the pending decision");

        assertTrue(detection.store().find(tenant, id).orElseThrow().acted());
        assertTrue(ipState(IP).lockedUntil().isPresent());
        assertEquals(1, bed.audit.ofType("security_alert").size());
        assertEquals("e-crashed", detection.store().find(tenant, id).orElseThrow().decision().triggeringEventId(),
                "the stored decision is kept, not rewritten");
    }

    @Test
    void accountsOfAnotherTenantThenCountedSeparately() {
        for (int i = 0; i < 9; i++) {
            detection.onEvent(failure("u-" + i, IP, bed.clock.instant()));
        }
        AuditEvent otherTenant = new AuditEvent(bed.clock.instant(), "e-x", "auth_failure",
                AuditEventType.LOGIN_FAILURE.severity(), "u-99", tenant + "-b", null, IP, "ua", "auth", "login",
                "failure", Map.of(), List.of());
        assertTrue(detection.onEvent(otherTenant).isEmpty());
        assertFalse(ipState(IP).lockedUntil().isPresent());
    }
}
