package io.tollgate.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import io.tollgate.detection.AccountLocker;
import io.tollgate.detection.AnomalyDetection;
import io.tollgate.detection.CrossAccountBruteForceRule;
import io.tollgate.detection.DetectionDecision;
import io.tollgate.detection.DetectionStore;
import io.tollgate.audit.AuditEvent;
import io.tollgate.lockout.FailureCounter;
import io.tollgate.session.SessionServices;
import io.tollgate.storage.Keys;
import io.tollgate.testing.Testbed;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;

/**
 * The stream handler on a recorded credential-stuffing attack ({@code events/anomaly-credential-stuffing-stream.json}:
 * one address failing on 12 accounts, two of them twice, around a genuine login from elsewhere).
 */
class AnomalyDetectionHandlerIT {

    private static final String SAMPLE = "../../events/anomaly-credential-stuffing-stream.json";
    private static final Instant RECORDED_WINDOW = Instant.parse("2026-11-23T09:00:00Z");

    private final Testbed bed = new Testbed();

    /** The recording, moved into a fresh tenant and into the current window (DynamoDB Local expires counters by wall clock). */
    private DynamodbEvent recording(String tenant) {
        DynamodbEvent event = EventLoader.loadDynamoDbEvent(SAMPLE);
        Duration shift = Duration.between(RECORDED_WINDOW, CrossAccountBruteForceRule.defaults().windowStart(bed.clock.instant()));
        for (DynamodbEvent.DynamodbStreamRecord record : event.getRecords()) {
            Map<String, AttributeValue> image = record.getDynamodb().getNewImage();
            if (image.containsKey("tenant_id")) {
                image.put("tenant_id", new AttributeValue().withS(tenant));
                image.put("timestamp", new AttributeValue().withS(Instant.parse(image.get("timestamp").getS()).plus(shift).toString()));
            }
        }
        return event;
    }

    private List<DetectionDecision> replay(String tenant) {
        new AnomalyDetectionHandler(bed.services).handleRequest(recording(tenant), null);
        return bed.audit.ofType("security_alert").stream().filter(alert -> alert.tenantId().equals(tenant))
                .map(alert -> AnomalyDetection.from(bed.services).store().find(tenant, (String) alert.additionalData().get("decision_id")).orElseThrow().decision())
                .toList();
    }

    @Test
    void recordedAttackThenOneDecisionAtTheTenthAccountAndTheAddressBlocked() {
        String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
        List<DetectionDecision> decisions = replay(tenant);

        assertEquals(1, decisions.size());
        DetectionDecision decision = decisions.get(0);
        assertEquals("ip:203.0.113.77", decision.subject());
        assertEquals("attack-52", decision.triggeringEventId(), "u-10 is the tenth distinct account (u-02 and u-05 repeat)");
        assertEquals(10, ((Number) decision.inputs().get("distinct_accounts")).intValue());
        assertTrue(Testbed.dynamoDb().getItem(GetItemRequest.builder().tableName(Testbed.TABLES.security())
                .key(Keys.ipCounter(tenant, "203.0.113.77")).consistentRead(true).build()).item().containsKey("locked_until"));
        assertTrue(Testbed.dynamoDb().getItem(GetItemRequest.builder().tableName(Testbed.TABLES.security())
                .key(Keys.ipCounter(tenant, "192.0.2.10")).build()).item().isEmpty(), "the genuine address is untouched");
    }

    @Test
    void recordedAttackReplayedTwiceThenSameDecisionsAndTheSecondDeliveryAddsNothing() {
        String first = "t-" + UUID.randomUUID().toString().substring(0, 8);
        String second = "t-" + UUID.randomUUID().toString().substring(0, 8);
        DetectionDecision a = replay(first).get(0);
        DetectionDecision b = replay(second).get(0);
        assertEquals(List.of(a.ruleId(), a.ruleVersion(), a.subject(), a.windowStart(), a.thresholds(), a.inputs(),
                a.action(), a.triggeringEventId()), List.of(b.ruleId(), b.ruleVersion(), b.subject(), b.windowStart(),
                b.thresholds(), b.inputs(), b.action(), b.triggeringEventId()));

        new AnomalyDetectionHandler(bed.services).handleRequest(recording(first), null);
        List<AuditEvent> alerts = bed.audit.ofType("security_alert").stream().filter(e -> e.tenantId().equals(first)).toList();
        assertEquals(1, alerts.size(), "a redelivered batch decides nothing new and alerts once");
    }

    @Test
    void storeUnavailableThenTheFirstFailingRecordIsReportedForRetry() {
        AnomalyDetection broken = new AnomalyDetection(new DetectionStore(Testbed.dynamoDb(), "NoSuchTable"),
                AnomalyDetection.detector(bed.services), new FailureCounter(Testbed.dynamoDb()),
                new AccountLocker(Testbed.dynamoDb(), Testbed.TABLES, SessionServices.create(bed.services),
                        new io.tollgate.authz.ApiKeyRepository(Testbed.dynamoDb(), Testbed.TABLES, bed.clock),
                        bed.services.audit()), bed.audit,
                "NoSuchTable", bed.clock);
        DynamodbEvent event = recording("t-" + UUID.randomUUID().toString().substring(0, 8));

        StreamsEventResponse response = new AnomalyDetectionHandler(broken).handleRequest(event, null);

        assertEquals(1, response.getBatchItemFailures().size());
        assertEquals(event.getRecords().get(1).getDynamodb().getSequenceNumber(),
                response.getBatchItemFailures().get(0).getItemIdentifier(),
                "the head item is skipped; the first chained failure cannot be counted and is retried from");
    }
}
