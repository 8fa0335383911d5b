package io.tollgate.auditingest;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.tollgate.audit.ingest.AuditIngestion;
import io.tollgate.audit.platform.AuditServices;
import io.tollgate.platform.TollgateServices;
import io.tollgate.observability.LambdaLogging;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The consumer of the audit queue (SQS FIFO, message group = tenant; issue 8): hands the batch to
 * {@link AuditIngestion} and answers the messages to retry as an SQS partial batch response
 * ({@code ReportBatchItemFailures}), so one bad record never blocks or duplicates the rest.
 */
public final class AuditIngestHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private final AuditIngestion ingestion;

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
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return LambdaLogging.around(context, () -> invoke(event));
    }

    private SQSBatchResponse invoke(SQSEvent event) {
        List<SQSEvent.SQSMessage> records = event == null || event.getRecords() == null ? List.of() : event.getRecords();
        List<AuditIngestion.Message> messages = records.stream()
                .map(m -> new AuditIngestion.Message(m.getMessageId(), m.getBody() == null ? "" : m.getBody(),
                        Optional.ofNullable(m.getAttributes()).map(a -> a.get("MessageGroupId"))))
                .toList();
        AuditIngestion.Outcome outcome = ingestion.ingest(messages);
        return SQSBatchResponse.builder()
                .withBatchItemFailures(outcome.failedMessageIds().stream()
                        .map(id -> SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier(id).build())
                        .toList())
                .build();
    }
}
