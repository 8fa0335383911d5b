package io.tollgate.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.tollgate.json.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each audit event as one JSON log line on the {@code tollgate.audit} logger, from which
 * CloudWatch Logs (or the local console) keeps it. The events carry no secrets by construction.
 */
public final class LoggingAuditPublisher implements AuditPublisher {

    private static final Logger AUDIT = LoggerFactory.getLogger("tollgate.audit");

    @Override
    public void publish(AuditEvent event) {
        try {
            AUDIT.info("{}", Json.mapper().writeValueAsString(event));
        } catch (JsonProcessingException e) {
            AUDIT.error("audit event not serialisable eventId={} type={}", event.eventId(), event.eventType(), e);
        }
    }
}
