package io.tollgate.testing;

import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.AuditPublisher;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Test double of {@link AuditPublisher}: keeps every event in memory. */
public final class RecordingAuditPublisher implements AuditPublisher {

    private final List<AuditEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void publish(AuditEvent event) {
        events.add(event);
    }

    public List<AuditEvent> events() {
        return List.copyOf(events);
    }

    public List<AuditEvent> ofType(String eventType) {
        return events.stream().filter(e -> e.eventType().equals(eventType)).toList();
    }

    public void clear() {
        events.clear();
    }
}
