package io.tollgate.audit;

import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Builds {@link AuditEvent}s for one request context (who, from where) and hands them to the
 * {@link AuditPublisher}, so services state only what happened. The optional request facts are
 * normalised ({@link RequestFacts}): an absent or odd header is never a reason for the ingest to
 * reject the event.
 */
public final class AuditRecorder {

    private final AuditPublisher publisher;
    private final Clock clock;

    public AuditRecorder(AuditPublisher publisher, Clock clock) {
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Who did it and from where; {@code userId} and {@code organizationId} may be null. */
    public record Actor(String tenantId, String userId, String organizationId, String ipAddress, String userAgent) {

        /** Tollgate itself, for platform events that belong to no tenant (e.g. key rotation). */
        public static Actor system() {
            return new Actor("_platform", "system", null, "127.0.0.1", "tollgate");
        }
    }

    public void record(AuditEventType type, Actor actor, String resource, String action, String result,
            Map<String, Object> additionalData) {
        Map<String, Object> data = RequestFacts.additionalData(additionalData);
        publisher.publish(RequestFacts.normalise(new AuditEvent(clock.instant(), UUID.randomUUID().toString(),
                type.wireName(), type.severity(), actor.userId(), actor.tenantId(), actor.organizationId(),
                actor.ipAddress(), actor.userAgent(), resource, action, result, data, type.complianceFlags(),
                AuditEvent.TOLLGATE)));
    }
}
