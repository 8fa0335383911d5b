package io.tollgate.audit.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.AuditPublisher;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@code POST /v1/audit/events} (docs/openapi.yaml): an external service submits up to
 * {@value #MAX_BATCH} events with its API key. Each is validated (bound to the key's tenant); the
 * valid ones go, in order, to the audit queue, where the consumer chains them like Tollgate's own
 * events; the answer counts them and names each rejected index with its code.
 */
public final class AuditSubmission {

    public static final int MAX_BATCH = 100;

    private final AuditEventValidator validator;
    private final AuditPublisher queue;

    public AuditSubmission(AuditEventValidator validator, AuditPublisher queue) {
        this.validator = Objects.requireNonNull(validator, "validator");
        this.queue = Objects.requireNonNull(queue, "queue");
    }

    /** One refused element of the batch: its index and the rejection code. */
    public record Rejection(int index, String code, String field) {
    }

    /** The answer: how many were accepted (queued) and which were refused. */
    public record Receipt(int accepted, List<Rejection> rejected) {
        public Receipt {
            rejected = List.copyOf(rejected);
        }
    }

    /**
     * @param events the JSON array posted (1..{@value #MAX_BATCH} elements; the caller checked the shape)
     * @param tenant       the API key's tenant
     * @param apiKeyPrefix the API key's public prefix: the chained events' {@code source} (ADR 0060)
     * @throws io.tollgate.audit.AuditDeliveryException if the queue refused the valid events
     */
    public Receipt submit(JsonNode events, String tenant, String apiKeyPrefix) {
        List<AuditEvent> valid = new ArrayList<>();
        List<Rejection> rejected = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            Validation validation = validator.validateSubmitted(events.get(i), tenant, apiKeyPrefix);
            switch (validation) {
                case Validation.Valid ok -> valid.add(ok.event());
                case Validation.Invalid invalid -> rejected.add(new Rejection(i, invalid.code(), invalid.field()));
            }
        }
        if (!valid.isEmpty()) {
            queue.publishAll(valid);
        }
        return new Receipt(valid.size(), rejected);
    }
}
