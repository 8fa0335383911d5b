package io.tollgate.bench;

import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.AuditSeverity;
import io.tollgate.audit.chain.AuditChain;
import io.tollgate.audit.chain.AuditKeys;
import io.tollgate.audit.chain.CanonicalJson;
import io.tollgate.audit.chain.ChainItems;
import io.tollgate.audit.chain.ChainHead;
import io.tollgate.audit.chain.ChainedEvent;
import io.tollgate.audit.chain.LocalDigestSigner;
import io.tollgate.audit.ingest.AuditIngestion;
import io.tollgate.audit.platform.AuditServices;
import io.tollgate.crypto.EnvelopeEncryptor;
import io.tollgate.crypto.LocalKeyRing;
import io.tollgate.devkit.DynamoDbLocalServer;
import io.tollgate.devkit.SamTemplate;
import io.tollgate.devkit.TableProvisioner;
import io.tollgate.json.Json;
import io.tollgate.platform.TollgateConfig;
import io.tollgate.platform.TollgateServices;
import io.tollgate.storage.Attributes;
import io.tollgate.storage.TableNames;
import io.tollgate.token.LocalSigningKeyStore;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Audit ingest throughput on DynamoDB Local beside its baseline in the same run: one
 * operation is one SQS batch of {@value #BATCH} events.
 *
 * <ul>
 *   <li>{@code ingest}: the consumer's whole path — JSON parse, validation, severity, personal-data
 *       check, linking (canonical JSON + SHA-256 per event), one conditional
 *       {@code TransactWriteItems} of head + markers + events (head cached, as in a warm container);</li>
 *   <li>{@code rawBatchWriteItemBaseline}: the same items (10 events + 10 markers + the head, 21
 *       puts) written by one unconditional {@code BatchWriteItem}, their linking included — the
 *       cheapest way the same data could reach the table.</li>
 *   <li>{@code rawTransactWriteItemsReference}: the same 21 items in one unconditional
 *       {@code TransactWriteItems};</li>
 *   <li>{@code reserveFirstCallsReference} / {@code reserveFirstWithoutDuplicateReadReference}: the
 *       DynamoDB calls of the "reserve first" alternative ADR 0047 evaluated, and nothing else (no
 *       parsing, no validation): a lower bound of what that design could reach.</li>
 * </ul>
 * Ratio = ingest events/s ÷ baseline events/s; docs/performance.md records it. JMH runs each
 * method in its own forks one after the other, so on a shared machine the load can differ between
 * them; {@link AuditIngestPairedRun} interleaves the same operations on one table for the ratio.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED",
        "-Dlog4j2.configurationFile=classpath:log4j2-bench.xml", "-Djmh.shutdownTimeout=1"})
public class AuditIngestBenchmark {

    static final int BATCH = 10;
    private static final String TABLE = "AuditTable";

    private DynamoDbLocalServer server;
    private DynamoDbClient dynamoDb;
    private AuditIngestion ingestion;
    private final String ingestTenant = "bench-ingest";
    private final String rawTenant = "bench-raw";
    private ChainHead rawHead = ChainHead.GENESIS;
    private final String txTenant = "bench-tx";
    private ChainHead txHead = ChainHead.GENESIS;
    private final AtomicLong sent = new AtomicLong();

    @Setup(Level.Trial)
    public void setUp() {
        server = DynamoDbLocalServer.inMemory();
        dynamoDb = DynamoDbClient.builder().endpointOverride(server.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create()).build();
        TableProvisioner.provision(dynamoDb, SamTemplate.findFrom(Path.of("").toAbsolutePath()));
        SecureRandom random = new SecureRandom();
        TollgateServices services = TollgateServices.builder()
                .config(new TollgateConfig(new TableNames("IdentityTable", "SessionsTable", "SecurityTable"),
                        "https://auth.bench", Optional.empty(), Optional.empty()))
                .dynamoDb(dynamoDb)
                .signingKeys(LocalSigningKeyStore.inMemory(Clock.systemUTC(), random))
                .auditPublisher(event -> { })
                .build();
        AuditServices audit = AuditServices.of(services, TABLE,
                EnvelopeEncryptor.withDefaultCache(LocalKeyRing.inMemory(random), Clock.systemUTC(), random),
                LocalDigestSigner.inMemory(random), (body, group, reason) -> {
                    throw new IllegalStateException("benchmark events are valid: " + reason);
                });
        ingestion = audit.ingestion();
    }

