package io.tollgate.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tollgate.audit.AuditEventType;
import io.tollgate.audit.AuditRecorder;
import io.tollgate.testing.RecordingAuditPublisher;
import io.tollgate.testing.RecordingMetrics;
import io.tollgate.testing.TestClock;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecurityEventMetricsTest {

    private final RecordingAuditPublisher published = new RecordingAuditPublisher();
    private final RecordingMetrics metrics = new RecordingMetrics();
    private final AuditRecorder audit = new AuditRecorder(new SecurityEventMetrics(published, metrics),
            TestClock.startingNow());
    private final AuditRecorder.Actor actor = new AuditRecorder.Actor("acme", "u-1", null, "203.0.113.9", "test");

    @Test
    void recordWhenAccountLockedThenEventPublishedAndCountedByTypeAndSeverityWithoutTenant() {
        audit.record(AuditEventType.ACCOUNT_LOCKED, actor, "user", "lock", "locked", Map.of());

        assertEquals(1, published.ofType("account_locked").size());
        RecordingMetrics.Recorded counted = metrics.of(SecurityEventMetrics.METRIC).getFirst();
        assertEquals(Map.of("EventType", "account_locked", "Severity", "HIGH"), counted.dimensions());
        assertEquals(1.0, counted.values().get(SecurityEventMetrics.METRIC).value());
        assertEquals(Metrics.Unit.COUNT, counted.values().get(SecurityEventMetrics.METRIC).unit());
    }

    @Test
    void publishAllWhenThreeEventsThenAllHandedOnAndThreeCounts() {
        RecordingAuditPublisher source = new RecordingAuditPublisher();
        AuditRecorder plain = new AuditRecorder(source, TestClock.startingNow());
        plain.record(AuditEventType.LOGIN_SUCCESS, actor, "auth", "login", "success", Map.of());
        plain.record(AuditEventType.TOKEN_REUSE_DETECTED, actor, "session", "refresh", "denied", Map.of());
        plain.record(AuditEventType.LOGIN_SUCCESS, actor, "auth", "login", "success", Map.of());

        new SecurityEventMetrics(published, metrics).publishAll(source.events());

        assertEquals(3, published.events().size());
        assertEquals(3, metrics.of(SecurityEventMetrics.METRIC).size());
        assertEquals(2, metrics.of(SecurityEventMetrics.METRIC).stream()
                .filter(r -> r.dimensions().get("EventType").equals("login_success")).count());
    }
}
