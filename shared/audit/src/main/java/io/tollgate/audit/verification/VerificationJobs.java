package io.tollgate.audit.verification;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.tollgate.audit.chain.ChainVerifier;
import io.tollgate.audit.chain.VerificationReport;
import io.tollgate.json.Json;
import io.tollgate.storage.Attributes;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/**
 * Asynchronous verification jobs (docs/adr/0071-asynchronous-chain-verification.md): creates them, finds them
 * for their own tenant only, and runs them in chunks of at most {@code chunkPositions} chain positions with the
 * checkpoint saved after each chunk, so a run cut short resumes where the last chunk ended instead of restarting.
 *
 * <p>Items live in the audit table under {@code VERIFY#<tenant>} / {@code JOB#<id>}: the key itself includes
 * the tenant, so no lookup by id alone exists. Every write is conditional on the version read (a job is
 * created once; a redelivered or duplicated message cannot advance it twice), and every item carries
 * {@code ttl} ({@link VerificationJob#RETENTION}); an item past it is treated as gone before DynamoDB removes it.
 */
public final class VerificationJobs {

    /** Positions a worker checks between two checkpoints (a few seconds of reads and hashes). */
    public static final long DEFAULT_CHUNK_POSITIONS = 5_000;

    private static final String PK_PREFIX = "VERIFY#";
    private static final String SK_PREFIX = "JOB#";
    private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };
    private static final TypeReference<List<Map<String, Long>>> RANGES = new TypeReference<>() {
    };

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final ChainVerifier verifier;
    private final Clock clock;
    private final SecureRandom random;
    private final long chunkPositions;

    public VerificationJobs(DynamoDbClient dynamoDb, String table, ChainVerifier verifier, Clock clock,
            SecureRandom random, long chunkPositions) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.table = Objects.requireNonNull(table, "table");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        if (chunkPositions < 1) {
            throw new IllegalArgumentException("chunkPositions must be positive");
        }
        this.chunkPositions = chunkPositions;
    }

    /** Stores a new pending job for the tenant and the range (both bounds optional, as for the synchronous verify). */
    public VerificationJob create(String tenantId, Optional<Instant> from, Optional<Instant> to) {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        VerificationJob job = VerificationJob.accepted(tenantId, HexFormat.of().formatHex(bytes), from, to,
                clock.instant());
        if (!write(job, Optional.empty())) {
            throw new IllegalStateException("a verification job id was drawn twice");
        }
        return job;
    }

    /** The tenant's job with this id; empty for an unknown, malformed, expired or another tenant's id. */
    public Optional<VerificationJob> find(String tenantId, String id) {
        if (id == null || !ID.matcher(id).matches()) {
            return Optional.empty();
        }
        Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(table).key(key(tenantId, id))
                .consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        VerificationJob job = fromItem(tenantId, id, item);
        return clock.instant().isBefore(job.expiresAt()) ? Optional.of(job) : Optional.empty();
    }

    /**
     * Runs the job: one chunk, then more while {@code mayContinue} allows another (e.g. enough of the Lambda's
     * time is left).
     *
     * @return whether work is left for another run: the job is still running, this run holds it, and it stopped
     *         only because {@code mayContinue} said so. False when the job is completed or failed, unknown, or
     *         advanced by another run meanwhile (that run carries on).
     */
    public boolean run(String tenantId, String id, BooleanSupplier mayContinue) {
        Optional<VerificationJob> found = find(tenantId, id);
        if (found.isEmpty()) {
            return false;
        }
        Optional<VerificationJob> began = found.get().begin(clock.instant());
        if (began.isEmpty() || !write(began.get(), Optional.of(found.get().version()))) {
            return false;
        }
        VerificationJob job = began.get();
        if (job.status() == VerificationJob.Status.FAILED) {
            return false;
        }
        if (job.progress().isEmpty()) {
            Optional<VerificationJob> planned = save(job, job.checkpoint(verifier.start(tenantId, job.from(), job.to()),
                    clock.instant()));
            if (planned.isEmpty()) {
                return false;
            }
            job = planned.get();
        }
        ChainVerifier.Progress progress = job.progress().orElseThrow();
        boolean first = true;
        while (!progress.walked()) {
            // Every run walks at least one chunk, so a run that is not cut short always makes progress.
            if (!first && !mayContinue.getAsBoolean()) {
                return true;
            }
            first = false;
            progress = verifier.advance(tenantId, progress, chunkPositions);
            Optional<VerificationJob> saved = save(job, job.checkpoint(progress, clock.instant()));
            if (saved.isEmpty()) {
                return false;
            }
            job = saved.get();
        }
        save(job, job.complete(verifier.finish(tenantId, progress).wire(), clock.instant()));
        return false;
    }

    private Optional<VerificationJob> save(VerificationJob before, VerificationJob after) {
        return write(after, Optional.of(before.version())) ? Optional.of(after) : Optional.empty();
    }

    /** Writes the job if it is new ({@code expectedVersion} empty) or still at the expected version. */
    private boolean write(VerificationJob job, Optional<Long> expectedVersion) {
        PutItemRequest.Builder put = PutItemRequest.builder().tableName(table).item(toItem(job));
        if (expectedVersion.isEmpty()) {
            put.conditionExpression("attribute_not_exists(pk)");
        } else {
            put.conditionExpression("version = :expected")
                    .expressionAttributeValues(Map.of(":expected", Attributes.n(expectedVersion.get())));
        }
        try {
            dynamoDb.putItem(put.build());
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private static Map<String, AttributeValue> key(String tenantId, String id) {
        return Map.of("pk", Attributes.s(PK_PREFIX + tenantId), "sk", Attributes.s(SK_PREFIX + id));
    }

    private static Map<String, AttributeValue> toItem(VerificationJob job) {
        Map<String, AttributeValue> item = new HashMap<>(key(job.tenantId(), job.id()));
        item.put("status", Attributes.s(job.status().wireName()));
        job.from().ifPresent(from -> item.put("range_from", Attributes.s(from.toString())));
        job.to().ifPresent(to -> item.put("range_to", Attributes.s(to.toString())));
        item.put("created_at", Attributes.s(job.createdAt().toString()));
        item.put("updated_at", Attributes.s(job.updatedAt().toString()));
        item.put("stalled_runs", Attributes.n(job.stalledRuns()));
        item.put("version", Attributes.n(job.version()));
        item.put("ttl", Attributes.epochSeconds(job.expiresAt()));
        job.progress().ifPresent(progress -> {
            item.put("from_seq", Attributes.n(progress.fromSeq()));
            item.put("to_seq", Attributes.n(progress.toSeq()));
            item.put("next_seq", Attributes.n(progress.nextSeq()));
            item.put("prev_hash", Attributes.s(progress.previousHash()));
            item.put("checked", Attributes.n(progress.checked()));
            List<Map<String, Long>> purged = progress.purged().stream()
                    .map(range -> Map.of("from_seq", range.fromSeq(), "to_seq", range.toSeq())).toList();
            item.put("purged", Attributes.s(json(purged)));
            progress.broken().ifPresent(broken -> {
                item.put("broken_seq", Attributes.n(broken.seq()));
                item.put("broken_kind", Attributes.s(broken.kind().name()));
                item.put("broken_detail", Attributes.s(broken.detail()));
            });
        });
        job.report().ifPresent(report -> item.put("report", Attributes.s(json(report))));
        return item;
    }

    private static VerificationJob fromItem(String tenantId, String id, Map<String, AttributeValue> item) {
        Optional<ChainVerifier.Progress> progress = Attributes.number(item, "next_seq").map(next -> {
            List<VerificationReport.PurgedRange> purged = new ArrayList<>();
            for (Map<String, Long> range : read(Attributes.requiredString(item, "purged"), RANGES)) {
                purged.add(new VerificationReport.PurgedRange(range.get("from_seq"), range.get("to_seq")));
            }
            Optional<VerificationReport.Break> broken = Attributes.number(item, "broken_seq").map(seq ->
                    new VerificationReport.Break(seq, VerificationReport.Kind.valueOf(
                            Attributes.requiredString(item, "broken_kind")),
                            Attributes.requiredString(item, "broken_detail")));
            return new ChainVerifier.Progress(Attributes.number(item, "from_seq").orElseThrow(),
                    Attributes.number(item, "to_seq").orElseThrow(), next, Attributes.requiredString(item, "prev_hash"),
                    Attributes.number(item, "checked").orElseThrow(), purged, broken);
        });
        return new VerificationJob(tenantId, id,
                VerificationJob.Status.valueOf(Attributes.requiredString(item, "status").toUpperCase(java.util.Locale.ROOT)),
                Attributes.string(item, "range_from").map(Instant::parse),
                Attributes.string(item, "range_to").map(Instant::parse),
                Instant.parse(Attributes.requiredString(item, "created_at")),
                Instant.parse(Attributes.requiredString(item, "updated_at")),
                Attributes.number(item, "stalled_runs").orElse(0L).intValue(), progress,
                Attributes.string(item, "report").map(text -> read(text, MAP)),
                Attributes.number(item, "version").orElseThrow());
    }

    private static String json(Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a verification job is not serialisable", e);
        }
    }

    private static <T> T read(String text, TypeReference<T> type) {
        try {
            return Json.mapper().readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored verification job is not readable", e);
        }
    }
}
