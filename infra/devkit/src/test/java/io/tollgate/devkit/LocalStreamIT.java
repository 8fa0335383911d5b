package io.tollgate.devkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/** Lambda-style delivery of a real DynamoDB Local stream (ADR 0016). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalStreamIT {

    private static final String TEMPLATE = """
            Resources:
              Events:
                Type: AWS::DynamoDB::Table
                Properties:
                  AttributeDefinitions: [{AttributeName: pk, AttributeType: S}, {AttributeName: sk, AttributeType: S}]
                  KeySchema: [{AttributeName: pk, KeyType: HASH}, {AttributeName: sk, KeyType: RANGE}]
                  StreamSpecification: {StreamViewType: NEW_IMAGE}
              Detector:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: example.Detector::handleRequest
                  CodeUri: .
                  Events:
                    Stream:
                      Type: DynamoDB
                      Properties:
                        Stream: !GetAtt Events.StreamArn
                        StartingPosition: TRIM_HORIZON
                        BatchSize: 10
                        MaximumRetryAttempts: 2
                        FunctionResponseTypes: [ReportBatchItemFailures]
            """;

    private DynamoDbLocalServer server;
    private DynamoDbClient dynamoDb;
    private DynamoDbStreamsClient streams;
    private StreamSubscription subscription;
    private String table;
    private int tables;

    @BeforeAll
    void start() {
        server = DynamoDbLocalServer.inMemory();
        dynamoDb = server.client();
        streams = server.streamsClient();
        subscription = SamTemplate.parse(TEMPLATE, "stream-test").streamSubscriptions().getFirst();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @BeforeEach
    void freshTable() {
        table = "Events" + (++tables);
        SamTemplate template = SamTemplate.parse(TEMPLATE.replace("  Events:\n    Type: AWS::DynamoDB::Table",
                "  " + table + ":\n    Type: AWS::DynamoDB::Table").replace("!GetAtt Events.StreamArn",
                "!GetAtt " + table + ".StreamArn"), "stream-test");
        TableProvisioner.provision(dynamoDb, template);
    }

    private void put(int count) {
        for (int i = 0; i < count; i++) {
            int n = i;
            dynamoDb.putItem(r -> r.tableName(table).item(Map.of("pk", AttributeValue.fromS("T#acme"),
                    "sk", AttributeValue.fromS(String.format("SEQ#%04d", n)), "n", AttributeValue.fromN(Integer.toString(n)),
                    "tags", AttributeValue.fromSs(List.of("a", "b")), "flag", AttributeValue.fromBool(true),
                    "nested", AttributeValue.fromM(Map.of("l", AttributeValue.fromL(List.of(AttributeValue.fromNul(true))))))));
        }
    }

    private static List<String> keys(List<DynamodbEvent> events) {
        return events.stream().flatMap(e -> e.getRecords().stream())
                .map(r -> r.getDynamodb().getNewImage().get("sk").getS()).toList();
    }

    @Test
    void templateWhenDynamoDbEventThenSubscriptionParsed() {
        assertEquals(new StreamSubscription("Detector", "Events", 10, "TRIM_HORIZON", 2, true), subscription);
        assertThrows(SamTemplateException.class, () -> SamTemplate.parse(TEMPLATE.replace("Events.StreamArn",
                "Events.Arn"), "bad").streamSubscriptions());
    }

    @Test
    void streamWhenItemsWrittenThenDeliveredInOrderInBatchesWithNewImages() throws Exception {
        List<DynamodbEvent> seen = new CopyOnWriteArrayList<>();
        try (LocalStream stream = new LocalStream(dynamoDb, streams, table, subscription, event -> {
            seen.add(event);
            return new StreamsEventResponse();
        }, Duration.ofMillis(50))) {
            put(25);
            assertTrue(stream.awaitDelivered(25, Duration.ofSeconds(20)), "delivered " + stream.delivered());
        }
        List<String> keys = keys(seen);
        assertEquals(25, keys.size());
        assertEquals("SEQ#0000", keys.getFirst());
        assertEquals(keys.stream().sorted().toList(), keys, "in stream order");
        assertTrue(seen.stream().allMatch(e -> e.getRecords().size() <= 10), "batches of at most BatchSize");
        var record = seen.getFirst().getRecords().getFirst();
        assertEquals("INSERT", record.getEventName());
        assertEquals("aws:dynamodb", record.getEventSource());
        assertEquals(List.of("a", "b"), record.getDynamodb().getNewImage().get("tags").getSS());
        assertTrue(record.getDynamodb().getNewImage().get("flag").getBOOL());
        assertTrue(record.getDynamodb().getNewImage().get("nested").getM().get("l").getL().getFirst().isNULL());
    }

    @Test
    void streamWhenOneRecordFailsOnceThenRetriedFromItAndEarlierOnesNotRedelivered() throws Exception {
        List<DynamodbEvent> seen = new CopyOnWriteArrayList<>();
        AtomicInteger failures = new AtomicInteger();
        Function<DynamodbEvent, StreamsEventResponse> failSeq3Once = event -> {
            seen.add(event);
            for (var record : event.getRecords()) {
                if (record.getDynamodb().getNewImage().get("sk").getS().equals("SEQ#0003") && failures.getAndIncrement() == 0) {
                    return new StreamsEventResponse(List.of(new StreamsEventResponse.BatchItemFailure(
                            record.getDynamodb().getSequenceNumber())));
                }
            }
            return new StreamsEventResponse();
        };
        put(6);
        try (LocalStream stream = new LocalStream(dynamoDb, streams, table, subscription, failSeq3Once,
                Duration.ofMillis(50))) {
            assertTrue(stream.awaitDelivered(6, Duration.ofSeconds(20)), "delivered " + stream.delivered());
            assertEquals(0, stream.skipped());
        }
        List<String> keys = keys(seen);
        assertEquals(List.of("SEQ#0000", "SEQ#0001", "SEQ#0002", "SEQ#0003", "SEQ#0004", "SEQ#0005",
                "SEQ#0003", "SEQ#0004", "SEQ#0005"), keys, "the retry starts at the failed record");
    }

    @Test
    void streamWhenFunctionKeepsFailingThenBatchSkippedAfterMaximumRetries() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        put(3);
        try (LocalStream stream = new LocalStream(dynamoDb, streams, table, subscription, event -> {
            calls.incrementAndGet();
            throw new IllegalStateException("poison");
        }, Duration.ofMillis(20))) {
            assertTrue(stream.awaitDelivered(3, Duration.ofSeconds(20)));
            assertEquals(3, stream.skipped());
        }
        assertEquals(3, calls.get(), "one attempt and MaximumRetryAttempts (2) retries");
    }
}
