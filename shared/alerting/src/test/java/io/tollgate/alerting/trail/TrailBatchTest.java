package io.tollgate.alerting.trail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.AuditSeverity;
import io.tollgate.audit.chain.StoredLink;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TrailBatchTest {

    private static StoredLink link(long position) {
        AuditEvent event = new AuditEvent(Instant.parse("2026-03-01T10:00:00Z"), "e-" + position, "data_query",
                AuditSeverity.LOW, "u-1", "acme", null, null, "unknown", null, null, "success", Map.of(), List.of(), null);
        return new StoredLink(position, Optional.of(position), "p", "h" + position, Optional.of(event));
    }

    private static StoredLink stub(long position) {
        return new StoredLink(position, Optional.of(position), "p", "h" + position, Optional.empty(), true, Optional.empty());
    }

    private static List<Object> sequences(TrailBatch batch) {
        return batch.events().stream().map(e -> ((Map<?, ?>) e.get("metadata")).get("sequence")).map(Object.class::cast)
                .toList();
    }

    @Test
    void afterWhenLinksContiguousThenAllInOrderAndCursorMovesToTheLast() {
        TrailBatch batch = TrailBatch.after(4, List.of(link(5), link(6), link(7)));
        assertEquals(List.of(5L, 6L, 7L), sequences(batch));
        assertEquals(7, batch.lastSeq());
        assertTrue(batch.advances(4));
    }

    @Test
    void afterWhenGapThenStopsBeforeItSoNothingIsSkipped() {
        TrailBatch batch = TrailBatch.after(4, List.of(link(5), link(7), link(8)));
        assertEquals(List.of(5L), sequences(batch));
        assertEquals(5, batch.lastSeq());
    }

    @Test
    void afterWhenFirstLinkIsNotNextThenNothingAndTheCursorStays() {
        TrailBatch batch = TrailBatch.after(4, List.of(link(6)));
        assertEquals(List.of(), batch.events());
        assertFalse(batch.advances(4));
    }

    @Test
    void afterWhenPurgedStubThenPassedOverWithoutSendingAndTheCursorMovesPastIt() {
        TrailBatch batch = TrailBatch.after(0, List.of(link(1), stub(2), link(3)));
        assertEquals(List.of(1L, 3L), sequences(batch));
        assertEquals(3, batch.lastSeq());
    }

    @Test
    void afterWhenLinksAtOrBeforeTheCursorThenIgnored() {
        TrailBatch batch = TrailBatch.after(5, List.of(link(4), link(5), link(6)));
        assertEquals(List.of(6L), sequences(batch));
    }
}
