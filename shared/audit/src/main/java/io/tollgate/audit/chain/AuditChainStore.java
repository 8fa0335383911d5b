package io.tollgate.audit.chain;

import io.tollgate.audit.AuditEvent;
import io.tollgate.storage.Attributes;
import io.tollgate.storage.Keys;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The per-tenant audit chains in DynamoDB (ADR 0014): appends batches of events and reads links,
 * heads and the registry of chains back.
 *
 * <p><b>Append.</b> A batch is linked in memory after the head and written in one
 * {@code TransactWriteItems} per {@value #MAX_EVENTS_PER_TRANSACTION} events: the head item
 * (condition: still the {@code seq}/{@code hash} that was linked on, or absent for the first
 * event), and per event an idempotency marker ({@code attribute_not_exists}) and the event item
 * ({@code attribute_not_exists}). A concurrent writer therefore cannot fork the chain: one
 * transaction wins, the other is cancelled, re-reads the head and re-links (at most
 * {@value #MAX_ATTEMPTS} attempts, with jittered back-off). A cancelled marker condition means
 * that event id is already stored: it is dropped from the batch (idempotency by event id, across
 * redeliveries and concurrent writers). Heads are cached per container and used optimistically;
 * the head condition keeps a stale cache harmless.
 */
public final class AuditChainStore {

    /** (100 items per transaction − head − registry) / (marker + event). */
    public static final int MAX_EVENTS_PER_TRANSACTION = 49;
    public static final int MAX_ATTEMPTS = 30;

    private static final Logger LOG = LoggerFactory.getLogger(AuditChainStore.class);
    private static final int HEAD_CACHE_SIZE = 1_000;
    private static final String MARKER_INFIX = "#EVENT#";

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final Clock clock;
    private final Map<String, ChainHead> heads = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ChainHead> eldest) {
            return size() > HEAD_CACHE_SIZE;
        }
    };

    public AuditChainStore(DynamoDbClient dynamoDb, String table, Clock clock) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.table = Objects.requireNonNull(table, "table");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public String table() {
        return table;
    }

    /** What an append did: the links it wrote, in order, and how many events were already stored. */
    public record AppendResult(List<ChainedEvent> stored, int duplicates) {
        public AppendResult {
            stored = List.copyOf(stored);
        }
    }

    /** The chain could not be advanced within {@value #MAX_ATTEMPTS} attempts (sustained contention). */
    public static final class ChainContentionException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ChainContentionException(String message) {
            super(message);
        }
    }

    /**
     * Appends {@code events} (all of {@code tenantId}, personal data already protected) to the
     * tenant's chain in this order, skipping event ids already stored or repeated in the batch.
     *
     * @throws ChainContentionException if other writers kept winning; nothing of the remaining
     *                                  events was written, those before were (and will be skipped
     *                                  as duplicates on a retry)
     */
    public AppendResult append(String tenantId, List<AuditEvent> events) {
        return append(tenantId, events, Map.of());
    }

    /**
     * As {@link #append(String, List)}, where {@code clearFacts} (by event id) holds the clear
     * working copies of events whose request facts are sealed (ADR 0061).
     */
    public AppendResult append(String tenantId, List<AuditEvent> events, Map<String, SubjectFacts> clearFacts) {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(clearFacts, "clearFacts");
        List<AuditEvent> pending = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int duplicates = 0;
        for (AuditEvent event : events) {
            if (!event.tenantId().equals(tenantId)) {
                throw new IllegalArgumentException("Every event of an append must belong to its tenant");
            }
            if (seen.add(event.eventId())) {
                pending.add(event);
            } else {
                duplicates++;
            }
        }
        List<ChainedEvent> stored = new ArrayList<>();
        int attempt = 0;
        while (!pending.isEmpty()) {
            if (++attempt > MAX_ATTEMPTS) {
                throw new ChainContentionException("Audit chain of a tenant still contended after " + MAX_ATTEMPTS
                        + " attempts");
            }
            ChainHead head = cachedHead(tenantId).orElseGet(() -> readHead(tenantId));
            List<AuditEvent> chunk = pending.subList(0, Math.min(pending.size(), MAX_EVENTS_PER_TRANSACTION));
            List<ChainedEvent> links = AuditChain.link(head, chunk);
            try {
                dynamoDb.transactWriteItems(r -> r.transactItems(transaction(tenantId, head, links, clearFacts)));
            } catch (TransactionCanceledException cancelled) {
                forgetHead(tenantId);
                Set<String> already = alreadyStored(tenantId, chunk, cancelled);
                if (!already.isEmpty()) {
                    duplicates += already.size();
                    pending.removeIf(event -> already.contains(event.eventId()));
                }
                backOff(attempt);
                continue;
            }
            rememberHead(tenantId, links.getLast().asHead());
            stored.addAll(links);
            pending = new ArrayList<>(pending.subList(chunk.size(), pending.size()));
        }
        return new AppendResult(stored, duplicates);
    }

    private List<TransactWriteItem> transaction(String tenantId, ChainHead head, List<ChainedEvent> links,
            Map<String, SubjectFacts> clearFacts) {
        List<TransactWriteItem> items = new ArrayList<>(2 * links.size() + 2);
        ChainHead next = links.getLast().asHead();
        Map<String, AttributeValue> headItem = new LinkedHashMap<>(AuditKeys.head(tenantId));
        headItem.put("seq", Attributes.n(next.seq()));
        headItem.put("hash", Attributes.s(next.hash()));
        headItem.put("tenant_id", Attributes.s(tenantId));
        headItem.put("updated_at", Attributes.epochMillis(clock.instant()));
        Put.Builder headPut = Put.builder().tableName(table).item(headItem);
        if (head.seq() == 0) {
            headPut.conditionExpression("attribute_not_exists(pk)");
            items.add(TransactWriteItem.builder().put(headPut.build()).build());
            Map<String, AttributeValue> registry = new LinkedHashMap<>(AuditKeys.registry(tenantId));
            registry.put("tenant_id", Attributes.s(tenantId));
            items.add(TransactWriteItem.builder().put(p -> p.tableName(table).item(registry)).build());
        } else {
            headPut.conditionExpression("#seq = :seq AND #hash = :hash")
                    .expressionAttributeNames(Map.of("#seq", "seq", "#hash", "hash"))
                    .expressionAttributeValues(Map.of(":seq", Attributes.n(head.seq()), ":hash", Attributes.s(head.hash())));
            items.add(TransactWriteItem.builder().put(headPut.build()).build());
        }
        for (ChainedEvent link : links) {
            items.add(TransactWriteItem.builder().put(p -> p.tableName(table).item(ChainItems.markerItem(link))
                    .conditionExpression("attribute_not_exists(pk)")).build());
            items.add(TransactWriteItem.builder().put(p -> p.tableName(table).item(ChainItems.toItem(link,
                    clearFacts.get(link.event().eventId())))
                    .conditionExpression("attribute_not_exists(pk)")).build());
        }
        return items;
    }

    /**
     * The event ids of {@code chunk} whose marker already exists: from the cancellation reasons
     * when DynamoDB gives them (marker items sit at known positions), else by reading the markers.
     */
    private Set<String> alreadyStored(String tenantId, List<AuditEvent> chunk, TransactionCanceledException cancelled) {
        Set<String> existing = new HashSet<>();
        List<Map<String, AttributeValue>> keys = chunk.stream()
                .map(event -> AuditKeys.marker(tenantId, event.eventId())).toList();
        boolean markerConflict = !cancelled.hasCancellationReasons();
        if (cancelled.hasCancellationReasons()) {
            List<CancellationReason> reasons = cancelled.cancellationReasons();
            for (CancellationReason reason : reasons) {
                if (reason.code() != null && !"None".equals(reason.code()) && !"ConditionalCheckFailed".equals(reason.code())) {
                    LOG.info("audit chain transaction cancelled reason={}", reason.code());
                }
            }
            int offset = reasons.size() - 2 * chunk.size();
            for (int i = 0; i < chunk.size() && offset >= 0; i++) {
                if ("ConditionalCheckFailed".equals(reasons.get(offset + 2 * i).code())) {
                    markerConflict = true;
                }
            }
        }
        if (!markerConflict) {
            return existing;
        }
        for (int from = 0; from < keys.size(); from += 100) {
            Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder()
                    .keys(keys.subList(from, Math.min(keys.size(), from + 100))).consistentRead(true).build());
            while (!request.isEmpty()) {
                Map<String, KeysAndAttributes> asked = request;
                BatchGetItemResponse response = dynamoDb.batchGetItem(r -> r.requestItems(asked));
                response.responses().getOrDefault(table, List.of()).forEach(item -> {
                    String pk = Attributes.requiredString(item, Keys.PK);
                    existing.add(pk.substring(pk.indexOf(MARKER_INFIX) + MARKER_INFIX.length()));
                });
                request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
            }
        }
        return existing;
    }

    private static void backOff(int attempt) {
        long ceiling = Math.min(100, 1L << Math.min(attempt, 7));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, ceiling + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChainContentionException("Interrupted while waiting to retry an audit append");
        }
    }

    private Optional<ChainHead> cachedHead(String tenantId) {
        synchronized (heads) {
            return Optional.ofNullable(heads.get(tenantId));
        }
    }

    private void rememberHead(String tenantId, ChainHead head) {
        synchronized (heads) {
            heads.put(tenantId, head);
        }
    }

    private void forgetHead(String tenantId) {
        synchronized (heads) {
            heads.remove(tenantId);
        }
    }

    /** The current head (strongly consistent); {@link ChainHead#GENESIS} when the tenant has no event yet. */
    public ChainHead readHead(String tenantId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(table).key(AuditKeys.head(tenantId))
                .consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return ChainHead.GENESIS;
        }
        return new ChainHead(Attributes.number(item, "seq").orElseThrow(), Attributes.requiredString(item, "hash"));
    }

    /**
     * Hands every stored link of the tenant with a position in {@code [fromSeq, toSeq]} to
     * {@code sink}, in position order (strongly consistent, paged by DynamoDB).
     */
    public void forEachLink(String tenantId, long fromSeq, long toSeq, Consumer<StoredLink> sink) {
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder query = QueryRequest.builder().tableName(table).consistentRead(true)
                    .keyConditionExpression("pk = :pk AND sk BETWEEN :from AND :to")
                    .expressionAttributeValues(Map.of(":pk", Attributes.s(AuditKeys.chainPartition(tenantId)),
                            ":from", Attributes.s(AuditKeys.seqSortKey(fromSeq)),
                            ":to", Attributes.s(AuditKeys.seqSortKey(toSeq))));
            if (start != null) {
                query.exclusiveStartKey(start);
            }
            QueryResponse page = dynamoDb.query(query.build());
            page.items().forEach(item -> sink.accept(ChainItems.fromItem(item)));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
    }

    /**
     * The stored link of the tenant's event with this id (its idempotency marker names the
     * sequence), empty when the chain holds no such event or it was purged.
     */
    public Optional<StoredLink> findEvent(String tenantId, String eventId) {
        Map<String, AttributeValue> marker = dynamoDb.getItem(r -> r.tableName(table)
                .key(AuditKeys.marker(tenantId, eventId)).consistentRead(true)).item();
        if (marker == null || marker.isEmpty()) {
            return Optional.empty();
        }
        Optional<Long> seq = Attributes.number(marker, "seq");
        if (seq.isEmpty()) {
            return Optional.empty();
        }
        Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(table)
                .key(AuditKeys.event(tenantId, seq.get())).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(ChainItems.fromItem(item));
    }

    /** Every tenant that has a chain (the registry), for the digest job. */
    public List<String> tenants() {
        List<String> tenants = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder query = QueryRequest.builder().tableName(table)
                    .keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", Attributes.s(AuditKeys.REGISTRY_PK)));
            if (start != null) {
                query.exclusiveStartKey(start);
            }
            QueryResponse page = dynamoDb.query(query.build());
            page.items().forEach(item -> tenants.add(Attributes.requiredString(item, "tenant_id")));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return tenants;
    }
}
