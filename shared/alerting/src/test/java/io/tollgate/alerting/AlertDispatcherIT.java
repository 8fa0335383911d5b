package io.tollgate.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.audit.AuditSeverity;
import io.tollgate.mail.MailMessage;
import io.tollgate.mail.MailSender;
import io.tollgate.settings.SecuritySettings.AlertingSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Routing and deduplication on DynamoDB Local (ADR 0042). */
class AlertDispatcherIT {

    private final AlertingTestbed world = new AlertingTestbed();
    private final AlertDispatcher dispatcher = world.dispatcher();

    private String tenantWithAdmins(AlertingSettings settings) {
        String tenant = world.tenant(settings, Map.of(
                "root@acme.test", List.of("tenant_admin"),
                "platform@acme.test", List.of("super_admin"),
                "gone@acme.test", List.of("tenant_admin"),
                "clerk@acme.test", List.of("user"),
                "auditor@acme.test", List.of("auditor")));
        world.disable(tenant, "gone@acme.test");
        return tenant;
    }

    @Test
    void criticalThenEveryActiveAdministratorMailedAndNoContactNorOtherRole() {
        String tenant = tenantWithAdmins(AlertingTestbed.settings(List.of("soc@acme.test"), Duration.ofMinutes(15), ""));

        AlertDispatcher.Outcome outcome = dispatcher.dispatch(world.alert(tenant, AuditSeverity.CRITICAL,
                "privilege-escalation", "user:u-7", "decision:dd_1"));

        assertEquals(AlertRoute.ALL_ADMINISTRATORS, outcome.route());
        assertEquals(List.of("platform@acme.test", "root@acme.test"),
                world.mails.stream().map(MailMessage::to).sorted().toList());
        assertTrue(world.mails.get(0).subject().startsWith("[Tollgate CRITICAL] privilege-escalation on user:u-7"),
                world.mails.get(0).subject());
    }

    @Test
    void highWithSecurityContactsThenOnlyTheContactsMailed() {
        String tenant = tenantWithAdmins(AlertingTestbed.settings(List.of("soc@acme.test", "ciso@acme.test"),
                Duration.ofMinutes(15), ""));

        dispatcher.dispatch(world.alert(tenant, AuditSeverity.HIGH, "brute-force-across-accounts", "ip:203.0.113.9",
                "decision:dd_2"));

        assertEquals(List.of("ciso@acme.test", "soc@acme.test"), world.mails.stream().map(MailMessage::to).sorted().toList());
    }

    @Test
    void highWithoutSecurityContactsThenTheAdministratorsMailed() {
        String tenant = tenantWithAdmins(AlertingSettings.defaults());

        dispatcher.dispatch(world.alert(tenant, AuditSeverity.HIGH, "audit:data_export", "tenant", "event:e-1"));

        assertEquals(List.of("platform@acme.test", "root@acme.test"),
                world.mails.stream().map(MailMessage::to).sorted().toList());
    }

    @Test
    void mediumThenNoMailNowButStoredForTheDigest() {
        String tenant = tenantWithAdmins(AlertingSettings.defaults());

        AlertDispatcher.Outcome outcome = dispatcher.dispatch(world.alert(tenant, AuditSeverity.MEDIUM, "unusual-volume",
                "user:u-1", "decision:dd_3"));

        assertEquals(AlertRoute.DAILY_DIGEST, outcome.route());
        assertEquals(List.of(), world.mails);
        assertEquals(1, world.digestStore.entries(tenant, AlertDigestStore.dayOf(world.bed.clock.instant())).size());
    }

