package io.tollgate.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.AuditSeverity;
import io.tollgate.audit.chain.ChainPurge;
import io.tollgate.audit.chain.VerificationReport;
import io.tollgate.audit.ingest.PersonalDataProtector;
import io.tollgate.audit.subject.SubjectKeyStore;
import io.tollgate.audit.testing.AuditTestbed;
import io.tollgate.login.LoginCommand;
import io.tollgate.login.LoginResult;
import io.tollgate.login.LoginServices;
import io.tollgate.session.SessionRecord;
import io.tollgate.storage.Attributes;
import io.tollgate.storage.Keys;
import io.tollgate.testing.Testbed;
import io.tollgate.user.UserAccount;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The retention run on DynamoDB Local with an injected clock: data aged
 * past each class's limit is purged exactly, kept under legal hold, and reported by a dry run;
 * the chain still verifies; every purge is audited with counts only.
 */
class RetentionRunIT {

    private static final Duration YEAR = Duration.ofDays(365);

    private final AuditTestbed bed = new AuditTestbed();
    private final Testbed testbed = bed.testbed;
    private final DynamoDbClient dynamoDb = testbed.services.dynamoDb();
    private final RetentionServices retention = RetentionServices.of(bed.audit, 50, 10_000);
    private final ChainPurge purge = new ChainPurge(dynamoDb, AuditTestbed.TABLE);

    private AuditEvent event(String tenant, String type, AuditSeverity severity, String user, Duration age) {
        return new AuditEvent(testbed.clock.instant().minus(age), UUID.randomUUID().toString(), type, severity, user,
                tenant, "risk", "192.0.2.7", "curl/8", "accounts", "read", "success",
                Map.of("email", "subject@acme.test"), List.of("soc2"));
    }

    /**
     * One tenant's chain, oldest first: per class one event just past its limit and one just
     * inside it, plus an old event about a user under legal hold.
     */
    private List<AuditEvent> agedChain(String tenant) {
        List<AuditEvent> events = new ArrayList<>();
        events.add(event(tenant, "auth_failure", AuditSeverity.CRITICAL, "u-1", YEAR.multipliedBy(8)));
        events.add(event(tenant, "auth_failure", AuditSeverity.CRITICAL, "u-held", YEAR.multipliedBy(8)));
        events.add(event(tenant, "billing.invoice_viewed", AuditSeverity.MEDIUM, "u-1", YEAR.multipliedBy(7).plusDays(5)));
        events.add(event(tenant, "auth_failure", AuditSeverity.CRITICAL, "u-1", YEAR.multipliedBy(6)));
        events.add(event(tenant, "login_success", AuditSeverity.HIGH, "u-1", YEAR.multipliedBy(4)));
        events.add(event(tenant, "login_success", AuditSeverity.HIGH, "u-1", YEAR.multipliedBy(2)));
        events.add(event(tenant, "system.restart", AuditSeverity.MEDIUM, null, YEAR.plusDays(10)));
        events.add(event(tenant, "system.restart", AuditSeverity.MEDIUM, null, Duration.ofDays(300)));
        events.add(event(tenant, "api.call", AuditSeverity.MEDIUM, "u-1", Duration.ofDays(100)));
        events.add(event(tenant, "api.call", AuditSeverity.MEDIUM, "u-1", Duration.ofDays(80)));
        return events;
    }

    private String tenantWithAgedChain() {
        String tenant = AuditTestbed.newTenant();
        assertEquals(10, bed.audit.ingestion().ingest(agedChain(tenant).stream().map(AuditTestbed::message).toList())
                .stored());
        retention.settings().holdUser(tenant, "u-held", "litigation 2026-17", "legal@acme.test");
        return tenant;
    }

    private static long eligible(RetentionReport report, String dataClass, String tenant) {
        return report.line(dataClass, tenant).map(RetentionReport.Line::eligible).orElse(0L);
    }

