package io.tollgate.devkit;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An SQS queue in the local runtime's process, delivering to its consumer function the way the
 * Lambda SQS event source does (ADR 0016):
 * <ul>
 *   <li>batches of up to the subscription's {@code BatchSize}, as an {@link SQSEvent} whose records
 *       carry {@code MessageGroupId}, {@code MessageDeduplicationId}, {@code ApproximateReceiveCount};</li>
 *   <li>FIFO: messages of one group in send order, and none of a group while an earlier one of it
 *       waits for a retry; a {@code MessageDeduplicationId} seen in the last 5 minutes is dropped;</li>
 *   <li>a failed message ({@code batchItemFailures}, or the whole batch when the function throws)
 *       becomes visible again after a back-off, and after {@code maxReceiveCount} receives moves to
 *       the dead-letter queue.</li>
 * </ul>
 * One delivery thread per subscribed queue, so a consumer sees one batch at a time (like one
 * Lambda poller per FIFO group). Thread-safe.
 */
public final class LocalQueue implements AutoCloseable {

    /** FIFO deduplication window (SQS: 5 minutes). */
    static final Duration DEDUPLICATION_WINDOW = Duration.ofMinutes(5);

    private static final Logger LOG = LoggerFactory.getLogger(LocalQueue.class);

    private final QueueSpec spec;
    private final Optional<LocalQueue> deadLetter;
    private final Duration retryDelay;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<String, Instant> deduplication = new LinkedHashMap<>();
    private int inFlight;
    private Thread poller;
    private volatile boolean closed;

    /** A message as stored: body, group, attributes, receive count, and when it is visible again. */
    public record Message(String id, String body, Optional<String> groupId, String deduplicationId,
            Map<String, String> attributes, Instant sentAt) {
        public Message {
            attributes = Map.copyOf(attributes);
        }
    }

    private static final class Slot {
        final Message message;
        int receives;
        Instant visibleAt;

        Slot(Message message, Instant visibleAt) {
            this.message = message;
            this.visibleAt = visibleAt;
        }
    }

    private final List<Slot> slots = new ArrayList<>();

    /**
     * @param retryDelay back-off before a failed message is delivered again (times its receive
     *                   count); SQS waits the visibility timeout, which would stall a laptop demo
     */
    public LocalQueue(QueueSpec spec, Optional<LocalQueue> deadLetter, Duration retryDelay, Clock clock) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.deadLetter = Objects.requireNonNull(deadLetter, "deadLetter");
        this.retryDelay = Objects.requireNonNull(retryDelay, "retryDelay");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public String name() {
        return spec.logicalId();
    }

