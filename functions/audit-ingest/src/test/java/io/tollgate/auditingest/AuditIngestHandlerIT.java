package io.tollgate.auditingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import io.tollgate.audit.chain.StoredLink;
import io.tollgate.audit.platform.AuditServices;
import io.tollgate.audit.testing.AuditTestbed;
import io.tollgate.audit.testing.TestAuditEvents;
import io.tollgate.crypto.EnvelopeEncryptor;
import io.tollgate.crypto.LocalKeyRing;
import io.tollgate.audit.chain.LocalDigestSigner;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The audit queue consumer through the sample SQS event, on DynamoDB Local. */
class AuditIngestHandlerIT {

    private final AuditTestbed bed = new AuditTestbed();
    private final AuditIngestHandler handler = new AuditIngestHandler(bed.audit);

    @Test
    void handleRequestWhenSampleBatchThenMalformedRejectedAloneOthersChainedAndRedeliveryStoresNothing() {
        SQSEvent event = EventLoader.loadSQSEvent("../../events/audit-sqs-batch.json");
        long before = bed.audit.chains().readHead("acme").seq();
        SQSBatchResponse response = handler.handleRequest(event, null);
        assertEquals(List.of(), response.getBatchItemFailures());
        assertEquals(1, bed.rejected.size());
        assertEquals("invalid_timestamp:timestamp", bed.rejected.getFirst().reason());
        assertEquals(before + 2, bed.audit.chains().readHead("acme").seq());
        List<StoredLink> links = new ArrayList<>();
        bed.audit.chains().forEachLink("acme", before + 1, before + 2, links::add);
        assertEquals(List.of("evt-sample-1", "evt-sample-2"),
                links.stream().map(l -> l.event().orElseThrow().eventId()).toList());
        assertEquals("HIGH", links.get(0).event().orElseThrow().severity().name(), "given severity kept");
        assertEquals("HIGH", links.get(1).event().orElseThrow().severity().name(), "data_export is HIGH (seed 000)");
        assertTrue(bed.audit.verifier().verify("acme", Optional.empty(), Optional.empty()).valid());

        assertEquals(List.of(), handler.handleRequest(event, null).getBatchItemFailures());
        assertEquals(before + 2, bed.audit.chains().readHead("acme").seq(), "a redelivered batch stores nothing");
    }

    @Test
    void handleRequestWhenChainUnavailableThenEveryMessageOfTheTenantReportedForRetry() {
        SecureRandom random = new SecureRandom();
        AuditServices broken = AuditServices.of(bed.testbed.services, "NoSuchAuditTable",
                EnvelopeEncryptor.withDefaultCache(LocalKeyRing.inMemory(random), bed.testbed.clock, random),
                LocalDigestSigner.inMemory(random), (body, group, reason) -> { });
        String tenant = AuditTestbed.newTenant();
        SQSEvent event = new SQSEvent();
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
            record.setMessageId("m" + i);
            record.setBody(TestAuditEvents.json(TestAuditEvents.event(tenant, bed.testbed.clock.instant())));
            record.setAttributes(Map.of("MessageGroupId", tenant));
            records.add(record);
        }
        event.setRecords(records);
        SQSBatchResponse response = new AuditIngestHandler(broken).handleRequest(event, null);
        assertEquals(List.of("m0", "m1", "m2"),
                response.getBatchItemFailures().stream().map(SQSBatchResponse.BatchItemFailure::getItemIdentifier).toList());
    }
}
