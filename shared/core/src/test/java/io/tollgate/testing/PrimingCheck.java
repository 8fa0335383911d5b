package io.tollgate.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tollgate.platform.SnapStartPriming;
import java.util.List;

/**
 * What a function's SnapStart priming must leave untouched (ADR 0049), checked against the
 * {@link Testbed}'s DynamoDB Local: no DynamoDB call at all (so no item written), no audit event,
 * no mail, no text message; and every priming request refused as expected.
 */
public final class PrimingCheck {

    private PrimingCheck() {
    }

    /** Runs {@code priming} built over {@code bed}'s services and asserts it refused {@code expected} requests and changed nothing. */
    public static void assertRefusedWithoutEffect(Testbed bed, SnapStartPriming priming, int expected) {
        int items = Testbed.itemCount();
        int mails = bed.mails.size();
        int texts = bed.texts.size();
        bed.audit.clear();
        bed.dynamoDbCalls.set(0);
        assertEquals(expected, priming.prime(), "every priming request is refused");
        assertEquals(0, bed.dynamoDbCalls.get(), "priming makes no DynamoDB call");
        assertEquals(List.of(), bed.audit.events(), "priming records no audit event");
        assertEquals(mails, bed.mails.size(), "priming sends no mail");
        assertEquals(texts, bed.texts.size(), "priming sends no text message");
        assertEquals(items, Testbed.itemCount(), "priming writes nothing");
    }
}
