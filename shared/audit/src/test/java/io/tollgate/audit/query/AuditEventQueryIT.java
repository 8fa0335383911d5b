package io.tollgate.audit.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.AuditSeverity;
import io.tollgate.audit.ingest.PersonalDataProtector;
import io.tollgate.audit.testing.AuditTestbed;
import io.tollgate.audit.testing.TestAuditEvents;
import io.tollgate.http.ProblemException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code GET /v1/audit/events}'s query on DynamoDB Local: time order, filters, cursor paging, tenant scope. */
class AuditEventQueryIT {

    private final AuditTestbed bed = new AuditTestbed();
    private final AuditEventQuery query = bed.audit.query();
    private final Instant start = bed.testbed.clock.instant();

    private String tenantWith(int count) {
        String tenant = AuditTestbed.newTenant();
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            AuditEvent base = TestAuditEvents.event(tenant, start.plusSeconds(i));
            events.add(new AuditEvent(base.timestamp(), base.eventId(), i % 3 == 0 ? "login" : "data_query",
                    i % 3 == 0 ? AuditSeverity.HIGH : AuditSeverity.LOW, i % 2 == 0 ? "alice" : "bob", tenant, null,
                    null, null, null, null, i % 5 == 0 ? "failure" : "success", Map.of("email", "a@example.com"),
                    List.of()));
        }
        bed.audit.ingestion().ingest(events.stream().map(AuditTestbed::message).toList());
        return tenant;
    }

    @Test
    void findWhenPagedThenEveryEventOnceInTimeOrder() {
        String tenant = tenantWith(25);
        List<Long> seqs = new ArrayList<>();
        Optional<String> cursor = Optional.empty();
        do {
            AuditEventQuery.Page page = query.find(tenant, AuditEventQuery.Filter.none(), 10, cursor);
            page.events().forEach(e -> seqs.add((Long) e.get("seq")));
            cursor = page.cursor();
        } while (cursor.isPresent());
        assertEquals(java.util.stream.LongStream.rangeClosed(1, 25).boxed().toList(), seqs);
    }

    @Test
    void findWhenFilteredThenOnlyMatchingEvents() {
        String tenant = tenantWith(30);
        AuditEventQuery.Filter filter = new AuditEventQuery.Filter(Optional.of(start.plusSeconds(3)),
                Optional.of(start.plusSeconds(20)), Optional.of("login"), Optional.of(AuditSeverity.HIGH),
                Optional.of("alice"), Optional.empty());
        List<Map<String, Object>> events = query.find(tenant, filter, 100, Optional.empty()).events();
        // i in [3, 20], i % 3 == 0, i even: 6, 12, 18
        assertEquals(List.of(7L, 13L, 19L), events.stream().map(e -> (Long) e.get("seq")).toList());
    }

    @Test
    void findWhenPersonalDataStoredThenShownRedacted() {
        String tenant = tenantWith(1);
        Map<String, Object> event = query.find(tenant, AuditEventQuery.Filter.none(), 1, Optional.empty()).events().getFirst();
        assertEquals(Map.of("email", PersonalDataProtector.REDACTED), event.get("additional_data"));
    }

    @Test
    void findWhenCursorOfAnotherTenantThenRefused() {
        String acme = tenantWith(5);
        String globex = tenantWith(5);
        String cursor = query.find(acme, AuditEventQuery.Filter.none(), 2, Optional.empty()).cursor().orElseThrow();
        ProblemException refused = assertThrows(ProblemException.class,
                () -> query.find(globex, AuditEventQuery.Filter.none(), 2, Optional.of(cursor)));
        assertEquals("cursor", refused.errors().getFirst().field());
        assertThrows(ProblemException.class, () -> query.find(globex, AuditEventQuery.Filter.none(), 2,
                Optional.of("not-a-cursor")));
        assertTrue(query.find(globex, AuditEventQuery.Filter.none(), 10, Optional.empty()).events().stream()
                .allMatch(e -> globex.equals(e.get("tenant_id"))));
    }
}