    /**
     * Sends a message; on a FIFO queue {@code groupId} is required and a deduplication id seen in the
     * last 5 minutes makes this a no-op (returns false).
     */
    public boolean send(String body, Optional<String> groupId, String deduplicationId, Map<String, String> attributes) {
        Objects.requireNonNull(body, "body");
        if (spec.fifo() && groupId.isEmpty()) {
            throw new IllegalArgumentException("A FIFO queue needs a MessageGroupId");
        }
        lock.lock();
        try {
            Instant now = clock.instant();
            deduplication.values().removeIf(seen -> seen.plus(DEDUPLICATION_WINDOW).isBefore(now));
            if (spec.fifo() && deduplication.containsKey(deduplicationId)) {
                return false;
            }
            deduplication.put(deduplicationId, now);
            slots.add(new Slot(new Message(UUID.randomUUID().toString(), body, groupId, deduplicationId, attributes, now),
                    now));
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The messages waiting (not yet delivered successfully), oldest first; for the dead-letter view and tests. */
    public List<Message> messages() {
        lock.lock();
        try {
            return slots.stream().map(slot -> slot.message).toList();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes and returns every waiting message, oldest first: the redrive of a dead-letter queue,
     * which nobody consumes. Refused on a queue with a consumer (its messages may be in flight).
     */
    public List<Message> removeAll() {
        lock.lock();
        try {
            if (poller != null) {
                throw new IllegalStateException("Queue " + name() + " has a consumer; only an unconsumed queue "
                        + "(a dead-letter queue) can be emptied");
            }
            List<Message> removed = slots.stream().map(slot -> slot.message).toList();
            slots.clear();
            changed.signalAll();
            return removed;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Starts delivering to {@code consumer} in batches of {@code batchSize}.
     *
     * @param reportsFailures whether the consumer answers {@code batchItemFailures} (else any answer means all succeeded)
     */
    public void subscribe(int batchSize, boolean reportsFailures, Function<SQSEvent, SQSBatchResponse> consumer) {
        lock.lock();
        try {
            if (poller != null) {
                throw new IllegalStateException("Queue " + name() + " already has a consumer");
            }
            poller = Thread.ofPlatform().daemon().name("local-queue-" + name()).unstarted(
                    () -> deliverLoop(batchSize, reportsFailures, consumer));
            poller.start();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until every message was delivered successfully or dead-lettered; false on timeout. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (!slots.isEmpty() || inFlight > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void deliverLoop(int batchSize, boolean reportsFailures, Function<SQSEvent, SQSBatchResponse> consumer) {
        while (!closed) {
            List<Slot> batch;
            try {
                batch = nextBatch(batchSize);
            } catch (InterruptedException e) {
                return;
            }
            if (batch.isEmpty()) {
                continue;
            }
            Set<String> failed = new HashSet<>();
            try {
                SQSBatchResponse response = consumer.apply(event(batch));
                if (reportsFailures && response != null && response.getBatchItemFailures() != null) {
                    response.getBatchItemFailures().forEach(f -> failed.add(f.getItemIdentifier()));
                }
            } catch (RuntimeException e) {
                LOG.error("queue {} consumer failed batchSize={} exception={}", name(), batch.size(),
                        e.getClass().getName(), e);
                batch.forEach(slot -> failed.add(slot.message.id()));
            }
            settle(batch, failed);
        }
    }

    private List<Slot> nextBatch(int batchSize) throws InterruptedException {
        lock.lock();
        try {
            while (!closed) {
                Instant now = clock.instant();
                List<Slot> batch = new ArrayList<>();
                Set<String> blockedGroups = new HashSet<>();
                Instant nextVisible = null;
                for (Slot slot : slots) {
                    String group = slot.message.groupId().orElse(null);
                    if (slot.visibleAt.isAfter(now)) {
                        nextVisible = nextVisible == null || slot.visibleAt.isBefore(nextVisible) ? slot.visibleAt : nextVisible;
                        if (spec.fifo() && group != null) {
                            blockedGroups.add(group);
                        }
                        continue;
                    }
                    if (spec.fifo() && group != null && blockedGroups.contains(group)) {
                        continue;
                    }
                    batch.add(slot);
                    if (batch.size() == batchSize) {
                        break;
                    }
                }
                if (!batch.isEmpty()) {
                    batch.forEach(slot -> slot.receives++);
                    inFlight += batch.size();
                    return batch;
                }
                long waitMillis = nextVisible == null ? 200 : Math.max(1, Duration.between(now, nextVisible).toMillis());
                changed.await(Math.min(waitMillis, 200), TimeUnit.MILLISECONDS);
            }
            return List.of();
        } finally {
            lock.unlock();
        }
    }

    private void settle(List<Slot> batch, Set<String> failed) {
        List<Slot> deadLettered = new ArrayList<>();
        lock.lock();
        try {
            Instant now = clock.instant();
            for (Slot slot : batch) {
                if (!failed.contains(slot.message.id())) {
                    slots.remove(slot);
                } else if (slot.receives >= spec.maxReceiveCount()) {
                    slots.remove(slot);
                    deadLettered.add(slot);
                } else {
                    slot.visibleAt = now.plus(retryDelay.multipliedBy(slot.receives));
                }
            }
            inFlight -= batch.size();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        for (Slot slot : deadLettered) {
            LOG.warn("queue {} moved a message to its dead-letter queue after {} receives", name(), slot.receives);
            deadLetter.ifPresent(dlq -> {
                Map<String, String> attributes = new HashMap<>(slot.message.attributes());
                attributes.put("reason", "max_receive_count");
                dlq.send(slot.message.body(), slot.message.groupId(), slot.message.deduplicationId() + "#dlq", attributes);
            });
        }
    }

    private SQSEvent event(List<Slot> batch) {
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (Slot slot : batch) {
            Message message = slot.message;
            SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
            record.setMessageId(message.id());
            record.setReceiptHandle(message.id() + "#" + slot.receives);
            record.setBody(message.body());
            Map<String, String> attributes = new HashMap<>();
            attributes.put("ApproximateReceiveCount", Integer.toString(slot.receives));
            attributes.put("SentTimestamp", Long.toString(message.sentAt().toEpochMilli()));
            message.groupId().ifPresent(group -> attributes.put("MessageGroupId", group));
            attributes.put("MessageDeduplicationId", message.deduplicationId());
            record.setAttributes(attributes);
            Map<String, SQSEvent.MessageAttribute> messageAttributes = new HashMap<>();
            message.attributes().forEach((name, value) -> {
                SQSEvent.MessageAttribute attribute = new SQSEvent.MessageAttribute();
                attribute.setDataType("String");
                attribute.setStringValue(value);
                messageAttributes.put(name, attribute);
            });
            record.setMessageAttributes(messageAttributes);
            record.setEventSource("aws:sqs");
            record.setEventSourceArn(LocalIntrinsics.ARN_PREFIX + name());
            record.setAwsRegion(LocalIntrinsics.REGION);
            records.add(record);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(records);
        return event;
    }

    @Override
    public void close() {
        closed = true;
        Thread thread;
        lock.lock();
        try {
            thread = poller;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (thread != null) {
            // Let a batch in delivery finish (like Lambda finishing an invocation), then stop.
            try {
                thread.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                thread.interrupt();
            }
        }
    }
}
