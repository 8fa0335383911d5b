package io.tollgate.sms;

/**
 * Sends Tollgate's text messages (SMS one-time codes; ADR 0032): a Twilio-compatible
 * REST API in AWS ({@link TwilioSmsSender}); in the local runtime the outbox that
 * {@code GET /_local/outbox?channel=sms} shows. Sits next to {@link io.tollgate.mail.MailSender}
 * and follows its rules: implementations are thread-safe and never log the recipient or the body.
 */
public interface SmsSender {

    /**
     * Hands {@code message} to the SMS provider.
     *
     * @throws SmsUnavailableException when the provider could not be reached, refused our
     *     credentials or failed; nothing is known to have been sent, retry later
     * @throws SmsRejectedException when the provider refused this message (e.g. a number it
     *     cannot deliver to); retrying the same message will not help
     */
    void send(SmsMessage message);

    /** The provider is unavailable or refused the request as a whole; nothing was sent. */
    final class SmsUnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public SmsUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The provider refused this message (HTTP 400: an undeliverable or blocked number). */
    final class SmsRejectedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public SmsRejectedException(String message) {
            super(message);
        }
    }
}
