package io.tollgate.devkit;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Delivers a DynamoDB Local table stream to its consumer function as Lambda's event source mapping
 * does (ADR 0016): batches of up to {@code batchSize} records per shard, in order, as a
 * {@link DynamodbEvent}; a batch that fails (the function throws, or answers
 * {@code batchItemFailures}) is retried from the first failed record, at most
 * {@code maximumRetryAttempts} times ({@code -1}: until it succeeds), then skipped with a warning,
 * as Lambda does without an on-failure destination. Records before the first failure are not
 * delivered again.
 *
 * <p>It reads the real stream of DynamoDB Local through the real {@link DynamoDbStreamsClient}.
 */
public final class LocalStream implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStream.class);

    private final DynamoDbClient dynamoDb;
    private final DynamoDbStreamsClient streams;
    private final String tableName;
    private final StreamSubscription subscription;
    private final Function<DynamodbEvent, StreamsEventResponse> consumer;
    private final Duration pollInterval;
    private final Map<String, String> iterators = new LinkedHashMap<>();
    private final Map<String, String> lastSequence = new ConcurrentHashMap<>();
    private final Set<String> finishedShards = ConcurrentHashMap.newKeySet();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private volatile boolean running = true;
    private final Thread poller;
    private String streamArn;
    private boolean firstDiscovery = true;

    public LocalStream(DynamoDbClient dynamoDb, DynamoDbStreamsClient streams, String tableName,
            StreamSubscription subscription, Function<DynamodbEvent, StreamsEventResponse> consumer,
            Duration pollInterval) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.streams = Objects.requireNonNull(streams, "streams");
        this.tableName = Objects.requireNonNull(tableName, "tableName");
        this.subscription = Objects.requireNonNull(subscription, "subscription");
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
        this.streamArn = dynamoDb.describeTable(r -> r.tableName(tableName)).table().latestStreamArn();
        if (streamArn == null) {
            throw new IllegalStateException("Table " + tableName + " has no stream (StreamSpecification)");
        }
        discoverShards();
        this.poller = Thread.ofPlatform().daemon().name("local-stream-" + tableName + "-"
                + subscription.functionLogicalId()).start(this::pollLoop);
    }

    /** Records delivered successfully (or skipped after the retries) so far. */
    public long delivered() {
        return delivered.get();
    }

    /** Records given up on after {@code maximumRetryAttempts}. */
    public long skipped() {
        return skipped.get();
    }

    /** Waits until at least {@code records} were delivered; false on timeout. */
    public boolean awaitDelivered(long records, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (delivered.get() < records) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    private void pollLoop() {
        while (running) {
            boolean any = false;
            try {
                discoverShards();
                for (Map.Entry<String, String> shard : new ArrayList<>(iterators.entrySet())) {
                    try {
                        any |= pollShard(shard.getKey(), shard.getValue());
                    } catch (TrimmedDataAccessException | ExpiredIteratorException e) {
                        // The iterator points where the shard no longer reaches (DynamoDB Local trims
                        // and expires iterators too): continue after the last record delivered.
                        iterators.put(shard.getKey(), resume(shard.getKey()));
                    }
                }
            } catch (RuntimeException e) {
                if (running) {
                    LOG.warn("stream poll of {} failed: {}", tableName, e.toString());
                }
            }
            if (!any) {
                sleep(pollInterval);
            }
        }
    }

    private void discoverShards() {
        List<Shard> shards = streams.describeStream(r -> r.streamArn(streamArn)).streamDescription().shards();
        for (Shard shard : shards) {
            if (iterators.containsKey(shard.shardId()) || finishedShards.contains(shard.shardId())) {
                continue;
            }
            // At start the template's StartingPosition applies; shards that appear later are read whole.
            ShardIteratorType type = firstDiscovery && subscription.startingPosition().equals("LATEST")
                    ? ShardIteratorType.LATEST : ShardIteratorType.TRIM_HORIZON;
            iterators.put(shard.shardId(), streams.getShardIterator(r -> r.streamArn(streamArn)
                    .shardId(shard.shardId()).shardIteratorType(type)).shardIterator());
        }
        firstDiscovery = false;
    }

    /** A fresh iterator just after the last record delivered from {@code shardId}, or its oldest record. */
    private String resume(String shardId) {
        String last = lastSequence.get(shardId);
        return streams.getShardIterator(r -> {
            r.streamArn(streamArn).shardId(shardId);
            if (last == null) {
                r.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
            } else {
                r.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).sequenceNumber(last);
            }
        }).shardIterator();
    }

    /** One read of one shard; true when it found records. */
    private boolean pollShard(String shardId, String iterator) {
        GetRecordsResponse response = streams.getRecords(r -> r.shardIterator(iterator).limit(subscription.batchSize()));
        List<Record> records = response.records();
        String next = response.nextShardIterator();
        if (!records.isEmpty()) {
            next = deliver(shardId, records, next);
            lastSequence.put(shardId, records.getLast().dynamodb().sequenceNumber());
        }
        if (next == null) {
            iterators.remove(shardId);
            finishedShards.add(shardId);
        } else {
            iterators.put(shardId, next);
        }
        return !records.isEmpty();
    }

    /** Delivers one batch with Lambda's retry rules; returns the iterator to continue from. */
    private String deliver(String shardId, List<Record> batch, String afterBatch) {
        List<Record> pending = batch;
        for (int attempt = 0; running; attempt++) {
            int failedAt = invoke(pending);
            if (failedAt < 0) {
                delivered.addAndGet(pending.size());
                return afterBatch;
            }
            delivered.addAndGet(failedAt);
            pending = pending.subList(failedAt, pending.size());
            if (subscription.maximumRetryAttempts() >= 0 && attempt >= subscription.maximumRetryAttempts()) {
                LOG.warn("stream {} -> {}: skipping {} records after {} retries (first sequence number {})", tableName,
                        subscription.functionLogicalId(), pending.size(), attempt,
                        pending.getFirst().dynamodb().sequenceNumber());
                skipped.addAndGet(pending.size());
                delivered.addAndGet(pending.size());
                return afterBatch;
            }
            sleep(pollInterval.multipliedBy(attempt + 1L));
        }
        return afterBatch;
    }

    /** Invokes the consumer; the index of the first failed record, or -1 when the batch succeeded. */
    private int invoke(List<Record> records) {
        DynamodbEvent event = new DynamodbEvent();
        List<DynamodbEvent.DynamodbStreamRecord> converted = new ArrayList<>(records.size());
        records.forEach(record -> converted.add(convert(record)));
        event.setRecords(converted);
        StreamsEventResponse response;
        try {
            response = consumer.apply(event);
        } catch (RuntimeException e) {
            LOG.warn("stream {} -> {}: the function failed ({}); retrying the batch", tableName,
                    subscription.functionLogicalId(), e.toString());
            return 0;
        }
        if (!subscription.reportBatchItemFailures() || response == null || response.getBatchItemFailures() == null
                || response.getBatchItemFailures().isEmpty()) {
            return -1;
        }
        int first = records.size();
        for (StreamsEventResponse.BatchItemFailure failure : response.getBatchItemFailures()) {
            for (int i = 0; i < records.size(); i++) {
                if (records.get(i).dynamodb().sequenceNumber().equals(failure.getItemIdentifier())) {
                    first = Math.min(first, i);
                }
            }
        }
        // An identifier that names no record of the batch fails the whole batch, as in Lambda.
        return first == records.size() ? 0 : first;
    }

    private DynamodbEvent.DynamodbStreamRecord convert(Record record) {
        DynamodbEvent.DynamodbStreamRecord out = new DynamodbEvent.DynamodbStreamRecord();
        out.setEventID(record.eventID());
        out.setEventName(record.eventNameAsString());
        out.setEventVersion(record.eventVersion() == null ? "1.1" : record.eventVersion());
        out.setEventSource("aws:dynamodb");
        out.setAwsRegion(record.awsRegion() == null ? "us-east-1" : record.awsRegion());
        out.setEventSourceARN(streamArn);
        var source = record.dynamodb();
        StreamRecord stream = new StreamRecord();
        stream.setKeys(convert(source.keys()));
        if (source.hasNewImage()) {
            stream.setNewImage(convert(source.newImage()));
        }
        if (source.hasOldImage()) {
            stream.setOldImage(convert(source.oldImage()));
        }
        stream.setSequenceNumber(source.sequenceNumber());
        stream.setSizeBytes(source.sizeBytes());
        if (source.streamViewType() != null) {
            stream.setStreamViewType(com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamViewType
                    .fromValue(source.streamViewTypeAsString()));
        }
        if (source.approximateCreationDateTime() != null) {
            stream.setApproximateCreationDateTime(Date.from(source.approximateCreationDateTime()));
        }
        out.setDynamodb(stream);
        return out;
    }

    private static Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> convert(
            Map<String, AttributeValue> item) {
        Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> out = new LinkedHashMap<>();
        item.forEach((name, value) -> out.put(name, convert(value)));
        return out;
    }

    /** SDK v2 attribute value to the Lambda event model's (every DynamoDB type). */
    static com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue convert(AttributeValue value) {
        var out = new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue();
        switch (value.type()) {
            case S -> out.setS(value.s());
            case N -> out.setN(value.n());
            case B -> out.setB(value.b().asByteBuffer());
            case SS -> out.setSS(value.ss());
            case NS -> out.setNS(value.ns());
            case BS -> out.setBS(value.bs().stream().map(SdkBytes::asByteBuffer).toList());
            case M -> out.setM(convert(value.m()));
            case L -> out.setL(value.l().stream().map(LocalStream::convert).toList());
            case BOOL -> out.setBOOL(value.bool());
            case NUL -> out.setNULL(true);
            default -> throw new IllegalArgumentException("Unknown DynamoDB attribute type " + value.type());
        }
        return out;
    }

    private void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        poller.interrupt();
        try {
            poller.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
