package io.tollgate.auditquery;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.tollgate.audit.platform.AuditServices;
import io.tollgate.audit.verification.SqsVerificationJobQueue;
import io.tollgate.audit.verification.VerificationJobQueue;
import io.tollgate.audit.verification.VerificationJobs;
import io.tollgate.observability.LambdaLogging;
import io.tollgate.platform.TollgateServices;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer of the verification job queue (ADR 0071): runs each job one chunk, then more while enough
 * of the invocation's time is left, then queues its continuation. A run cut short (timeout, crash) leaves the last
 * checkpoint; SQS delivers the message again after its visibility timeout and the job resumes from it. A
 * message that is not a job message is dropped (retrying cannot mend it); a job that throws is answered as a
 * batch item failure, so SQS retries it and, after the queue's receive limit, dead-letters it.
 */
public final class AuditVerificationWorker implements RequestHandler<SQSEvent, SQSBatchResponse> {

    /** Time kept back from the invocation's deadline: one chunk and the checkpoint write fit easily in it. */
    static final long RESERVE_MILLIS = 60_000;

    private static final Logger LOG = LoggerFactory.getLogger(AuditVerificationWorker.class);

    private final VerificationJobs jobs;
    private final Supplier<VerificationJobQueue> queue;

    /** Used by AWS Lambda. */
    public AuditVerificationWorker() {
        this(TollgateServices.fromEnvironment());
    }

    public AuditVerificationWorker(TollgateServices services) {
        this(AuditServices.fromEnvironment(services));
    }

    /** Used by the local runtime. */
    public AuditVerificationWorker(AuditServices audit) {
        this(audit.verificationJobs(), audit::verificationQueue);
    }

    /** {@code queue} is asked for when a continuation is first queued (a function without one fails then, naming it). */
    public AuditVerificationWorker(VerificationJobs jobs, Supplier<VerificationJobQueue> queue) {
        this.jobs = Objects.requireNonNull(jobs, "jobs");
        this.queue = Objects.requireNonNull(queue, "queue");
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return LambdaLogging.around(context, () -> invoke(event, context));
    }

    private SQSBatchResponse invoke(SQSEvent event, Context context) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        List<SQSEvent.SQSMessage> records = event == null || event.getRecords() == null ? List.of() : event.getRecords();
        for (SQSEvent.SQSMessage record : records) {
            VerificationJobQueue.Message message;
            try {
                message = SqsVerificationJobQueue.parse(record.getBody() == null ? "" : record.getBody());
            } catch (IllegalArgumentException e) {
                LOG.warn("Dropped message {}: not a verification job message", record.getMessageId());
                continue;
            }
            try {
                if (jobs.run(message.tenantId(), message.jobId(), () -> remainingMillis(context) > RESERVE_MILLIS)) {
                    queue.get().enqueue(message);
                }
            } catch (RuntimeException e) {
                LOG.error("Verification job {} of tenant {} failed; SQS will deliver it again", message.jobId(),
                        message.tenantId(), e);
                failures.add(SQSBatchResponse.BatchItemFailure.builder()
                        .withItemIdentifier(record.getMessageId()).build());
            }
        }
        return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
    }

    private static long remainingMillis(Context context) {
        return context == null ? Long.MAX_VALUE : context.getRemainingTimeInMillis();
    }
}
