package io.tollgate.retentionrun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.AuditSeverity;
import io.tollgate.audit.testing.AuditTestbed;
import io.tollgate.json.Json;
import io.tollgate.retention.RetentionServices;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The daily schedule through its sample events: dry run, then the real run. */
class RetentionHandlerIT {

    private final AuditTestbed bed = new AuditTestbed();

    @SuppressWarnings("unchecked")
    private static Map<String, Object> sample(String file) throws Exception {
        return Json.mapper().readValue(Files.readString(Path.of("../../events/" + file)), Map.class);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> line(Map<String, Object> answer, String dataClass, String tenant) {
        return ((List<Map<String, Object>>) answer.get("classes")).stream()
                .filter(l -> dataClass.equals(l.get("class")) && tenant.equals(l.get("tenant"))).findFirst().orElseThrow();
    }

    @Test
    void handleRequestWhenDryRunSampleThenReportsAndRealSamplePurges() throws Exception {
        String tenant = AuditTestbed.newTenant();
        AuditEvent old = new AuditEvent(bed.testbed.clock.instant().minus(Duration.ofDays(91)), UUID.randomUUID().toString(),
                "api.call", AuditSeverity.MEDIUM, "u-1", tenant, null, "192.0.2.7", "curl/8", "accounts", "read",
                "success", Map.of(), List.of());
        bed.audit.ingestion().ingest(List.of(AuditTestbed.message(old)));
        RetentionHandler handler = new RetentionHandler(RetentionServices.of(bed.audit, 100, 10_000).run());

        Map<String, Object> dry = handler.handleRequest(sample("retention-dry-run.json"), null);
        assertEquals(true, dry.get("dry_run"));
        assertEquals(1, ((Number) line(dry, "api_logs", tenant).get("eligible")).intValue());
        assertEquals(0, ((Number) line(dry, "api_logs", tenant).get("purged")).intValue());

        Map<String, Object> real = handler.handleRequest(sample("retention-schedule.json"), null);
        assertEquals(false, real.get("dry_run"));
        assertEquals(true, real.get("complete"));
        assertEquals(1, ((Number) line(real, "api_logs", tenant).get("purged")).intValue());
        assertTrue(bed.audit.verifier().verify(tenant, Optional.empty(), Optional.empty()).valid());
        assertEquals(1, bed.audit.verifier().verify(tenant, Optional.empty(), Optional.empty()).eventsPurged());
    }
}
