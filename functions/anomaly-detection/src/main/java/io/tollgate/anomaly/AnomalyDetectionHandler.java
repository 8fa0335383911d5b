package io.tollgate.anomaly;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.tollgate.detection.AnomalyDetection;
import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.chain.ChainItems;
import io.tollgate.platform.TollgateServices;
import io.tollgate.storage.Attributes;
import io.tollgate.storage.Keys;
import io.tollgate.observability.LambdaLogging;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The audit table's stream consumer: every newly chained event ({@code SEQ#n} items;
 * heads, markers and digests are skipped) goes through {@link AnomalyDetection}. Records are
 * handled in stream order; the first that fails is answered as the batch item failure, so Lambda
 * (or the local runtime's poller) retries from it and nothing after it is skipped or reordered.
 */
public final class AnomalyDetectionHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {

    private static final Logger LOG = LoggerFactory.getLogger(AnomalyDetectionHandler.class);

    private final AnomalyDetection detection;

    /** Used by AWS Lambda. */
    public AnomalyDetectionHandler() {
        this(TollgateServices.fromEnvironment());
    }

    /** Used by the local runtime. */
    public AnomalyDetectionHandler(TollgateServices services) {
        this(AnomalyDetection.from(services));
    }

    public AnomalyDetectionHandler(AnomalyDetection detection) {
        this.detection = Objects.requireNonNull(detection, "detection");
    }

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        return LambdaLogging.around(context, () -> invoke(event));
    }

    private StreamsEventResponse invoke(DynamodbEvent event) {
        List<DynamodbEvent.DynamodbStreamRecord> records = event == null || event.getRecords() == null
                ? List.of() : event.getRecords();
        for (DynamodbEvent.DynamodbStreamRecord record : records) {
            try {
                chainedEvent(record).ifPresent(detection::onChainedEvent);
            } catch (RuntimeException e) {
                LOG.warn("anomaly detection failed on a stream record; retrying from it: {}", e.getClass().getSimpleName());
                return StreamsEventResponse.builder().withBatchItemFailures(List.of(
                        StreamsEventResponse.BatchItemFailure.builder()
                                .withItemIdentifier(record.getDynamodb().getSequenceNumber()).build())).build();
            }
        }
        return new StreamsEventResponse();
    }

    private static Optional<AuditEvent> chainedEvent(DynamodbEvent.DynamodbStreamRecord record) {
        // Only inserts are newly chained events; later changes (retention rewriting an item into a hash stub, an
        // erasure removing a subject's clear request facts, ADR 0061) are MODIFYs. The deployed event source
        // filters the same way (template.yaml FilterCriteria).
        if (!"INSERT".equals(record.getEventName()) || record.getDynamodb() == null || record.getDynamodb().getNewImage() == null) {
            return Optional.empty();
        }
        Map<String, AttributeValue> item = new HashMap<>();
        record.getDynamodb().getNewImage().forEach((name, value) -> item.put(name, sdk(value)));
        if (!Attributes.string(item, Keys.SK).orElse("").startsWith("SEQ#")) {
            return Optional.empty();
        }
        return ChainItems.event(item);
    }

    /** The Lambda event model's attribute value as the SDK's (the stream image is not the SDK type). */
    static AttributeValue sdk(com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue value) {
        if (value.getS() != null) {
            return AttributeValue.fromS(value.getS());
        }
        if (value.getN() != null) {
            return AttributeValue.fromN(value.getN());
        }
        if (value.getBOOL() != null) {
            return AttributeValue.fromBool(value.getBOOL());
        }
        if (value.getSS() != null) {
            return AttributeValue.fromSs(value.getSS());
        }
        if (value.getNS() != null) {
            return AttributeValue.fromNs(value.getNS());
        }
        if (value.getB() != null) {
            return AttributeValue.fromB(SdkBytes.fromByteBuffer(value.getB()));
        }
        if (value.getL() != null) {
            return AttributeValue.fromL(value.getL().stream().map(AnomalyDetectionHandler::sdk).toList());
        }
        if (value.getM() != null) {
            Map<String, AttributeValue> map = new HashMap<>();
            value.getM().forEach((k, v) -> map.put(k, sdk(v)));
            return AttributeValue.fromM(map);
        }
        return AttributeValue.fromNul(true);
    }
}
