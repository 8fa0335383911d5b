package io.tollgate.audit.verification;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.tollgate.json.Json;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.sqs.SqsClient;

/** {@link VerificationJobQueue} on the SQS standard queue {@code AuditVerificationQueue} (template.yaml). */
public final class SqsVerificationJobQueue implements VerificationJobQueue {

    private final SqsClient sqs;
    private final String queueUrl;

    public SqsVerificationJobQueue(SqsClient sqs, String queueUrl) {
        this.sqs = Objects.requireNonNull(sqs, "sqs");
        this.queueUrl = Objects.requireNonNull(queueUrl, "queueUrl");
    }

    @Override
    public void enqueue(Message message) {
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body(message)));
    }

    /** The JSON body of a message. */
    public static String body(Message message) {
        try {
            return Json.mapper().writeValueAsString(Map.of("tenant_id", message.tenantId(), "job_id", message.jobId()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a job message is not serialisable", e);
        }
    }

    /** Reads a message body; {@link IllegalArgumentException} when it is not one. */
    public static Message parse(String body) {
        try {
            var node = Json.mapper().readTree(body);
            if (node == null || !node.path("tenant_id").isTextual() || !node.path("job_id").isTextual()) {
                throw new IllegalArgumentException("not a verification job message");
            }
            return new Message(node.get("tenant_id").asText(), node.get("job_id").asText());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a verification job message", e);
        }
    }
}
