package io.tollgate.devkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LocalQueueTest {

    private final LocalQueue deadLetter = new LocalQueue(new QueueSpec("Dlq", true, Optional.empty(), 1_000,
            Duration.ofSeconds(30)), Optional.empty(), Duration.ofMillis(1), Clock.systemUTC());
    private final LocalQueue queue = new LocalQueue(new QueueSpec("Q", true, Optional.of("Dlq"), 3,
            Duration.ofSeconds(30)), Optional.of(deadLetter), Duration.ofMillis(5), Clock.systemUTC());
    private final List<List<String>> batches = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        queue.close();
        deadLetter.close();
    }

    private static SQSBatchResponse failing(SQSEvent event, String body) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        event.getRecords().stream().filter(r -> r.getBody().equals(body)).forEach(r ->
                failures.add(SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier(r.getMessageId()).build()));
        return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
    }

    @Test
    void subscribeWhenMessagesSentThenDeliveredInBatchesInGroupOrder() throws Exception {
        for (int i = 0; i < 25; i++) {
            queue.send("a" + i, Optional.of("acme"), "d" + i, Map.of());
        }
        queue.subscribe(10, true, event -> {
            batches.add(event.getRecords().stream().map(SQSEvent.SQSMessage::getBody).toList());
            assertEquals("acme", event.getRecords().getFirst().getAttributes().get("MessageGroupId"));
            return SQSBatchResponse.builder().withBatchItemFailures(List.of()).build();
        });
        assertTrue(queue.awaitIdle(Duration.ofSeconds(5)));
        List<String> delivered = batches.stream().flatMap(List::stream).toList();
        assertEquals(25, delivered.size());
        for (int i = 0; i < 25; i++) {
            assertEquals("a" + i, delivered.get(i));
        }
        assertTrue(batches.stream().allMatch(b -> b.size() <= 10));
    }

    @Test
    void sendWhenDeduplicationIdRepeatedWithinWindowThenDropped() {
        assertTrue(queue.send("x", Optional.of("acme"), "same", Map.of()));
        assertFalse(queue.send("x", Optional.of("acme"), "same", Map.of()));
        assertEquals(1, queue.messages().size());
    }

    @Test
    void subscribeWhenMessageFailsThenRetriedBeforeLaterOnesOfItsGroupAndThenDeadLettered() throws Exception {
        // A retry delay long enough that the other group's delivery (no delay) comes first even on a loaded machine.
        LocalQueue queue = new LocalQueue(new QueueSpec("Q", true, Optional.of("Dlq"), 3, Duration.ofSeconds(30)),
                Optional.of(deadLetter), Duration.ofMillis(300), Clock.systemUTC());
        try {
            poisonThenOthers(queue);
        } finally {
            queue.close();
        }
    }

    private void poisonThenOthers(LocalQueue queue) throws Exception {
        queue.send("poison", Optional.of("acme"), "p", Map.of());
        queue.send("after", Optional.of("acme"), "a", Map.of());
        queue.send("other", Optional.of("globex"), "o", Map.of());
        List<String> order = new CopyOnWriteArrayList<>();
        queue.subscribe(1, true, event -> {
            order.add(event.getRecords().getFirst().getBody());
            return failing(event, "poison");
        });
        assertTrue(queue.awaitIdle(Duration.ofSeconds(5)));
        assertEquals(List.of("poison", "poison", "poison"), order.stream().filter("poison"::equals).toList());
        assertTrue(order.indexOf("after") > order.lastIndexOf("poison"), "FIFO: the group waits for its failed message");
        assertTrue(order.indexOf("other") < order.lastIndexOf("poison"), "other groups are not blocked");
        assertEquals(1, deadLetter.messages().size());
        assertEquals("poison", deadLetter.messages().getFirst().body());
        assertEquals("max_receive_count", deadLetter.messages().getFirst().attributes().get("reason"));
    }

    @Test
    void subscribeWhenConsumerThrowsThenWholeBatchRetried() throws Exception {
        queue.send("one", Optional.of("acme"), "1", Map.of());
        List<Integer> attempts = new CopyOnWriteArrayList<>();
        queue.subscribe(10, true, event -> {
            attempts.add(event.getRecords().size());
            if (attempts.size() == 1) {
                throw new IllegalStateException("first delivery fails");
            }
            return SQSBatchResponse.builder().withBatchItemFailures(List.of()).build();
        });
        assertTrue(queue.awaitIdle(Duration.ofSeconds(5)));
        assertEquals(List.of(1, 1), attempts);
        assertEquals(0, deadLetter.messages().size());
    }

    @Test
    void periodWhenRateExpressionThenDurationAndCronIsNotRunLocally() {
        assertEquals(Optional.of(Duration.ofHours(1)), LocalScheduler.period("rate(1 hour)"));
        assertEquals(Optional.of(Duration.ofMinutes(5)), LocalScheduler.period("rate(5 minutes)"));
        assertEquals(Optional.empty(), LocalScheduler.period("cron(0 * * * ? *)"));
    }
}
