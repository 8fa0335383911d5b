package io.tollgate.mail;

import java.util.Objects;

/**
 * One plain-text mail to one recipient. The body may carry a one-time code, so
 * {@link #toString()} shows neither recipient nor body (STYLE.md habit 8).
 */
public record MailMessage(String to, String subject, String text) {

    public MailMessage {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(text, "text");
        if (to.isBlank() || to.length() > 254 || to.indexOf('@') < 1 || to.chars().anyMatch(c -> c < 0x21)) {
            throw new IllegalArgumentException("The recipient is not a mail address");
        }
    }

    @Override
    public String toString() {
        return "MailMessage[subject=" + subject + ", <recipient and body redacted>]";
    }
}
