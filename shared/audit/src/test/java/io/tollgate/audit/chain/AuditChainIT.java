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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The per-tenant hash chain on DynamoDB Local: concurrent producers, redelivery,
 * a malformed event in a batch, and each kind of tampering detected at the right sequence number.
 */
class AuditChainIT {

    private final AuditTestbed bed = new AuditTestbed();
    private final DynamoDbClient dynamoDb = bed.testbed.services.dynamoDb();

    private List<AuditEvent> events(String tenant, int count) {
        List<AuditEvent> events = new ArrayList<>();
        Instant start = bed.testbed.clock.instant();
        for (int i = 0; i < count; i++) {
            events.add(TestAuditEvents.event(tenant, start.plusMillis(i)));
        }
        return events;
    }

    private String chained(int count) {
        String tenant = AuditTestbed.newTenant();
        AuditIngestion.Outcome outcome = bed.audit.ingestion()
                .ingest(events(tenant, count).stream().map(AuditTestbed::message).toList());
        assertEquals(List.of(), outcome.failedMessageIds());
        assertEquals(count, outcome.stored());
        return tenant;
    }

    private VerificationReport verify(String tenant) {
        return bed.audit.verifier().verify(tenant, Optional.empty(), Optional.empty());
    }

    private static Map<String, AttributeValue> key(String tenant, long seq) {
        return AuditKeys.event(tenant, seq);
    }

    private void assertBroken(VerificationReport report, long seq, VerificationReport.Kind kind) {
        assertFalse(report.valid(), "expected a break");
        assertEquals(seq, report.broken().orElseThrow().seq(), report.broken().get().detail());
        assertEquals(kind, report.broken().get().kind(), report.broken().get().detail());
    }