    private static long purged(RetentionReport report, String dataClass, String tenant) {
        return report.line(dataClass, tenant).map(RetentionReport.Line::purged).orElse(0L);
    }

    private static long held(RetentionReport report, String dataClass, String tenant) {
        return report.line(dataClass, tenant).map(RetentionReport.Line::held).orElse(0L);
    }

    private List<Long> agedSeqs(String tenant) {
        return purge.olderThan(tenant, testbed.clock.instant(), 100, Optional.empty()).events().stream()
                .map(ChainPurge.AgedEvent::seq).toList();
    }

    @Test
    void dryRunWhenDataAgedThenReportsPerClassAndTenantAndWritesNothing() {
        String tenant = tenantWithAgedChain();
        RetentionReport report = retention.run().run(true);
        assertTrue(report.dryRun());
        assertTrue(report.complete());
        assertEquals(2, eligible(report, "security_events", tenant), "8 y and 7 y + 5 d (unknown type → security)");
        assertEquals(1, held(report, "security_events", tenant));
        assertEquals(1, eligible(report, "access_logs", tenant));
        assertEquals(1, eligible(report, "system_logs", tenant));
        assertEquals(1, eligible(report, "api_logs", tenant));
        assertEquals(0, purged(report, "security_events", tenant) + purged(report, "api_logs", tenant));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), agedSeqs(tenant), "nothing purged");
        assertTrue(testbed.audit.events().isEmpty(), "a dry run audits nothing");
    }

    @Test
    void runWhenDataAgedThenExactlyThePastLimitPurgedHeldKeptAndChainVerifies() {
        String tenant = tenantWithAgedChain();
        RetentionReport report = retention.run().run(false);
        assertTrue(report.complete());
        assertEquals(2, purged(report, "security_events", tenant));
        assertEquals(1, held(report, "security_events", tenant));
        assertEquals(1, purged(report, "access_logs", tenant));
        assertEquals(1, purged(report, "system_logs", tenant));
        assertEquals(1, purged(report, "api_logs", tenant));
        assertEquals(List.of(2L, 4L, 6L, 8L, 10L), agedSeqs(tenant), "held and within-limit events remain");

        VerificationReport verified = bed.audit.verifier().verify(tenant, Optional.empty(), Optional.empty());
        assertTrue(verified.valid(), () -> verified.broken().toString());
        assertEquals(List.of(new VerificationReport.PurgedRange(1, 1), new VerificationReport.PurgedRange(3, 3),
                new VerificationReport.PurgedRange(5, 5), new VerificationReport.PurgedRange(7, 7),
                new VerificationReport.PurgedRange(9, 9)), verified.purged());

        var audited = testbed.audit.events().stream().filter(e -> e.eventType().equals("retention_purge")
                && e.tenantId().equals(tenant)).toList();
        assertEquals(4, audited.size(), "one event per class purged");
        assertEquals(5L, audited.stream().mapToLong(e -> ((Number) e.additionalData().get("count")).longValue()).sum());
        assertTrue(audited.stream().allMatch(e -> !e.additionalData().toString().contains("subject@acme.test")
                && !e.additionalData().containsKey("user_id")), "counts, never content");

        RetentionReport again = retention.run().run(false);
        assertEquals(0, purged(again, "security_events", tenant), "idempotent");
        assertEquals(1, held(again, "security_events", tenant));
    }

    @Test
    void runWhenTenantUnderLegalHoldThenNothingPurged() {
        String tenant = tenantWithAgedChain();
        retention.settings().holdTenant(tenant, "regulator inquiry", "legal@acme.test");
        RetentionReport report = retention.run().run(false);
        assertEquals(3, held(report, "security_events", tenant));
        assertEquals(0, purged(report, "security_events", tenant) + purged(report, "access_logs", tenant)
                + purged(report, "system_logs", tenant) + purged(report, "api_logs", tenant));
        assertEquals(10, agedSeqs(tenant).size());

        retention.settings().releaseTenant(tenant);
        assertEquals(2, purged(retention.run().run(false), "security_events", tenant), "released: purged next run");
    }

    @Test
    void runWhenOverrideLengthensApiLogsThenKeptLonger() {
        String tenant = tenantWithAgedChain();
        retention.settings().putOverrides(tenant, Map.of("api_logs", 120));
        RetentionReport report = retention.run().run(false);
        assertEquals(0, eligible(report, "api_logs", tenant), "100-day event within the 120-day override");
        assertEquals(1, purged(report, "access_logs", tenant));
        assertTrue(agedSeqs(tenant).contains(9L));
    }

    @Test
    void runWhenBudgetSpentThenResumesFromCheckpointWithoutPurgingTwice() {
        String tenant = tenantWithAgedChain();
        RetentionServices small = RetentionServices.of(bed.audit, 2, 2);
        List<RetentionReport> runs = new ArrayList<>();
        do {
            runs.add(small.run().run(false));
        } while (!runs.get(runs.size() - 1).complete() && runs.size() < 10_000);
        assertFalse(runs.get(0).complete(), "a budget of one page stops early");
        RetentionReport last = runs.get(runs.size() - 1);
        assertEquals(runs.get(0).runId(), last.runId(), "the same run resumed");
        assertEquals(2, purged(last, "security_events", tenant), "counts carried by the checkpoint");
        assertEquals(1, purged(last, "api_logs", tenant));
        assertEquals(List.of(2L, 4L, 6L, 8L, 10L), agedSeqs(tenant));
        assertTrue(bed.audit.verifier().verify(tenant, Optional.empty(), Optional.empty()).valid());
    }

    @Test
    void runWhenSessionIdlePastThirtyDaysThenDeletedUnlessUserHeld() {
        UserAccount alice = testbed.newTenant();
        LoginResult first = LoginServices.create(testbed.services).login(new LoginCommand(alice.tenantId(),
                "alice@acme.test", Testbed.PASSWORD, "203.0.113.10", "test"));
        assertTrue(first instanceof LoginResult.Authenticated);
        testbed.clock.advance(Duration.ofDays(20));
        LoginServices.create(testbed.services).login(new LoginCommand(alice.tenantId(), "alice@acme.test",
                Testbed.PASSWORD, "203.0.113.10", "test"));
        testbed.clock.advance(Duration.ofDays(11));

        RetentionReport dry = retention.run().run(true);
        assertEquals(1, eligible(dry, "sessions", alice.tenantId()), "31 days idle: eligible; 11 days: not");
        assertEquals(2, sessions(alice).size());

        retention.settings().holdUser(alice.tenantId(), alice.userId(), "hr case", "legal@acme.test");
        assertEquals(1, held(retention.run().run(false), "sessions", alice.tenantId()));
        assertEquals(2, sessions(alice).size());

        retention.settings().releaseUser(alice.tenantId(), alice.userId());
        RetentionReport run = retention.run().run(false);
        assertEquals(1, purged(run, "sessions", alice.tenantId()));
        List<SessionRecord> left = sessions(alice);
        assertEquals(1, left.size());
        assertTrue(left.get(0).createdAt().isAfter(testbed.clock.instant().minus(Duration.ofDays(30))));
    }

    @Test
    void runWhenUserInactiveSevenYearsThenReportedNotTouched() {
        UserAccount alice = testbed.newTenant();
        testbed.clock.advance(YEAR.multipliedBy(7).plusDays(3));
        RetentionReport report = retention.run().run(false);
        assertEquals(1, eligible(report, "inactive_user_accounts", alice.tenantId()));
        assertEquals(0, purged(report, "inactive_user_accounts", alice.tenantId()));
        assertEquals("anonymise", report.line("inactive_user_accounts", alice.tenantId()).orElseThrow().action());
        Map<String, AttributeValue> user = dynamoDb.getItem(r -> r.tableName(Testbed.TABLES.identity())
                .key(Keys.user(alice.tenantId(), "alice@acme.test"))).item();
        assertEquals(Optional.of(alice.userId()), Attributes.string(user, "user_id"));
    }

    @Test
    void runWhenPurgeMarkerDueThenSubjectKeyShreddedMarkerDeletedUnlessHeld() {
        String tenant = AuditTestbed.newTenant();
        String gone = UUID.randomUUID().toString();
        String held = UUID.randomUUID().toString();
        AuditEvent about = event(tenant, "user_updated", AuditSeverity.MEDIUM, gone, Duration.ofDays(1));
        assertEquals(1, bed.audit.ingestion().ingest(List.of(AuditTestbed.message(about))).stored());
        bed.audit.subjectKeys().obtain(tenant, held);
        for (String user : List.of(gone, held)) {
            Map<String, AttributeValue> marker = new java.util.HashMap<>(Keys.userPurgeMarker(tenant, user));
            marker.put("tenant_id", Attributes.s(tenant));
            marker.put("user_id", Attributes.s(user));
            marker.put("reason", Attributes.s("user_deleted"));
            marker.put("purge_after", Attributes.epochMillis(testbed.clock.instant()));
            dynamoDb.putItem(r -> r.tableName(Testbed.TABLES.identity()).item(marker));
        }
        retention.settings().holdUser(tenant, held, "litigation 2026-17", "legal@acme.test");

        RetentionReport dry = retention.run().run(true);
        assertEquals(1, eligible(dry, "deleted_accounts", tenant));
        assertEquals(1, held(dry, "deleted_accounts", tenant));
        assertTrue(marker(tenant, gone).isPresent(), "a dry run writes nothing");
        assertTrue(bed.audit.subjectKeys().find(tenant, gone).orElseThrow() instanceof SubjectKeyStore.Active);

        RetentionReport run = retention.run().run(false);
        assertEquals(1, purged(run, "deleted_accounts", tenant));
        assertTrue(marker(tenant, gone).isEmpty());
        assertTrue(marker(tenant, held).isPresent(), "held: kept");
        assertTrue(bed.audit.subjectKeys().find(tenant, gone).orElseThrow() instanceof SubjectKeyStore.Destroyed);
        assertTrue(bed.audit.subjectKeys().find(tenant, held).orElseThrow() instanceof SubjectKeyStore.Active);
        Map<String, Object> shown = bed.audit.query().about(tenant, gone, 10, e -> bed.audit.protector()
                .reveal(tenant, e.userId(), gone, e.additionalData())).events().get(0);
        assertEquals(PersonalDataProtector.ERASED, ((Map<?, ?>) shown.get("additional_data")).get("email"));
        assertTrue(bed.audit.verifier().verify(tenant, Optional.empty(), Optional.empty()).valid());
        assertTrue(testbed.audit.events().stream().anyMatch(e -> e.eventType().equals("retention_purge")
                && tenant.equals(e.tenantId()) && "deleted_accounts".equals(e.additionalData().get("data_class"))));
    }

    private Optional<Map<String, AttributeValue>> marker(String tenant, String user) {
        Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(Testbed.TABLES.identity())
                .key(Keys.userPurgeMarker(tenant, user)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
    }

    private List<SessionRecord> sessions(UserAccount user) {
        return dynamoDb.query(r -> r.tableName(Testbed.TABLES.sessions()).consistentRead(true)
                .keyConditionExpression("pk = :pk AND begins_with(sk, :s)")
                .expressionAttributeValues(Map.of(":pk", Attributes.s(Keys.userSessionsPartition(user.tenantId(),
                        user.userId())), ":s", Attributes.s(Keys.SESSION_PREFIX)))).items().stream()
                .map(SessionRecord::from).toList();
    }
}
