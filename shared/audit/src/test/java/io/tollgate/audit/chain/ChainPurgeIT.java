package io.tollgate.audit.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.ingest.AuditIngestion;
import io.tollgate.audit.testing.AuditTestbed;
import io.tollgate.audit.testing.TestAuditEvents;
import io.tollgate.storage.Attributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Retention purges on DynamoDB Local: hash stubs keep the chain verifiable. */
class ChainPurgeIT {

    private final AuditTestbed bed = new AuditTestbed();
    private final DynamoDbClient dynamoDb = bed.testbed.services.dynamoDb();
    private final ChainPurge purge = new ChainPurge(dynamoDb, AuditTestbed.TABLE);

    /** Events 1..old stamped eight years ago, the rest now. */
    private String chained(int old, int recent) {
        String tenant = AuditTestbed.newTenant();
        Instant now = bed.testbed.clock.instant();
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < old + recent; i++) {
            Instant at = i < old ? now.minus(Duration.ofDays(8 * 366)).plusMillis(i) : now.plusMillis(i);
            events.add(TestAuditEvents.event(tenant, at));
        }
        AuditIngestion.Outcome outcome = bed.audit.ingestion().ingest(events.stream().map(AuditTestbed::message).toList());
        assertEquals(old + recent, outcome.stored());
        return tenant;
    }

    private VerificationReport verify(String tenant) {
        return bed.audit.verifier().verify(tenant, Optional.empty(), Optional.empty());
    }

    @Test
    void olderThanWhenEventsAgedThenOnlyThoseOldestFirstPaged() {
        String tenant = chained(5, 3);
        Instant cutoff = bed.testbed.clock.instant().minus(Duration.ofDays(7 * 365));
        ChainPurge.Page first = purge.olderThan(tenant, cutoff, 3, Optional.empty());
        assertEquals(List.of(1L, 2L, 3L), first.events().stream().map(ChainPurge.AgedEvent::seq).toList());
        ChainPurge.Page second = purge.olderThan(tenant, cutoff, 3, first.cursor());
        assertEquals(List.of(4L, 5L), second.events().stream().map(ChainPurge.AgedEvent::seq).toList());
        assertTrue(second.cursor().isEmpty(), "last page has no cursor");
    }

    @Test
    void verifyWhenOldEventsPurgedThenValidAndPurgedRangeReported() {
        String tenant = chained(5, 3);
        bed.audit.digests().signAll();
        Instant now = bed.testbed.clock.instant();
        List<ChainPurge.AgedEvent> aged = purge.olderThan(tenant, now.minus(Duration.ofDays(7 * 365)), 100,
                Optional.empty()).events();
        assertEquals(5, purge.purge(tenant, aged, "run-1", "security_events", now));

        VerificationReport report = verify(tenant);
        assertTrue(report.valid(), () -> report.broken().toString());
        assertEquals(List.of(new VerificationReport.PurgedRange(1, 5)), report.purged());
        assertEquals(3, report.eventsChecked());
        Map<String, AttributeValue> stub = dynamoDb.getItem(r -> r.tableName(AuditTestbed.TABLE)
                .key(ChainPurge.stubKey(tenant, 2)).consistentRead(true)).item();
        assertEquals(Optional.of("run-1"), Attributes.string(stub, "purge_run"));
        for (String content : List.of("event_id", "user_id", "ip_address", "additional_data", "timestamp", "time_pk",
                "source", "sealed_ip_address", "sealed_user_agent", "subject_pk")) {
            assertFalse(stub.containsKey(content), content + " left on the stub");
        }
        assertTrue(purge.olderThan(tenant, now.minus(Duration.ofDays(7 * 365)), 100, Optional.empty()).events().isEmpty(),
                "stubs leave the time index");
    }

    @Test
    void purgeWhenRepeatedThenNothingPurgedTwice() {
        String tenant = chained(3, 1);
        Instant now = bed.testbed.clock.instant();
        List<ChainPurge.AgedEvent> aged = purge.olderThan(tenant, now.minus(Duration.ofDays(365)), 100,
                Optional.empty()).events();
        assertEquals(3, purge.purge(tenant, aged, "run-1", "security_events", now));
        assertEquals(0, purge.purge(tenant, aged, "run-2", "security_events", now));
        Map<String, AttributeValue> stub = dynamoDb.getItem(r -> r.tableName(AuditTestbed.TABLE)
                .key(ChainPurge.stubKey(tenant, 1)).consistentRead(true)).item();
        assertEquals(Optional.of("run-1"), Attributes.string(stub, "purge_run"), "first purge kept");
        assertTrue(verify(tenant).valid());
    }

    @Test
    void verifyWhenStubHashRewrittenThenBroken() {
        String tenant = chained(3, 2);
        Instant now = bed.testbed.clock.instant();
        purge.purge(tenant, purge.olderThan(tenant, now.minus(Duration.ofDays(365)), 100, Optional.empty()).events(),
                "run-1", "security_events", now);
        dynamoDb.updateItem(r -> r.tableName(AuditTestbed.TABLE).key(ChainPurge.stubKey(tenant, 2))
                .updateExpression("SET #h = :h").expressionAttributeNames(Map.of("#h", "hash"))
                .expressionAttributeValues(Map.of(":h", Attributes.s("0".repeat(64)))));
        VerificationReport report = verify(tenant);
        assertFalse(report.valid());
        assertEquals(2, report.broken().orElseThrow().seq(), report.broken().get().detail());
    }

    @Test
    void verifyWhenRecentEventTurnedIntoFakeStubOutOfOrderThenReordered() {
        String tenant = chained(0, 3);
        Map<String, AttributeValue> key = ChainPurge.stubKey(tenant, 2);
        dynamoDb.updateItem(r -> r.tableName(AuditTestbed.TABLE).key(key)
                .updateExpression("SET purged_at = :at, seq = :seq")
                .expressionAttributeValues(Map.of(":at", Attributes.s("2026-01-01T00:00:00Z"), ":seq", Attributes.n(7))));
        VerificationReport report = verify(tenant);
        assertEquals(VerificationReport.Kind.REORDERED, report.broken().orElseThrow().kind());
    }
}
