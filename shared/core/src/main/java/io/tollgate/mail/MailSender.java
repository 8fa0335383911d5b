package io.tollgate.mail;

/**
 * Sends Tollgate's mail (docs/contract.md §Encryption and storage): SES v2 in AWS ({@link SesMailSender}); in the local
 * runtime an outbox folder that {@code GET /_local/outbox} shows. Implementations are
 * thread-safe and never log the body or the recipient.
 */
public interface MailSender {

    /**
     * Hands {@code message} to the mail service.
     *
     * @throws MailUnavailableException when the service refused or could not be reached
     */
    void send(MailMessage message);

    /** The mail service did not accept the message; nothing was sent. */
    final class MailUnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public MailUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
