package io.tollgate.audit.verification;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.chain.AuditChainStore;
import io.tollgate.audit.chain.AuditDigests;
import io.tollgate.audit.chain.AuditKeys;
import io.tollgate.audit.chain.LocalDigestSigner;
import io.tollgate.audit.chain.ChainVerifier;
import io.tollgate.audit.ingest.AuditIngestion;
import io.tollgate.audit.testing.AuditTestbed;
import io.tollgate.audit.testing.TestAuditEvents;
import io.tollgate.storage.Attributes;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Verification jobs on DynamoDB Local with a chunk of 7 positions: a job over several chunks gives the report
 * the synchronous verify gives, resumes from its checkpoint after an interrupted run, reports tampering in a
 * later chunk, and is never found under another tenant.
 */
class VerificationJobsIT {

    private static final long CHUNK = 7;

    private final AuditTestbed bed = new AuditTestbed();
    private final DynamoDbClient dynamoDb = bed.testbed.services.dynamoDb();
    private final VerificationJobs jobs = new VerificationJobs(dynamoDb, AuditTestbed.TABLE, bed.audit.verifier(),
            bed.testbed.clock, new SecureRandom(), CHUNK);

    private String chained(int count) {
        String tenant = AuditTestbed.newTenant();
        List<AuditEvent> events = new ArrayList<>();
        Instant start = bed.testbed.clock.instant();
        for (int i = 0; i < count; i++) {
            events.add(TestAuditEvents.event(tenant, start.plusMillis(i)));
        }
        AuditIngestion.Outcome outcome = bed.audit.ingestion().ingest(events.stream().map(AuditTestbed::message).toList());
        assertEquals(count, outcome.stored());
        return tenant;
    }

    /** Allows {@code chunks} chunks after the first (which every run walks), then says the run's time is up. */
    private static java.util.function.BooleanSupplier chunks(int chunks) {
        AtomicInteger left = new AtomicInteger(chunks);
        return () -> left.getAndDecrement() > 0;
    }

    @Test
    void runWhenRangeSpansSeveralChunksThenCompletedWithTheSynchronousReport() {
        String tenant = chained(30);
        VerificationJob job = jobs.create(tenant, Optional.empty(), Optional.empty());
        assertEquals(VerificationJob.Status.PENDING, jobs.find(tenant, job.id()).orElseThrow().status());

        assertFalse(jobs.run(tenant, job.id(), () -> true));

        VerificationJob done = jobs.find(tenant, job.id()).orElseThrow();
        assertEquals(VerificationJob.Status.COMPLETED, done.status());
        Map<String, Object> report = done.report().orElseThrow();
        assertEquals(true, report.get("valid"));
        assertEquals(30, ((Number) report.get("events")).intValue());
        Map<String, Object> synchronous = bed.audit.verifier().verify(tenant, Optional.empty(), Optional.empty()).wire();
        assertEquals(synchronous.get("head"), report.get("head"));
        assertEquals(synchronous.get("to_seq"), ((Number) report.get("to_seq")).longValue());
    }

    @Test
    void runWhenInterruptedAfterTwoChunksThenNextRunResumesFromTheCheckpoint() {
        String tenant = chained(30);
        VerificationJob job = jobs.create(tenant, Optional.empty(), Optional.empty());

        assertTrue(jobs.run(tenant, job.id(), chunks(1)), "time ran out after two chunks: a continuation is needed");
        ChainVerifier.Progress checkpoint = jobs.find(tenant, job.id()).orElseThrow().progress().orElseThrow();
        assertEquals(1 + 2 * CHUNK, checkpoint.nextSeq());
        assertEquals(2 * CHUNK, checkpoint.checked());

        // The positions already checked are not read again: tampering there after the checkpoint goes unseen by
        // this job, which proves the second run starts at the checkpoint rather than at position 1.
        edit(tenant, 3);
        assertFalse(jobs.run(tenant, job.id(), () -> true));
        VerificationJob done = jobs.find(tenant, job.id()).orElseThrow();
        assertEquals(VerificationJob.Status.COMPLETED, done.status());
        assertEquals(true, done.report().orElseThrow().get("valid"));
        assertEquals(30, ((Number) done.report().orElseThrow().get("events")).intValue());
        assertFalse(bed.audit.verifier().verify(tenant, Optional.empty(), Optional.empty()).valid(),
                "a fresh verification sees the edit");
    }

    @Test
    void runWhenAnEventOfALaterChunkWasEditedThenCompletedWithTheBreak() {
        String tenant = chained(30);
        edit(tenant, 23);
        VerificationJob job = jobs.create(tenant, Optional.empty(), Optional.empty());
        assertFalse(jobs.run(tenant, job.id(), () -> true));
        Map<String, Object> report = jobs.find(tenant, job.id()).orElseThrow().report().orElseThrow();
        assertEquals(false, report.get("valid"));
        assertEquals(23, ((Number) report.get("broken_at")).intValue());
        assertEquals("edited", report.get("reason"));
    }

