package io.tollgate.retention;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.tollgate.audit.AuditEventType;
import io.tollgate.audit.AuditRecorder;
import io.tollgate.audit.chain.AuditChainStore;
import io.tollgate.audit.chain.ChainPurge;
import io.tollgate.audit.subject.SubjectKeyStore;
import io.tollgate.json.Json;
import io.tollgate.storage.Attributes;
import io.tollgate.storage.Keys;
import io.tollgate.storage.TableNames;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * The daily retention run (ADR 0030): applies the {@link RetentionPolicy} with each
 * tenant's overrides and legal holds.
 *
 * <p>Phases, in order: <b>audit</b> (per tenant with a chain, the events past the shortest
 * retention of the audit classes, oldest first, each checked against its own class; purged to
 * hash stubs by {@link ChainPurge}), <b>sessions</b> (session items whose last activity —
 * creation, last refresh, revocation — is past retention; deleted) and <b>users</b> (accounts
 * without a sign-in past retention; {@code reported} only: anonymising is a data-subject erasure a
 * person decides) and <b>markers</b> (the purge markers deleted accounts leave, ADR 0026: the
 * user's subject key is destroyed — crypto-shredding their audit personal data — and the marker
 * deleted; class {@code deleted_accounts}). A legal hold on the tenant, or on the user the data is about, keeps it and is
 * counted as {@code held}.
 *
 * <p><b>Bounded and resumable.</b> A real run handles at most {@code budget} items per invocation
 * in pages of {@code pageSize}; after every page it writes a checkpoint item (phase, tenant, cursor,
 * counts so far) conditioned on the version it read, so a second invocation racing the same run
 * stops instead of interleaving. The next invocation resumes the checkpoint's run; the last one
 * deletes it. Purges are conditional (a stub is not purged twice, a session is deleted once), so
 * replaying a page after a crash is harmless. Each page's purges are audited per tenant and class
 * ({@code retention_purge} with counts, never content) as they happen.
 *
 * <p>A dry run writes nothing (no checkpoint, no purge, no audit event) and reports what would be
 * purged.
 */
public final class RetentionRun {

    public static final int DEFAULT_PAGE_SIZE = 100;
    public static final int DEFAULT_BUDGET = 5_000;

    private static final Logger LOG = LoggerFactory.getLogger(RetentionRun.class);
    private static final TypeReference<Map<String, long[]>> COUNTS = new TypeReference<>() {
    };
    private static final Map<String, AttributeValue> CHECKPOINT_KEY = Map.of(Keys.PK, Attributes.s("RETENTION#RUN"),
            Keys.SK, Attributes.s("CHECKPOINT"));
    private static final List<String> PHASES = List.of("audit", "sessions", "users", "markers");
    /** The data class of deleted accounts: what is left of them when their purge marker is consumed. */
    static final String DELETED_ACCOUNTS = "deleted_accounts";

    private final RetentionPolicy policy;
    private final RetentionSettings settings;
    private final AuditChainStore chains;
    private final ChainPurge purge;
    private final SubjectKeyStore subjectKeys;
    private final DynamoDbClient dynamoDb;
    private final TableNames tables;
    private final AuditRecorder audit;
    private final Clock clock;
    private final int pageSize;
    private final int budget;

    public RetentionRun(RetentionPolicy policy, RetentionSettings settings, AuditChainStore chains, ChainPurge purge,
            SubjectKeyStore subjectKeys, DynamoDbClient dynamoDb, TableNames tables, AuditRecorder audit, Clock clock,
            int pageSize, int budget) {
        this.subjectKeys = Objects.requireNonNull(subjectKeys, "subjectKeys");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.chains = Objects.requireNonNull(chains, "chains");
        this.purge = Objects.requireNonNull(purge, "purge");
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.tables = Objects.requireNonNull(tables, "tables");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (pageSize < 1 || budget < pageSize) {
            throw new IllegalArgumentException("page size must be >= 1 and the budget at least one page");
        }
        this.pageSize = pageSize;
        this.budget = budget;
    }

