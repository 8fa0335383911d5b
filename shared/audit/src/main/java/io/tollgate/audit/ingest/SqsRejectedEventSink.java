package io.tollgate.audit.ingest;

import io.tollgate.audit.AuditDeliveryException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Rejected events to the audit dead-letter queue (SQS FIFO): same group (tenant), deduplicated by
 * the SHA-256 of the body, the reason in the message attribute {@code reason}.
 */
public final class SqsRejectedEventSink implements RejectedEventSink {

    /** Group of rejected messages that named no tenant. */
    static final String NO_GROUP = "_rejected";

    private final SqsClient sqs;
    private final String deadLetterQueueUrl;

    public SqsRejectedEventSink(SqsClient sqs, String deadLetterQueueUrl) {
        this.sqs = Objects.requireNonNull(sqs, "sqs");
        this.deadLetterQueueUrl = Objects.requireNonNull(deadLetterQueueUrl, "deadLetterQueueUrl");
    }

    @Override
    public void reject(String body, Optional<String> groupId, String reason) {
        try {
            sqs.sendMessage(r -> r.queueUrl(deadLetterQueueUrl).messageBody(body)
                    .messageGroupId(groupId.orElse(NO_GROUP))
                    .messageDeduplicationId(sha256(body))
                    .messageAttributes(Map.of("reason", MessageAttributeValue.builder().dataType("String")
                            .stringValue(reason).build())));
        } catch (SdkException e) {
            throw new AuditDeliveryException("SQS SendMessage to the audit dead-letter queue failed ("
                    + e.getClass().getSimpleName() + ")", e);
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
