package io.tollgate.audit;

/**
 * Audit events could not be handed to the audit queue (queue unreachable, throttled, refused).
 * The message names the operation and the AWS error code, never event content.
 */
public final class AuditDeliveryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public AuditDeliveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
