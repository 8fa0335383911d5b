package io.tollgate.auditingest;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.tollgate.audit.ingest.AuditIngestion;
import io.tollgate.audit.platform.AuditServices;
import io.tollgate.platform.SnapStartPriming;
import io.tollgate.platform.TollgateServices;
import io.tollgate.observability.LambdaLogging;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The consumer of the audit queue (SQS FIFO, message group = tenant): hands the batch to
 * {@link AuditIngestion} and answers the messages to retry as an SQS partial batch response
 * ({@code ReportBatchItemFailures}), so one bad record never blocks or duplicates the rest.
 */
public final class AuditIngestHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    /** A complete event of the schema (ADR 0049): validated while priming, never stored. */
    private static final String PRIMING_EVENT = "{\"timestamp\":\"2026-01-01T00:00:00.000000Z\","
            + "\"event_id\":\"snapstart-priming\",\"event_type\":\"login_success\","
            + "\"user_id\":\"snapstart-priming\",\"tenant_id\":\"snapstart-priming\","
            + "\"ip_address\":\"192.0.2.1\",\"user_agent\":\"snapstart-priming\",\"resource\":\"session\","
            + "\"action\":\"create\",\"result\":\"success\",\"additional_data\":{},"
            + "\"compliance_flags\":[\"sox\"],\"severity\":\"LOW\"}";
    private static final int PRIMING_ROUNDS = 100;

    private final AuditIngestion ingestion;
    /** SnapStart priming (ADR 0049): held here because the CRaC context holds it weakly. */
    final SnapStartPriming priming;

    /** Used by AWS Lambda. */
    public AuditIngestHandler() {
        this(TollgateServices.fromEnvironment());
    }

    public AuditIngestHandler(TollgateServices services) {
        this(AuditServices.fromEnvironment(services));
    }

    /** Used by the local runtime. */
    public AuditIngestHandler(AuditServices audit) {
        this(audit.ingestion());
    }

    public AuditIngestHandler(AuditIngestion ingestion) {
        this.ingestion = Objects.requireNonNull(ingestion, "ingestion");
        this.priming = SnapStartPriming.register(this::prime);
    }

    /**
     * SnapStart priming (ADR 0049): maps a batch of one valid and one malformed message as a real
     * batch is mapped, and runs the ingestion's validation over both, storing nothing; returns how
     * many were judged as expected (the valid one accepted, the malformed one refused).
     */
    private int prime() {
        int expected = 0;
        for (int round = 0; round < PRIMING_ROUNDS; round++) {
            SQSEvent batch = new SQSEvent();
            batch.setRecords(List.of(primingMessage("priming-valid-" + round, PRIMING_EVENT),
                    primingMessage("priming-malformed-" + round, "{\"event_id\":")));
            List<AuditIngestion.Message> messages = messages(batch);
            expected += (ingestion.accepts(messages.get(0)) ? 1 : 0) + (ingestion.accepts(messages.get(1)) ? 0 : 1);
        }
        return expected;
    }

    private static SQSEvent.SQSMessage primingMessage(String id, String body) {
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId(id);
        message.setBody(body);
        message.setAttributes(Map.of("MessageGroupId", "snapstart-priming"));
        return message;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return LambdaLogging.around(context, () -> invoke(event));
    }

    private SQSBatchResponse invoke(SQSEvent event) {
        AuditIngestion.Outcome outcome = ingestion.ingest(messages(event));
        return SQSBatchResponse.builder()
                .withBatchItemFailures(outcome.failedMessageIds().stream()
                        .map(id -> SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier(id).build())
                        .toList())
                .build();
    }

    private static List<AuditIngestion.Message> messages(SQSEvent event) {
        List<SQSEvent.SQSMessage> records = event == null || event.getRecords() == null ? List.of() : event.getRecords();
        return records.stream()
                .map(m -> new AuditIngestion.Message(m.getMessageId(), m.getBody() == null ? "" : m.getBody(),
                        Optional.ofNullable(m.getAttributes()).map(a -> a.get("MessageGroupId"))))
                .toList();
    }
}