    private AuditEvent event(String tenant) {
        return new AuditEvent(java.time.Instant.now(), UUID.randomUUID().toString(), "api_access", AuditSeverity.MEDIUM,
                "user-" + (sent.incrementAndGet() % 100), tenant, "risk", "192.0.2.7", "bench/1", "/v1/predictions",
                "create", "success", Map.of("latency_ms", 12, "route", "POST /v1/predictions"), List.of("soc2"));
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int ingest() throws Exception {
        List<AuditIngestion.Message> messages = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            AuditEvent event = event(ingestTenant);
            messages.add(new AuditIngestion.Message(event.eventId(), Json.mapper().writeValueAsString(event),
                    Optional.of(ingestTenant)));
        }
        AuditIngestion.Outcome outcome = ingestion.ingest(messages);
        if (outcome.stored() != BATCH) {
            throw new IllegalStateException("stored " + outcome.stored() + " of " + BATCH);
        }
        return outcome.stored();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int rawBatchWriteItemBaseline() {
        List<AuditEvent> events = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            events.add(event(rawTenant));
        }
        List<ChainedEvent> links = AuditChain.link(rawHead, events);
        List<WriteRequest> writes = new ArrayList<>(2 * BATCH + 1);
        for (ChainedEvent link : links) {
            writes.add(put(ChainItems.toItem(link)));
            writes.add(put(ChainItems.markerItem(link)));
        }
        rawHead = links.getLast().asHead();
        Map<String, AttributeValue> head = new HashMap<>(AuditKeys.head(rawTenant));
        head.put("seq", Attributes.n(rawHead.seq()));
        head.put("hash", Attributes.s(rawHead.hash()));
        writes.add(put(head));
        Map<String, List<WriteRequest>> request = Map.of(TABLE, writes);
        while (!request.isEmpty()) {
            Map<String, List<WriteRequest>> asked = request;
            var response = dynamoDb.batchWriteItem(r -> r.requestItems(asked));
            request = response.hasUnprocessedItems() ? response.unprocessedItems() : Map.of();
        }
        return writes.size();
    }

    /**
     * Reference: the same 21 items in one unconditional {@code TransactWriteItems}, to separate
     * what the engine's transactions cost from what the ingest code costs.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int rawTransactWriteItemsReference() {
        List<AuditEvent> events = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            events.add(event(txTenant));
        }
        List<ChainedEvent> links = AuditChain.link(txHead, events);
        List<TransactWriteItem> writes = new ArrayList<>(2 * BATCH + 1);
        for (ChainedEvent link : links) {
            writes.add(TransactWriteItem.builder().put(p -> p.tableName(TABLE).item(ChainItems.toItem(link))).build());
            writes.add(TransactWriteItem.builder().put(p -> p.tableName(TABLE).item(ChainItems.markerItem(link))).build());
        }
        txHead = links.getLast().asHead();
        Map<String, AttributeValue> head = new HashMap<>(AuditKeys.head(txTenant));
        head.put("seq", Attributes.n(txHead.seq()));
        head.put("hash", Attributes.s(txHead.hash()));
        writes.add(TransactWriteItem.builder().put(p -> p.tableName(TABLE).item(head)).build());
        dynamoDb.transactWriteItems(r -> r.transactItems(writes));
        return writes.size();
    }

    private final String reserveTenant = "bench-reserve";
    private ChainHead reserveHead = ChainHead.GENESIS;
    private final String reserveNoReadTenant = "bench-reserve-noread";
    private ChainHead reserveNoReadHead = ChainHead.GENESIS;

    /**
     * Reference: the calls of the reserve-first alternative (ADR 0047) for the same batch — read
     * the 10 idempotency markers ({@code BatchGetItem}, consistent), advance the head with the
     * batch recorded as pending on it (conditional {@code PutItem}), write the 20 event and marker
     * items ({@code BatchWriteItem}), clear pending (conditional {@code PutItem}).
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int reserveFirstCallsReference() {
        reserveHead = reserveFirst(reserveTenant, reserveHead, true);
        return BATCH;
    }

    /** Reference: {@link #reserveFirstCallsReference} without the marker read (not idempotent: a bound only). */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int reserveFirstWithoutDuplicateReadReference() {
        reserveNoReadHead = reserveFirst(reserveNoReadTenant, reserveNoReadHead, false);
        return BATCH;
    }

