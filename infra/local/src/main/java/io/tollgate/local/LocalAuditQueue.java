package io.tollgate.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.AuditPublisher;
import io.tollgate.audit.ingest.RejectedEventSink;
import io.tollgate.devkit.LocalQueue;
import io.tollgate.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The local runtime's side of the audit queue: an {@link AuditPublisher} that sends each event to
 * the in-process {@link LocalQueue} exactly as {@code SqsAuditPublisher} sends it to SQS (same
 * body, group = tenant, deduplication id = event id), and also hands it to the publisher that
 * was configured before (the console log, or a test's recorder); and the dead-letter sink of
 * invalid events.
 */
final class LocalAuditQueue implements AuditPublisher {

    private final LocalQueue queue;
    private final AuditPublisher also;

    LocalAuditQueue(LocalQueue queue, AuditPublisher also) {
        this.queue = Objects.requireNonNull(queue, "queue");
        this.also = Objects.requireNonNull(also, "also");
    }

    @Override
    public void publish(AuditEvent event) {
        try {
            queue.send(Json.mapper().writeValueAsString(event), Optional.of(event.tenantId()), event.eventId(), Map.of());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Audit event not serialisable: " + event.eventType(), e);
        }
        also.publish(event);
    }

    /** Invalid events to {@code deadLetter}, with their reason as the {@code reason} attribute. */
    static RejectedEventSink deadLetterSink(LocalQueue deadLetter) {
        return (body, groupId, reason) -> deadLetter.send(body, Optional.of(groupId.orElse("_rejected")), sha256(body),
                Map.of("reason", reason));
    }

    private static String sha256(String body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }
}