    @Test
    void tenThousandConcurrentRepeatsThenOneMailAndTheNextMailCarriesTheSuppressedCount() throws Exception {
        String tenant = world.tenant(AlertingSettings.defaults(), Map.of("root@acme.test", List.of("tenant_admin")));
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger suppressed = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                String reference = "event:e-" + i;
                done.add(pool.submit(() -> {
                    AlertDispatcher.Outcome outcome = dispatcher.dispatch(world.alert(tenant, AuditSeverity.HIGH,
                            "audit:token_reuse_detected", "tenant", reference));
                    (outcome.verdict() == Admission.Verdict.SEND ? sent : suppressed).incrementAndGet();
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(1, sent.get());
        assertEquals(9_999, suppressed.get());
        assertEquals(1, world.mails.size(), "one mail for 10,000 repeats");
        assertEquals(9_999, world.deduplicator.window(tenant, "audit:token_reuse_detected", "tenant").orElseThrow()
                .suppressed());

        world.bed.clock.advance(Duration.ofMinutes(15));
        dispatcher.dispatch(world.alert(tenant, AuditSeverity.HIGH, "audit:token_reuse_detected", "tenant", "event:next"));

        assertEquals(2, world.mails.size());
        assertTrue(world.mails.get(1).text().contains("Suppressed repeats: 9,999 (alerts"), world.mails.get(1).text());
        assertEquals(0, world.deduplicator.window(tenant, "audit:token_reuse_detected", "tenant").orElseThrow()
                .suppressed(), "the new window starts counting from zero");
    }

    @Test
    void repeatOneMillisecondBeforeTheWindowEndsThenSuppressedAndAtTheEndThenMailed() {
        String tenant = world.tenant(AlertingSettings.defaults(), Map.of("root@acme.test", List.of("tenant_admin")));
        dispatcher.dispatch(world.alert(tenant, AuditSeverity.HIGH, "rule-x", "ip:198.51.100.1", "event:a"));

        world.bed.clock.advance(Duration.ofMinutes(15).minusMillis(1));
        assertEquals(Admission.Verdict.SUPPRESSED, dispatcher.dispatch(world.alert(tenant, AuditSeverity.HIGH, "rule-x",
                "ip:198.51.100.1", "event:b")).verdict());
        world.bed.clock.advance(Duration.ofMillis(1));
        assertEquals(Admission.Verdict.SEND, dispatcher.dispatch(world.alert(tenant, AuditSeverity.HIGH, "rule-x",
                "ip:198.51.100.1", "event:c")).verdict());
        assertEquals(2, world.mails.size());
        assertTrue(world.mails.get(1).text().contains("Suppressed repeats: 1 (alerts"), world.mails.get(1).text());
    }

    @Test
    void otherSubjectOrOtherKindThenItsOwnWindow() {
        String tenant = world.tenant(AlertingSettings.defaults(), Map.of("root@acme.test", List.of("tenant_admin")));
        dispatcher.dispatch(world.alert(tenant, AuditSeverity.HIGH, "rule-x", "ip:198.51.100.1", "event:a"));
        dispatcher.dispatch(world.alert(tenant, AuditSeverity.HIGH, "rule-x", "ip:198.51.100.2", "event:b"));
        dispatcher.dispatch(world.alert(tenant, AuditSeverity.HIGH, "rule-y", "ip:198.51.100.1", "event:c"));
        assertEquals(3, world.mails.size());
    }

    @Test
    void tenantWindowOfFiveMinutesThenTheNextMailAfterFiveMinutes() {
        String tenant = world.tenant(AlertingTestbed.settings(List.of(), Duration.ofMinutes(5), ""),
                Map.of("root@acme.test", List.of("tenant_admin")));
        dispatcher.dispatch(world.alert(tenant, AuditSeverity.HIGH, "rule-x", "ip:198.51.100.1", "event:a"));
        world.bed.clock.advance(Duration.ofMinutes(5));
        dispatcher.dispatch(world.alert(tenant, AuditSeverity.HIGH, "rule-x", "ip:198.51.100.1", "event:b"));
        assertEquals(2, world.mails.size());
        assertTrue(world.mails.get(1).text().contains("within the next 5 minutes"), world.mails.get(1).text());
    }

    @Test
    void openingAlertDeliveredAgainThenNeitherMailedNorCounted() {
        String tenant = world.tenant(AlertingSettings.defaults(), Map.of("root@acme.test", List.of("tenant_admin")));
        dispatcher.dispatch(world.alert(tenant, AuditSeverity.HIGH, "rule-x", "ip:198.51.100.1", "decision:dd_9"));
        assertEquals(Admission.Verdict.REDELIVERED, dispatcher.dispatch(world.alert(tenant, AuditSeverity.HIGH, "rule-x",
                "ip:198.51.100.1", "decision:dd_9")).verdict());
        assertEquals(1, world.mails.size());
        assertEquals(0, world.deduplicator.window(tenant, "rule-x", "ip:198.51.100.1").orElseThrow().suppressed());
    }

    @Test
    void mailUnavailableThenThrownAndTheRetryMailsWithTheRepeatsStillCounted() {
        String tenant = world.tenant(AlertingSettings.defaults(), Map.of("root@acme.test", List.of("tenant_admin")));
        dispatcher.dispatch(world.alert(tenant, AuditSeverity.HIGH, "rule-x", "ip:198.51.100.1", "event:a"));
        dispatcher.dispatch(world.alert(tenant, AuditSeverity.HIGH, "rule-x", "ip:198.51.100.1", "event:b"));
        world.bed.clock.advance(Duration.ofMinutes(15));
        AlertDispatcher broken = world.dispatcher(message -> {
            throw new MailSender.MailUnavailableException("SES down", null);
        }, new SiemKeys(() -> null, "p/", world.bed.clock, Duration.ofMinutes(5)), d -> {
        });

        assertThrows(MailSender.MailUnavailableException.class, () -> broken.dispatch(world.alert(tenant,
                AuditSeverity.HIGH, "rule-x", "ip:198.51.100.1", "event:c")));
        AlertDispatcher.Outcome retried = dispatcher.dispatch(world.alert(tenant, AuditSeverity.HIGH, "rule-x",
                "ip:198.51.100.1", "event:c"));

        assertEquals(Admission.Verdict.SEND, retried.verdict(), "the failed mail did not use up the window");
        assertEquals(2, world.mails.size());
        assertTrue(world.mails.get(1).text().contains("Suppressed repeats: 1 (alerts"), world.mails.get(1).text());
    }

    @Test
    void mailWhenDecisionAlertThenItSaysWhatHappenedTheEvidenceTheActionAndHowToExplainIt() {
        String tenant = world.tenant(AlertingSettings.defaults(), Map.of("root@acme.test", List.of("tenant_admin")));
        dispatcher.dispatch(Alert.forDecision(tenant, "brute-force-across-accounts", 1, "ip:203.0.113.77", "HIGH",
                Map.of("distinct_accounts", 10, "ip_address", "203.0.113.77"), Map.of("distinct_accounts", 10),
                "block_ip: 203.0.113.77 refused at login until 2026-11-23T11:00:00Z", "dd_abc", world.bed.clock.instant()));

        String text = world.mails.get(0).text();
        assertTrue(text.contains("distinct_accounts: 10"), text);
        assertTrue(text.contains("threshold.distinct_accounts: 10"), text);
        assertTrue(text.contains("Action taken: block_ip: 203.0.113.77 refused at login"), text);
        assertTrue(text.contains("./tollgate explain dd_abc"), text);
        assertTrue(!text.contains("Suppressed repeats"), "nothing was suppressed before the first mail");
    }

    @Test
    void unknownTenantThenNobodyMailedAndNothingThrown() {
        AlertDispatcher.Outcome outcome = dispatcher.dispatch(world.alert("t-nobody", AuditSeverity.CRITICAL, "rule-x",
                "ip:198.51.100.1", "event:a"));
        assertEquals(List.of(), outcome.recipients());
        assertEquals(List.of(), world.mails);
    }
}