    /** Where a run stands: persisted between invocations of a real run. */
    private static final class State {
        String runId;
        Instant startedAt;
        int phase;
        String tenant = "";
        Optional<String> cursor = Optional.empty();
        long version;
        boolean fresh = true;
        final Map<String, long[]> counts = new LinkedHashMap<>();
        final Map<String, TenantRetention> tenants = new HashMap<>();
    }

    /** Runs (or, with {@code dryRun}, simulates) retention until done or the budget is spent. */
    public RetentionReport run(boolean dryRun) {
        State state = dryRun ? newState() : loadOrStart();
        long handled = 0;
        boolean complete = true;
        try {
            while (state.phase < PHASES.size()) {
                long pageHandled = switch (PHASES.get(state.phase)) {
                    case "audit" -> auditPage(state, dryRun);
                    case "sessions" -> sessionsPage(state, dryRun);
                    case "users" -> usersPage(state);
                    default -> markersPage(state, dryRun);
                };
                handled += pageHandled;
                if (!dryRun) {
                    saveCheckpoint(state);
                }
                if (!dryRun && handled >= budget && state.phase < PHASES.size()) {
                    complete = false;
                    break;
                }
            }
        } catch (ConcurrentRunException e) {
            LOG.warn("retention run {} is being continued by another invocation; this one stops", state.runId);
            complete = false;
        }
        if (complete && !dryRun) {
            dynamoDb.deleteItem(r -> r.tableName(tables.identity()).key(CHECKPOINT_KEY));
        }
        RetentionReport report = new RetentionReport(state.runId, dryRun, policy.version(), state.startedAt, complete,
                lines(state));
        LOG.info("retention run {} dry_run={} complete={} lines={}", state.runId, dryRun, complete, report.lines().size());
        return report;
    }

    private State newState() {
        State state = new State();
        state.runId = UUID.randomUUID().toString();
        state.startedAt = clock.instant();
        return state;
    }

