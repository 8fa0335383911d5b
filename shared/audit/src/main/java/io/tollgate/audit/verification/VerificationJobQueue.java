package io.tollgate.audit.verification;

/**
 * Where a verification job is handed to its worker: in AWS the SQS queue the worker function consumes
 * ({@link SqsVerificationJobQueue}), locally the runtime's in-process queue of the same template resource.
 * A message names the tenant and the job only; the worker reads everything else from the job item.
 */
@FunctionalInterface
public interface VerificationJobQueue {

    /** The body of a message: {@code {"tenant_id":..,"job_id":..}}. */
    record Message(String tenantId, String jobId) {
        public Message {
            java.util.Objects.requireNonNull(tenantId, "tenantId");
            java.util.Objects.requireNonNull(jobId, "jobId");
        }
    }

    /** Queues a run of the job (a new job, or the continuation of one whose run ran out of time). */
    void enqueue(Message message);
}
