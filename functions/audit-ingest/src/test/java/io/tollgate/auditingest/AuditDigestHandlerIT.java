package io.tollgate.auditingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.audit.testing.AuditTestbed;
import io.tollgate.audit.testing.TestAuditEvents;
import io.tollgate.json.Json;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The hourly digest through the sample scheduled event. */
class AuditDigestHandlerIT {

    private final AuditTestbed bed = new AuditTestbed();

    @Test
    void handleRequestWhenHeadMovedThenSignedOnceAndVerifiable() throws Exception {
        String tenant = AuditTestbed.newTenant();
        bed.audit.ingestion().ingest(List.of(AuditTestbed.message(TestAuditEvents.event(tenant, bed.testbed.clock.instant())),
                AuditTestbed.message(TestAuditEvents.event(tenant, bed.testbed.clock.instant()))));
        @SuppressWarnings("unchecked")
        Map<String, Object> event = Json.mapper().readValue(Files.readString(Path.of("../../events/audit-digest-schedule.json")),
                Map.class);
        AuditDigestHandler handler = new AuditDigestHandler(bed.audit);
        assertTrue((Integer) handler.handleRequest(event, null).get("signed") >= 1);
        assertEquals(2, bed.audit.digests().latest(tenant).orElseThrow().chainSeq());
        handler.handleRequest(event, null);
        assertEquals(1, bed.audit.digests().latest(tenant).orElseThrow().digestSeq(), "unchanged head not re-signed");
        assertTrue(bed.audit.verifier().verify(tenant, Optional.empty(), Optional.empty()).valid());
    }
}