    private State loadOrStart() {
        Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(tables.identity()).key(CHECKPOINT_KEY)
                .consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return newState();
        }
        State state = new State();
        state.fresh = false;
        state.runId = Attributes.requiredString(item, "run_id");
        state.startedAt = Instant.parse(Attributes.requiredString(item, "started_at"));
        state.phase = Attributes.number(item, "phase").orElse(0L).intValue();
        state.tenant = Attributes.string(item, "tenant").orElse("");
        state.cursor = Attributes.string(item, "cursor");
        state.version = Attributes.number(item, "version").orElse(0L);
        try {
            state.counts.putAll(Json.mapper().readValue(Attributes.requiredString(item, "counts"), COUNTS));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the retention checkpoint's counts are not readable", e);
        }
        LOG.info("retention run {} resumes at phase {}", state.runId, PHASES.get(Math.min(state.phase, PHASES.size() - 1)));
        return state;
    }

    private void saveCheckpoint(State state) {
        Map<String, AttributeValue> item = new HashMap<>(CHECKPOINT_KEY);
        item.put("run_id", Attributes.s(state.runId));
        item.put("started_at", Attributes.s(state.startedAt.toString()));
        item.put("phase", Attributes.n(state.phase));
        item.put("tenant", Attributes.s(state.tenant));
        state.cursor.ifPresent(cursor -> item.put("cursor", Attributes.s(cursor)));
        item.put("version", Attributes.n(state.version + 1));
        try {
            item.put("counts", Attributes.s(Json.mapper().writeValueAsString(state.counts)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("retention counts cannot be written", e);
        }
        try {
            if (state.fresh) {
                dynamoDb.putItem(r -> r.tableName(tables.identity()).item(item)
                        .conditionExpression("attribute_not_exists(pk)"));
            } else {
                dynamoDb.putItem(r -> r.tableName(tables.identity()).item(item)
                        .conditionExpression("run_id = :run AND version = :version")
                        .expressionAttributeValues(Map.of(":run", Attributes.s(state.runId),
                                ":version", Attributes.n(state.version))));
            }
        } catch (ConditionalCheckFailedException e) {
            throw new ConcurrentRunException();
        }
        state.fresh = false;
        state.version++;
    }

    /** Another invocation advanced the checkpoint first. */
    private static final class ConcurrentRunException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ConcurrentRunException() {
            super("concurrent retention run", null, false, false);
        }
    }

    // ------------------------------------------------------------------ audit

    private long auditPage(State state, boolean dryRun) {
        List<String> tenants = chains.tenants().stream().sorted().filter(t -> t.compareTo(state.tenant) >= 0).toList();
        if (tenants.isEmpty()) {
            nextPhase(state);
            return 0;
        }
        String tenant = tenants.get(0);
        if (!tenant.equals(state.tenant)) {
            state.tenant = tenant;
            state.cursor = Optional.empty();
        }
        TenantRetention retention = tenant(state, tenant);
        Instant now = clock.instant();
        Instant newestCutoff = policy.inStore(DataClass.AUDIT).stream().map(c -> retention.cutoff(c, now))
                .max(Instant::compareTo).orElse(Instant.EPOCH);
        ChainPurge.Page page = purge.olderThan(tenant, newestCutoff, pageSize, state.cursor);
        Map<String, List<ChainPurge.AgedEvent>> byClass = new LinkedHashMap<>();
        for (ChainPurge.AgedEvent event : page.events()) {
            DataClass dataClass = policy.classify(event.eventType());
            if (!event.timestamp().isBefore(retention.cutoff(dataClass, now))) {
                continue;
            }
            if (retention.held(event.userId().orElse(null))) {
                count(state, dataClass, tenant)[2]++;
            } else {
                byClass.computeIfAbsent(dataClass.id(), id -> new ArrayList<>()).add(event);
            }
        }
        byClass.forEach((id, events) -> {
            DataClass dataClass = policy.dataClass(id).orElseThrow();
            long[] count = count(state, dataClass, tenant);
            count[0] += events.size();
            if (!dryRun) {
                int purged = purge.purge(tenant, events, state.runId, id, now);
                count[1] += purged;
                auditPurge(state, tenant, dataClass, retention, purged);
            }
        });
        if (page.cursor().isPresent()) {
            state.cursor = page.cursor();
        } else {
            state.tenant = tenant + "\u0000";
            state.cursor = Optional.empty();
        }
        return Math.max(1, page.events().size());
    }

    // ------------------------------------------------------------------ sessions

    private long sessionsPage(State state, boolean dryRun) {
        DataClass dataClass = policy.inStore(DataClass.SESSIONS).get(0);
        ScanResponse page = scan(tables.sessions(), Keys.SESSION_PREFIX, state.cursor);
        Instant now = clock.instant();
        Map<String, Long> purgedPerTenant = new LinkedHashMap<>();
        for (Map<String, AttributeValue> item : page.items()) {
            String tenant = Attributes.string(item, "tenant_id").orElse(null);
            if (tenant == null) {
                continue;
            }
            TenantRetention retention = tenant(state, tenant);
            Instant lastActivity = latest(item, "created_at", "last_used_at", "revoked_at");
            if (!lastActivity.isBefore(retention.cutoff(dataClass, now))) {
                continue;
            }
            long[] count = count(state, dataClass, tenant);
            if (retention.held(Attributes.string(item, "user_id").orElse(null))) {
                count[2]++;
                continue;
            }
            count[0]++;
            if (!dryRun && deleteSession(item)) {
                count[1]++;
                purgedPerTenant.merge(tenant, 1L, Long::sum);
            }
        }
        purgedPerTenant.forEach((tenant, purged) -> auditPurge(state, tenant, dataClass, tenant(state, tenant), purged));
        advanceScan(state, page);
        return Math.max(1, page.items().size());
    }

    private boolean deleteSession(Map<String, AttributeValue> item) {
        Map<String, AttributeValue> key = Map.of(Keys.PK, item.get(Keys.PK), Keys.SK, item.get(Keys.SK));
        AttributeValue lastUsed = item.get("last_used_at");
        try {
            if (lastUsed == null) {
                dynamoDb.deleteItem(r -> r.tableName(tables.sessions()).key(key)
                        .conditionExpression("attribute_exists(pk) AND attribute_not_exists(last_used_at)"));
            } else {
                dynamoDb.deleteItem(r -> r.tableName(tables.sessions()).key(key)
                        .conditionExpression("last_used_at = :seen").expressionAttributeValues(Map.of(":seen", lastUsed)));
            }
            return true;
        } catch (ConditionalCheckFailedException goneOrUsedAgain) {
            return false;
        }
    }

    // ------------------------------------------------------------------ inactive users (reported)

    private long usersPage(State state) {
        Optional<DataClass> inactive = policy.dataClass("inactive_user_accounts");
        if (inactive.isEmpty()) {
            nextPhase(state);
            return 0;
        }
        ScanResponse page = scan(tables.identity(), "USER#", state.cursor);
        Instant now = clock.instant();
        for (Map<String, AttributeValue> item : page.items()) {
            String tenant = Attributes.string(item, "tenant_id").orElse(null);
            if (tenant == null) {
                continue;
            }
            TenantRetention retention = tenant(state, tenant);
            Instant lastSeen = latest(item, "created_at", "last_login_at");
            if (lastSeen.equals(Instant.EPOCH) || !lastSeen.isBefore(retention.cutoff(inactive.get(), now))) {
                continue;
            }
            long[] count = count(state, inactive.get(), tenant);
            count[retention.held(Attributes.string(item, "user_id").orElse(null)) ? 2 : 0]++;
        }
        advanceScan(state, page);
        return Math.max(1, page.items().size());
    }

    // ------------------------------------------------------------------ purge markers of deleted users (ADR 0026, ADR 0029)

    /**
     * One page of the {@code PURGE#USER} partition: for each due marker whose user is not under
     * legal hold, the user's subject key is destroyed (their audit personal data becomes
     * unreadable; the chain is untouched) and the marker deleted. Both are idempotent, so a replay
     * is harmless; a held user's marker stays until the hold is released.
     */
    private long markersPage(State state, boolean dryRun) {
        Optional<DataClass> deleted = policy.dataClass(DELETED_ACCOUNTS);
        if (deleted.isEmpty()) {
            nextPhase(state);
            return 0;
        }
        Map<String, AttributeValue> start = state.cursor.map(sk -> Map.of(Keys.PK, Attributes.s(Keys.PURGE_PARTITION),
                Keys.SK, Attributes.s(sk))).orElse(null);
        QueryResponse page = dynamoDb.query(r -> r.tableName(tables.identity()).consistentRead(true).limit(pageSize)
                .keyConditionExpression("pk = :pk").expressionAttributeValues(Map.of(":pk", Attributes.s(Keys.PURGE_PARTITION)))
                .exclusiveStartKey(start));
        Instant now = clock.instant();
        Map<String, Long> purgedPerTenant = new LinkedHashMap<>();
        for (Map<String, AttributeValue> marker : page.items()) {
            Optional<String> tenant = Attributes.string(marker, "tenant_id");
            Optional<String> user = Attributes.string(marker, "user_id");
            if (tenant.isEmpty() || user.isEmpty() || !SubjectKeyStore.isSubject(user.get())
                    || Attributes.instantMillis(marker, "purge_after").orElse(Instant.EPOCH).isAfter(now)) {
                continue;
            }
            long[] count = count(state, deleted.get(), tenant.get());
            if (tenant(state, tenant.get()).held(user.get())) {
                count[2]++;
                continue;
            }
            count[0]++;
            if (!dryRun) {
                subjectKeys.destroy(tenant.get(), user.get(), Attributes.string(marker, "reason").orElse("user_deleted"));
                try {
                    dynamoDb.deleteItem(r -> r.tableName(tables.identity())
                            .key(Map.of(Keys.PK, marker.get(Keys.PK), Keys.SK, marker.get(Keys.SK)))
                            .conditionExpression("attribute_exists(pk)"));
                    count[1]++;
                    purgedPerTenant.merge(tenant.get(), 1L, Long::sum);
                } catch (ConditionalCheckFailedException consumedMeanwhile) {
                    LOG.debug("purge marker consumed by another run");
                }
            }
        }
        purgedPerTenant.forEach((tenant, purged) -> auditPurge(state, tenant, deleted.get(), tenant(state, tenant), purged));
        if (page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()) {
            state.cursor = Optional.of(Attributes.requiredString(page.lastEvaluatedKey(), Keys.SK));
        } else {
            nextPhase(state);
        }
        return Math.max(1, page.items().size());
    }

    // ------------------------------------------------------------------ helpers

    private ScanResponse scan(String table, String skPrefix, Optional<String> cursor) {
        ScanRequest.Builder scan = ScanRequest.builder().tableName(table).limit(pageSize)
                .filterExpression("begins_with(sk, :prefix)")
                .expressionAttributeValues(Map.of(":prefix", Attributes.s(skPrefix)));
        cursor.ifPresent(c -> {
            int split = c.indexOf('\n');
            scan.exclusiveStartKey(Map.of(Keys.PK, Attributes.s(c.substring(0, split)),
                    Keys.SK, Attributes.s(c.substring(split + 1))));
        });
        return dynamoDb.scan(scan.build());
    }

    private void advanceScan(State state, ScanResponse page) {
        if (page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()) {
            Map<String, AttributeValue> last = page.lastEvaluatedKey();
            state.cursor = Optional.of(Attributes.requiredString(last, Keys.PK) + "\n" + Attributes.requiredString(last, Keys.SK));
        } else {
            nextPhase(state);
        }
    }

    private static void nextPhase(State state) {
        state.phase++;
        state.tenant = "";
        state.cursor = Optional.empty();
    }

    private static Instant latest(Map<String, AttributeValue> item, String... names) {
        Instant latest = Instant.EPOCH;
        for (String name : names) {
            Optional<Instant> value = Attributes.instantMillis(item, name);
            if (value.isPresent() && value.get().isAfter(latest)) {
                latest = value.get();
            }
        }
        return latest;
    }

    private TenantRetention tenant(State state, String tenantId) {
        return state.tenants.computeIfAbsent(tenantId, settings::read);
    }

    /** [eligible, purged, held] of a class and tenant. */
    private static long[] count(State state, DataClass dataClass, String tenant) {
        return state.counts.computeIfAbsent(dataClass.id() + "\n" + tenant, key -> new long[3]);
    }

    private void auditPurge(State state, String tenant, DataClass dataClass, TenantRetention retention, long purged) {
        if (purged == 0) {
            return;
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("run_id", state.runId);
        data.put("data_class", dataClass.id());
        data.put("count", purged);
        data.put("retention_days", retention.days(dataClass));
        data.put("policy_version", policy.version());
        audit.record(AuditEventType.RETENTION_PURGE, new AuditRecorder.Actor(tenant, "system:retention", null,
                "127.0.0.1", "tollgate-retention"), dataClass.store(), "purge", "success", data);
    }

    private List<RetentionReport.Line> lines(State state) {
        List<RetentionReport.Line> lines = new ArrayList<>();
        state.counts.forEach((key, count) -> {
            int split = key.indexOf('\n');
            DataClass dataClass = policy.dataClass(key.substring(0, split)).orElseThrow();
            String tenant = key.substring(split + 1);
            int days = state.tenants.containsKey(tenant) ? state.tenants.get(tenant).days(dataClass)
                    : dataClass.retentionDays();
            lines.add(new RetentionReport.Line(dataClass.id(), tenant, dataClass.action().wireName(), days,
                    count[0], count[1], count[2]));
        });
        return lines;
    }
}
