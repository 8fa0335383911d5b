package io.tollgate.sms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.storage.Keys;
import io.tollgate.testing.TestClock;
import io.tollgate.testing.Testbed;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The daily SMS caps against DynamoDB Local: exact under concurrency, per subject, per UTC day. */
class SmsSendCapIT {

    private final TestClock clock = TestClock.startingNow();
    private final SmsSendCap cap = new SmsSendCap(Testbed.dynamoDb(), Testbed.TABLES, clock);

    @Test
    void tryCountWhenTwentyConcurrentSendsThenExactlyTheLimitCounted() throws Exception {
        String subject = SmsSendCap.number("hash-" + UUID.randomUUID());
        int limit = 7;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> answers = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(20)) {
            for (int i = 0; i < 20; i++) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return cap.tryCount(subject, limit);
                }));
            }
            go.countDown();
            long counted = 0;
            for (Future<Boolean> answer : answers) {
                counted += answer.get() ? 1 : 0;
            }
            assertEquals(limit, counted);
        }
        String day = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).toString();
        var item = Testbed.dynamoDb().getItem(r -> r.tableName(Testbed.TABLES.security())
                .key(Keys.smsDailyCount(subject, day)).consistentRead(true)).item();
        assertEquals(String.valueOf(limit), item.get("count").n());
        assertTrue(Long.parseLong(item.get("ttl").n()) > clock.instant().getEpochSecond(), "the counter expires");
    }

    @Test
    void tryCountWhenCapReachedThenRefusedUntilTheNextUtcDayAndOtherSubjectsUnaffected() {
        String subject = SmsSendCap.number("hash-" + UUID.randomUUID());
        assertTrue(cap.tryCount(subject, 2));
        assertTrue(cap.tryCount(subject, 2));
        assertFalse(cap.tryCount(subject, 2));
        assertTrue(cap.tryCount(SmsSendCap.number("hash-" + UUID.randomUUID()), 2), "another number has its own count");
        Duration untilReset = cap.untilReset();
        assertTrue(!untilReset.isNegative() && untilReset.compareTo(Duration.ofDays(1)) <= 0, untilReset.toString());
        clock.advance(untilReset);
        assertTrue(cap.tryCount(subject, 2), "a new UTC day starts a new count");
    }
}