    private ChainHead reserveFirst(String tenant, ChainHead before, boolean readMarkers) {
        List<AuditEvent> events = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            events.add(event(tenant));
        }
        List<ChainedEvent> links = AuditChain.link(before, events);
        if (readMarkers) {
            List<Map<String, AttributeValue>> keys = new ArrayList<>(BATCH);
            for (ChainedEvent link : links) {
                Map<String, AttributeValue> marker = new HashMap<>(ChainItems.markerItem(link));
                marker.remove("seq");
                keys.add(marker);
            }
            dynamoDb.batchGetItem(r -> r.requestItems(Map.of(TABLE,
                    KeysAndAttributes.builder().keys(keys).consistentRead(true).build())));
        }
        ChainHead after = links.getLast().asHead();
        var pending = Json.mapper().createArrayNode();
        links.forEach(link -> pending.add(AuditChain.eventJson(link.event())));
        Map<String, AttributeValue> reserved = new HashMap<>(AuditKeys.head(tenant));
        reserved.put("seq", Attributes.n(after.seq()));
        reserved.put("hash", Attributes.s(after.hash()));
        reserved.put("pending", Attributes.s(CanonicalJson.text(pending)));
        PutItemRequest.Builder reserve = PutItemRequest.builder().tableName(TABLE).item(reserved);
        if (before.seq() == 0) {
            reserve.conditionExpression("attribute_not_exists(pk)");
        } else {
            reserve.conditionExpression("#seq = :seq AND #hash = :hash AND attribute_not_exists(pending)")
                    .expressionAttributeNames(Map.of("#seq", "seq", "#hash", "hash"))
                    .expressionAttributeValues(Map.of(":seq", Attributes.n(before.seq()), ":hash", Attributes.s(before.hash())));
        }
        dynamoDb.putItem(reserve.build());
        List<WriteRequest> writes = new ArrayList<>(2 * BATCH);
        for (ChainedEvent link : links) {
            writes.add(put(ChainItems.toItem(link)));
            writes.add(put(ChainItems.markerItem(link)));
        }
        Map<String, List<WriteRequest>> request = Map.of(TABLE, writes);
        while (!request.isEmpty()) {
            Map<String, List<WriteRequest>> asked = request;
            var response = dynamoDb.batchWriteItem(r -> r.requestItems(asked));
            request = response.hasUnprocessedItems() ? response.unprocessedItems() : Map.of();
        }
        Map<String, AttributeValue> settled = new HashMap<>(AuditKeys.head(tenant));
        settled.put("seq", Attributes.n(after.seq()));
        settled.put("hash", Attributes.s(after.hash()));
        dynamoDb.putItem(r -> r.tableName(TABLE).item(settled)
                .conditionExpression("#seq = :seq AND #hash = :hash AND attribute_exists(pending)")
                .expressionAttributeNames(Map.of("#seq", "seq", "#hash", "hash"))
                .expressionAttributeValues(Map.of(":seq", Attributes.n(after.seq()), ":hash", Attributes.s(after.hash()))));
        return after;
    }

    private static WriteRequest put(Map<String, AttributeValue> item) {
        return WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        dynamoDb.close();
        server.close();
    }
}