    @Test
    void runWhenAPositionAtAChunkEndIsDeletedThenBrokenThereAsDeleted() {
        String tenant = chained(20);
        dynamoDb.deleteItem(r -> r.tableName(AuditTestbed.TABLE).key(seqKey(tenant, 2 * CHUNK)));
        VerificationJob job = jobs.create(tenant, Optional.empty(), Optional.empty());
        assertFalse(jobs.run(tenant, job.id(), () -> true));
        Map<String, Object> report = jobs.find(tenant, job.id()).orElseThrow().report().orElseThrow();
        assertEquals(14, ((Number) report.get("broken_at")).intValue());
        assertEquals("deleted", report.get("reason"));
    }

    @Test
    void runWhenRunsKeepDyingBeforeTheirFirstChunkThenFailedAndNotRunAgain() {
        String tenant = chained(10);
        VerificationJob job = jobs.create(tenant, Optional.empty(), Optional.empty());
        // A worker whose chain reads fail (as one killed mid-chunk): begin() is saved, then the run dies.
        AuditChainStore unreadable = new AuditChainStore(dynamoDb, "NoSuchAuditTable", bed.testbed.clock);
        VerificationJobs dying = new VerificationJobs(dynamoDb, AuditTestbed.TABLE, new ChainVerifier(unreadable,
                new AuditDigests(dynamoDb, unreadable, LocalDigestSigner.inMemory(new SecureRandom()), bed.testbed.clock)),
                bed.testbed.clock, new SecureRandom(), CHUNK);
        for (int run = 0; run < VerificationJob.MAX_STALLED_RUNS; run++) {
            assertThrows(RuntimeException.class, () -> dying.run(tenant, job.id(), () -> true));
            VerificationJob stalled = jobs.find(tenant, job.id()).orElseThrow();
            assertEquals(VerificationJob.Status.RUNNING, stalled.status());
            assertEquals(run + 1, stalled.stalledRuns());
        }
        assertFalse(jobs.run(tenant, job.id(), () -> true));
        VerificationJob failed = jobs.find(tenant, job.id()).orElseThrow();
        assertEquals(VerificationJob.Status.FAILED, failed.status());
        assertTrue(failed.report().isEmpty());
        assertFalse(jobs.run(tenant, job.id(), () -> true), "a failed job is not run again");
        assertEquals(VerificationJob.Status.FAILED, jobs.find(tenant, job.id()).orElseThrow().status());
    }

    @Test
    void runWhenEveryRunIsCutShortAfterItsFirstChunkThenStillCompletes() {
        String tenant = chained(30);
        VerificationJob job = jobs.create(tenant, Optional.empty(), Optional.empty());
        int runs = 1;
        while (jobs.run(tenant, job.id(), () -> false)) {
            runs++;
        }
        assertEquals(5, runs, "30 positions in chunks of 7");
        VerificationJob done = jobs.find(tenant, job.id()).orElseThrow();
        assertEquals(VerificationJob.Status.COMPLETED, done.status());
        assertEquals(true, done.report().orElseThrow().get("valid"));
    }

    @Test
    void findWhenAnotherTenantAsksThenNothingAndItsRunChangesNothing() {
        String owner = chained(5);
        String other = chained(5);
        VerificationJob job = jobs.create(owner, Optional.empty(), Optional.empty());
        assertTrue(jobs.find(other, job.id()).isEmpty());
        assertFalse(jobs.run(other, job.id(), () -> true));
        assertEquals(VerificationJob.Status.PENDING, jobs.find(owner, job.id()).orElseThrow().status());
    }

    @Test
    void findWhenPastItsRetentionOrMalformedThenNothing() {
        String tenant = chained(3);
        VerificationJob job = jobs.create(tenant, Optional.empty(), Optional.empty());
        assertTrue(jobs.find(tenant, "../" + job.id()).isEmpty());
        bed.testbed.clock.advance(VerificationJob.RETENTION.plus(Duration.ofSeconds(1)));
        assertTrue(jobs.find(tenant, job.id()).isEmpty());
    }

    private static Map<String, AttributeValue> seqKey(String tenant, long seq) {
        return Map.of("pk", Attributes.s(AuditKeys.chainPartition(tenant)),
                "sk", Attributes.s(String.format("SEQ#%020d", seq)));
    }

    private void edit(String tenant, long seq) {
        dynamoDb.updateItem(r -> r.tableName(AuditTestbed.TABLE).key(seqKey(tenant, seq))
                .updateExpression("SET #r = :r").expressionAttributeNames(Map.of("#r", "result"))
                .expressionAttributeValues(Map.of(":r", Attributes.s("failure")))
                .conditionExpression("attribute_exists(pk)"));
    }
}