    @Test
    void ingestWhenFourProducersInParallelThenOneGapFreeChainPerTenant() throws Exception {
        List<String> tenants = List.of(AuditTestbed.newTenant(), AuditTestbed.newTenant(), AuditTestbed.newTenant());
        Map<String, Set<String>> sent = new HashMap<>();
        List<List<AuditIngestion.Message>> producers = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            producers.add(new ArrayList<>());
        }
        for (int i = 0; i < 1000; i++) {
            String tenant = tenants.get(i % tenants.size());
            AuditEvent event = TestAuditEvents.event(tenant, bed.testbed.clock.instant().plusMillis(i));
            sent.computeIfAbsent(tenant, t -> new HashSet<>()).add(event.eventId());
            producers.get(i % 4).add(AuditTestbed.message(event));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (List<AuditIngestion.Message> producer : producers) {
                AuditIngestion container = bed.newContainer().ingestion();
                done.add(pool.submit(() -> {
                    int redeliveries = 0;
                    for (int from = 0; from < producer.size(); from += 10) {
                        List<AuditIngestion.Message> batch = producer.subList(from, Math.min(producer.size(), from + 10));
                        // Like SQS: failed records come back until they succeed.
                        while (!batch.isEmpty()) {
                            Set<String> failed = new HashSet<>(container.ingest(batch).failedMessageIds());
                            batch = batch.stream().filter(m -> failed.contains(m.id())).toList();
                            redeliveries += batch.size();
                        }
                    }
                    return redeliveries;
                }));
            }
            for (Future<Integer> producer : done) {
                producer.get();
            }
        } finally {
            pool.shutdown();
        }
        int total = 0;
        for (String tenant : tenants) {
            List<StoredLink> links = new ArrayList<>();
            bed.audit.chains().forEachLink(tenant, 1, Long.MAX_VALUE / 2, links::add);
            Set<String> stored = new HashSet<>();
            for (int i = 0; i < links.size(); i++) {
                assertEquals(i + 1, links.get(i).position(), "gap-free positions");
                assertTrue(stored.add(links.get(i).event().orElseThrow().eventId()), "each event once");
            }
            assertEquals(sent.get(tenant), stored);
            VerificationReport report = verify(tenant);
            assertTrue(report.valid(), () -> report.broken().toString());
            assertEquals(links.size(), report.head().seq());
            total += links.size();
        }
        assertEquals(1000, total);
    }

    @Test
    void ingestWhenBatchRedeliveredThenNothingStoredTwice() {
        String tenant = AuditTestbed.newTenant();
        List<AuditIngestion.Message> batch = events(tenant, 10).stream().map(AuditTestbed::message).toList();
        assertEquals(10, bed.audit.ingestion().ingest(batch).stored());
        AuditIngestion.Outcome again = bed.newContainer().ingestion().ingest(batch);
        assertEquals(0, again.stored());
        assertEquals(10, again.duplicates());
        assertEquals(10, bed.audit.chains().readHead(tenant).seq());
        assertTrue(verify(tenant).valid());
    }

    @Test
    void ingestWhenOneMalformedEventInBatchOfTenThenOnlyItIsRejected() {
        String tenant = AuditTestbed.newTenant();
        List<AuditIngestion.Message> batch = new ArrayList<>(events(tenant, 10).stream().map(AuditTestbed::message).toList());
        AuditIngestion.Message bad = batch.get(4);
        batch.set(4, new AuditIngestion.Message(bad.id(), bad.body().replaceFirst("\"timestamp\":\"[^\"]+\"",
                "\"timestamp\":\"yesterday\""), bad.groupId()));
        AuditIngestion.Outcome outcome = bed.audit.ingestion().ingest(batch);
        assertEquals(List.of(), outcome.failedMessageIds());
        assertEquals(9, outcome.stored());
        assertEquals(1, outcome.rejected());
        assertEquals(1, bed.rejected.size());
        assertEquals("invalid_timestamp:timestamp", bed.rejected.getFirst().reason());
        assertEquals(Optional.of(tenant), bed.rejected.getFirst().groupId());
        assertEquals(9, bed.audit.chains().readHead(tenant).seq());
        assertTrue(verify(tenant).valid());
    }

    @Test
    void ingestWhenGroupNamesAnotherTenantThenRejectedAsMismatch() {
        String tenant = AuditTestbed.newTenant();
        AuditEvent event = TestAuditEvents.event(tenant, bed.testbed.clock.instant());
        AuditIngestion.Message forged = new AuditIngestion.Message("m1", TestAuditEvents.json(event),
                Optional.of(AuditTestbed.newTenant()));
        AuditIngestion.Outcome outcome = bed.audit.ingestion().ingest(List.of(forged));
        assertEquals(1, outcome.rejected());
        assertEquals("tenant_mismatch:tenant_id", bed.rejected.getFirst().reason());
        assertEquals(0, bed.audit.chains().readHead(tenant).seq());
    }

    @Test
    void verifyWhenChainUntouchedThenValidWithEveryEventAndDigestChecked() {
        String tenant = chained(15);
        assertTrue(bed.audit.digests().sign(tenant).isPresent());
        VerificationReport report = verify(tenant);
        assertTrue(report.valid(), () -> report.broken().toString());
        assertEquals(15, report.eventsChecked());
        assertEquals(1, report.digestsChecked());
    }

    @Test
    void verifyWhenItemEditedThenBrokenAtItsSequence() {
        String tenant = chained(20);
        dynamoDb.updateItem(r -> r.tableName(AuditTestbed.TABLE).key(key(tenant, 7))
                .updateExpression("SET #r = :r").expressionAttributeNames(Map.of("#r", "result"))
                .expressionAttributeValues(Map.of(":r", Attributes.s("failure"))));
        assertBroken(verify(tenant), 7, VerificationReport.Kind.EDITED);
    }

    @Test
    void verifyWhenItemDeletedThenBrokenAtItsSequence() {
        String tenant = chained(20);
        dynamoDb.deleteItem(r -> r.tableName(AuditTestbed.TABLE).key(key(tenant, 12)));
        assertBroken(verify(tenant), 12, VerificationReport.Kind.DELETED);
    }

    @Test
    void verifyWhenLastItemDeletedThenBrokenAtTheHead() {
        String tenant = chained(5);
        dynamoDb.deleteItem(r -> r.tableName(AuditTestbed.TABLE).key(key(tenant, 5)));
        assertBroken(verify(tenant), 5, VerificationReport.Kind.DELETED);
    }

    @Test
    void verifyWhenTwoItemsSwappedThenBrokenAtTheFirstOfThem() {
        String tenant = chained(20);
        Map<String, AttributeValue> fifth = get(tenant, 5);
        Map<String, AttributeValue> ninth = get(tenant, 9);
        put(tenant, 5, ninth);
        put(tenant, 9, fifth);
        assertBroken(verify(tenant), 5, VerificationReport.Kind.REORDERED);
    }

    @Test
    void verifyWhenTailRewrittenConsistentlyThenDigestMismatchAtTheSignedHead() {
        String tenant = chained(10);
        bed.audit.digests().sign(tenant).orElseThrow();
        // An attacker edits event 8 and recomputes every hash after it, and the head: only the
        // signed digest still remembers the old hash of position 10.
        String previous = ChainItems.fromItem(get(tenant, 7)).hash();
        for (long seq = 8; seq <= 10; seq++) {
            Map<String, AttributeValue> item = new HashMap<>(get(tenant, seq));
            if (seq == 8) {
                item.put("result", Attributes.s("failure"));
            }
            AuditEvent event = ChainItems.fromItem(item).event().orElseThrow();
            String hash = AuditChain.hash(seq, previous, event);
            item.put("prev_hash", Attributes.s(previous));
            item.put("hash", Attributes.s(hash));
            dynamoDb.putItem(r -> r.tableName(AuditTestbed.TABLE).item(item));
            previous = hash;
        }
        String rewritten = previous;
        dynamoDb.updateItem(r -> r.tableName(AuditTestbed.TABLE).key(AuditKeys.head(tenant))
                .updateExpression("SET #h = :h").expressionAttributeNames(Map.of("#h", "hash"))
                .expressionAttributeValues(Map.of(":h", Attributes.s(rewritten))));
        assertBroken(verify(tenant), 10, VerificationReport.Kind.DIGEST_MISMATCH);
    }

    @Test
    void verifyWhenDigestSignatureReplacedThenSignatureInvalid() {
        String tenant = chained(4);
        SignedDigest digest = bed.audit.digests().sign(tenant).orElseThrow();
        byte[] forged = digest.signature();
        forged[forged.length - 1] ^= 1;
        dynamoDb.updateItem(r -> r.tableName(AuditTestbed.TABLE).key(AuditKeys.digest(tenant, 1))
                .updateExpression("SET #s = :s").expressionAttributeNames(Map.of("#s", "signature"))
                .expressionAttributeValues(Map.of(":s", Attributes.s(java.util.Base64.getEncoder().encodeToString(forged)))));
        assertBroken(verify(tenant), 4, VerificationReport.Kind.DIGEST_SIGNATURE_INVALID);
    }

    @Test
    void verifyWhenRangeGivenThenStartsAfterTheLastDigestBeforeIt() {
        String tenant = chained(6);
        bed.audit.digests().sign(tenant).orElseThrow();
        bed.testbed.clock.advance(Duration.ofHours(1));
        Instant from = bed.testbed.clock.instant();
        bed.audit.ingestion().ingest(events(tenant, 4).stream().map(AuditTestbed::message).toList());
        dynamoDb.updateItem(r -> r.tableName(AuditTestbed.TABLE).key(key(tenant, 3))
                .updateExpression("SET #r = :r").expressionAttributeNames(Map.of("#r", "result"))
                .expressionAttributeValues(Map.of(":r", Attributes.s("failure"))));
        VerificationReport recent = bed.audit.verifier().verify(tenant, Optional.of(from), Optional.empty());
        assertTrue(recent.valid(), () -> recent.broken().toString());
        assertEquals(7, recent.fromSeq());
        assertEquals(4, recent.eventsChecked());
        assertBroken(verify(tenant), 3, VerificationReport.Kind.EDITED);
    }

    @Test
    void verifyWhenRangeGivenThenProvingDigestsAreTheAnchorAndThoseSealingTheRange() {
        String tenant = chained(6);
        bed.audit.digests().sign(tenant).orElseThrow();
        bed.testbed.clock.advance(Duration.ofHours(1));
        Instant from = bed.testbed.clock.instant();
        bed.audit.ingestion().ingest(events(tenant, 4).stream().map(AuditTestbed::message).toList());
        bed.testbed.clock.advance(Duration.ofHours(1));
        bed.audit.digests().sign(tenant).orElseThrow();
        bed.testbed.clock.advance(Duration.ofHours(1));
        bed.audit.ingestion().ingest(events(tenant, 2).stream().map(AuditTestbed::message).toList());
        bed.testbed.clock.advance(Duration.ofHours(1));
        bed.audit.digests().sign(tenant).orElseThrow();

        VerificationReport middle = bed.audit.verifier().verify(tenant, Optional.of(from),
                Optional.of(from.plus(Duration.ofMinutes(30))));
        assertTrue(middle.valid(), () -> middle.broken().toString());
        assertEquals(7, middle.fromSeq());
        assertEquals(10, middle.toSeq());
        assertEquals(java.util.List.of(1L, 2L), middle.provingDigests(), "digest 1 anchors seq 6, digest 2 seals seq 10");
        assertEquals(java.util.List.of(1L, 2L, 3L), verify(tenant).provingDigests());
    }

    @Test
    void digestsWhenSignedTwiceThenSecondLinksToFirstAndUnchangedHeadIsSkipped() {
        String tenant = chained(3);
        SignedDigest first = bed.audit.digests().sign(tenant).orElseThrow();
        assertTrue(bed.audit.digests().sign(tenant).isEmpty(), "unchanged head is not signed again");
        bed.audit.ingestion().ingest(events(tenant, 2).stream().map(AuditTestbed::message).toList());
        SignedDigest second = bed.audit.digests().sign(tenant).orElseThrow();
        assertEquals(2, second.digestSeq());
        assertEquals(first.digestHash(), second.prevDigestHash());
        assertEquals(5, second.chainSeq());
        assertTrue(bed.audit.digests().signAll().stream().noneMatch(d -> d.tenantId().equals(tenant)));
        assertTrue(verify(tenant).valid());
    }

    @Test
    void ingestWhenAdditionalDataHasPersonalDataThenStoredEncryptedAndChainStillVerifies() {
        String tenant = AuditTestbed.newTenant();
        AuditEvent event = TestAuditEvents.event(tenant, bed.testbed.clock.instant(), "evt-pii-1",
                Map.of("email", "ana@example.com", "plan", "gold"));
        bed.audit.ingestion().ingest(List.of(AuditTestbed.message(event)));
        String stored = Attributes.requiredString(get(tenant, 1), "additional_data");
        assertFalse(stored.contains("ana@example.com"), stored);
        assertTrue(stored.contains("\"email\":\"enc:v2:"), stored);
        assertTrue(stored.contains("\"plan\":\"gold\""), stored);
        assertTrue(verify(tenant).valid());
    }

    private Map<String, AttributeValue> get(String tenant, long seq) {
        return dynamoDb.getItem(r -> r.tableName(AuditTestbed.TABLE).key(key(tenant, seq)).consistentRead(true)).item();
    }

    private void put(String tenant, long seq, Map<String, AttributeValue> from) {
        Map<String, AttributeValue> item = new HashMap<>(from);
        item.putAll(key(tenant, seq));
        dynamoDb.putItem(r -> r.tableName(AuditTestbed.TABLE).item(item));
    }
}
