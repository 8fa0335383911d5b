package io.tollgate.sms;

import java.util.Objects;

/**
 * One text message: an E.164 recipient and a short body. Both are personal or secret (the body
 * carries a one-time code), so {@link #toString()} shows neither.
 */
public record SmsMessage(String to, String text) {

    public SmsMessage {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(text, "text");
        if (!PhoneNumbers.isE164(to)) {
            throw new IllegalArgumentException("The recipient is not an E.164 number");
        }
    }

    @Override
    public String toString() {
        return "SmsMessage[to=" + PhoneNumbers.masked(to) + ", text=<redacted>]";
    }
}
