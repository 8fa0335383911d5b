package io.tollgate.audit.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.RequestFacts;
import io.tollgate.audit.chain.AuditChainStore;
import io.tollgate.audit.chain.SubjectFacts;
import io.tollgate.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer side of the audit queue: validates each message's event (one of
 * Tollgate's own that fails is validated again with its request facts normalised, ADR 0059),
 * dead-letters the invalid ones with their reason, protects personal data, and appends each tenant's valid events to
 * its chain in message order. Returns the ids of the messages to retry (SQS partial batch failure):
 * for a tenant whose append failed, every one of its valid messages of the batch, so FIFO order
 * holds and nothing is stored twice (the chain skips event ids it already has). One bad record or
 * one contended tenant never blocks the others.
 */
public final class AuditIngestion {

    private static final Logger LOG = LoggerFactory.getLogger(AuditIngestion.class);

    private final AuditEventValidator validator;
    private final PersonalDataProtector protector;
    private final AuditChainStore chains;
    private final RejectedEventSink rejects;

    public AuditIngestion(AuditEventValidator validator, PersonalDataProtector protector, AuditChainStore chains,
            RejectedEventSink rejects) {
        this.validator = Objects.requireNonNull(validator, "validator");
        this.protector = Objects.requireNonNull(protector, "protector");
        this.chains = Objects.requireNonNull(chains, "chains");
        this.rejects = Objects.requireNonNull(rejects, "rejects");
    }

    /** One queue message: its id, body, and FIFO message group (the tenant). */
    public record Message(String id, String body, Optional<String> groupId) {
        public Message {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(body, "body");
            Objects.requireNonNull(groupId, "groupId");
        }
    }

    /** What a batch did. */
    public record Outcome(List<String> failedMessageIds, int stored, int duplicates, int rejected) {
        public Outcome {
            failedMessageIds = List.copyOf(failedMessageIds);
        }
    }

    private record Accepted(Message message, AuditEvent event) {
    }

    public Outcome ingest(List<Message> messages) {
        List<String> failed = new ArrayList<>();
        Map<String, List<Accepted>> byTenant = new LinkedHashMap<>();
        int rejected = 0;
        for (Message message : messages) {
            Validation validation = validate(message);
            if (validation instanceof Validation.Invalid invalid) {
                try {
                    rejects.reject(message.body(), message.groupId(), invalid.reason());
                    rejected++;
                    LOG.info("audit event rejected messageId={} reason={}", message.id(), invalid.reason());
                } catch (RuntimeException e) {
                    LOG.error("audit event rejection not stored messageId={} exception={}", message.id(),
                            e.getClass().getName(), e);
                    failed.add(message.id());
                }
            } else if (validation instanceof Validation.Valid valid) {
                byTenant.computeIfAbsent(valid.event().tenantId(), t -> new ArrayList<>())
                        .add(new Accepted(message, valid.event()));
            }
        }
        int stored = 0;
        int duplicates = 0;
        for (Map.Entry<String, List<Accepted>> tenant : byTenant.entrySet()) {
            try {
                List<PersonalDataProtector.Protected> protectedEvents = protector.protectAll(
                        tenant.getValue().stream().map(Accepted::event).toList());
                Map<String, SubjectFacts> clear = new java.util.HashMap<>();
                protectedEvents.forEach(p -> p.clear().ifPresent(facts -> clear.put(p.event().eventId(), facts)));
                AuditChainStore.AppendResult result = chains.append(tenant.getKey(),
                        protectedEvents.stream().map(PersonalDataProtector.Protected::event).toList(), clear);
                stored += result.stored().size();
                duplicates += result.duplicates();
            } catch (RuntimeException e) {
                LOG.error("audit append failed tenant={} messages={} exception={}", tenant.getKey(),
                        tenant.getValue().size(), e.getClass().getName(), e);
                tenant.getValue().forEach(a -> failed.add(a.message().id()));
            }
        }
        return new Outcome(failed, stored, duplicates, rejected);
    }

    /**
     * Whether {@link #ingest} would accept {@code message}: the same validation, with nothing
     * stored or rejected (SnapStart priming runs the validation path with it, ADR 0049).
     */
    public boolean accepts(Message message) {
        return validate(message) instanceof Validation.Valid;
    }

    private Validation validate(Message message) {
        JsonNode node;
        try {
            node = Json.mapper().readTree(message.body());
        } catch (IOException e) {
            return new Validation.Invalid("malformed_json", "$");
        }
        Validation validation = validator.validate(node, message.groupId());
        if (validation instanceof Validation.Invalid && recordedByTollgate(node)) {
            return ownFactsNormalised(node).map(normal -> validator.validate(normal, message.groupId()))
                    .orElse(validation);
        }
        return validation;
    }

    private static boolean recordedByTollgate(JsonNode node) {
        return node.isObject() && (!node.hasNonNull("source") || AuditEvent.TOLLGATE.equals(node.get("source").asText()));
    }

    /**
     * A refused event of Tollgate's own with its optional request facts normalised
     * ({@link RequestFacts}, ADR 0059), as it would be built today: one written before
     * normalisation existed, redriven from the dead-letter queue, is chained instead of refused
     * again. Empty when the body does not read as an event (then the refusal stands).
     */
    private static Optional<JsonNode> ownFactsNormalised(JsonNode node) {
        try {
            return Optional.of(Json.mapper().valueToTree(RequestFacts.normalise(
                    Json.mapper().treeToValue(node, AuditEvent.class))));
        } catch (IOException | RuntimeException notAnEvent) {
            return Optional.empty();
        }
    }
}
