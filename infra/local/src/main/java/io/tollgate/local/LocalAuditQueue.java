package io.tollgate.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.AuditPublisher;
import io.tollgate.audit.ingest.RejectedEventSink;
import io.tollgate.devkit.LocalQueue;
import io.tollgate.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The local runtime's side of the audit queue: an {@link AuditPublisher} that sends each event to
 * the in-process {@link LocalQueue} exactly as {@code SqsAuditPublisher} sends it to SQS (same
 * body, group = tenant, deduplication id = event id), and also hands it to the publisher that
 * was configured before (the console log, or a test's recorder); the dead-letter sink of invalid
 * events; and the listing and redrive of the dead-letter queue ({@code ./tollgate audit dlq}).
 */
final class LocalAuditQueue implements AuditPublisher {

    /** The dead-letter group of a message that had none. */
    private static final String REJECTED_GROUP = "_rejected";

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
        return (body, groupId, reason) -> deadLetter.send(body, Optional.of(groupId.orElse(REJECTED_GROUP)), sha256(body),
                Map.of("reason", reason));
    }

    /**
     * {@code GET /_local/audit/dlq}: the dead-lettered messages, oldest first, each with its reason,
     * group, time and the event's id and type when readable; never the body (personal data).
     */
    static String listDeadLetters(LocalQueue deadLetter) {
        List<Map<String, Object>> listed = new ArrayList<>();
        for (LocalQueue.Message message : deadLetter.messages()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("message_id", message.id());
            entry.put("group", message.groupId().orElse(null));
            entry.put("reason", message.attributes().getOrDefault("reason", "receive_limit"));
            entry.put("sent_at", message.sentAt().toString());
            readable(message.body()).ifPresent(node -> {
                entry.put("event_id", node.path("event_id").asText(null));
                entry.put("event_type", node.path("event_type").asText(null));
            });
            listed.add(entry);
        }
        return json(Map.of("count", listed.size(), "messages", listed));
    }

    /**
     * {@code POST /_local/audit/dlq/replay}: moves every dead-lettered message back to the audit
     * queue, as {@code StartMessageMoveTask} does in AWS. The ingest validates each again (an event
     * of Tollgate's own refused for an absent or odd request fact is chained now, ADR 0059); one
     * still invalid returns to the dead-letter queue. A fresh deduplication id, since the original
     * may still be in the queue's window; the chain drops an event id it already holds.
     */
    static String replayDeadLetters(LocalQueue deadLetter, LocalQueue queue) {
        int replayed = 0;
        for (LocalQueue.Message message : deadLetter.removeAll()) {
            queue.send(message.body(), Optional.of(message.groupId().orElse(REJECTED_GROUP)), "replay-" + UUID.randomUUID(),
                    Map.of());
            replayed++;
        }
        return json(Map.of("replayed", replayed));
    }

    private static Optional<JsonNode> readable(String body) {
        try {
            return Optional.of(Json.mapper().readTree(body)).filter(JsonNode::isObject);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String json(Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write JSON", e);
        }
    }

    private static String sha256(String body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }
}
