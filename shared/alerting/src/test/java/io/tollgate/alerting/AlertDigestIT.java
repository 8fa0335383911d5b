package io.tollgate.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.audit.AuditSeverity;
import io.tollgate.mail.MailMessage;
import io.tollgate.mail.MailSender;
import io.tollgate.settings.SecuritySettings.AlertingSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The daily MEDIUM digest on DynamoDB Local (ADR 0042). */
class AlertDigestIT {

    private final AlertingTestbed world = new AlertingTestbed();
    private final AlertDispatcher dispatcher = world.dispatcher();

    private String tenantWithContacts() {
        return world.tenant(AlertingTestbed.settings(List.of("soc@acme.test", "ciso@acme.test"), Duration.ofMinutes(15), ""),
                Map.of("root@acme.test", List.of("tenant_admin")));
    }

    private void mediumAlerts(String tenant) {
        dispatcher.dispatch(world.alert(tenant, AuditSeverity.MEDIUM, "unusual-volume", "user:u-1", "decision:dd_1"));
        dispatcher.dispatch(world.alert(tenant, AuditSeverity.MEDIUM, "unusual-volume", "user:u-1", "decision:dd_2"));
        dispatcher.dispatch(world.alert(tenant, AuditSeverity.MEDIUM, "exfiltration-score", "user:u-2", "decision:dd_3"));
    }

    @Test
    void mediumAlertsOfADayThenNextDayOneDigestPerContactListingEachAdmittedAlertOnce() {
        String tenant = tenantWithContacts();
        mediumAlerts(tenant);
        assertEquals(List.of(), world.mails, "MEDIUM alerts are not mailed when they happen");

        world.bed.clock.advance(Duration.ofDays(1));
        AlertDigest.Report report = world.digest().run();

        assertTrue(report.digests() >= 1);
        List<MailMessage> soc = world.mailsTo("soc@acme.test");
        assertEquals(1, soc.size());
        assertEquals(1, world.mailsTo("ciso@acme.test").size());
        assertEquals(List.of(), world.mailsTo("root@acme.test"), "contacts are set, so administrators get no digest");
        MailMessage digest = soc.get(0);
        assertTrue(digest.subject().contains("tenant " + tenant + ": 2 alerts"), digest.subject());
        assertTrue(digest.text().contains("unusual-volume on user:u-1"), digest.text());
        assertTrue(digest.text().contains("exfiltration-score on user:u-2"), digest.text());
        assertTrue(digest.text().contains("decision:dd_1") && !digest.text().contains("decision:dd_2"),
                "the repeat inside the window is counted, not listed");
    }

    @Test
    void digestAlreadySentThenTheNextRunSendsNothingAgain() {
        String tenant = tenantWithContacts();
        mediumAlerts(tenant);
        world.bed.clock.advance(Duration.ofDays(1));
        world.digest().run();
        int mailed = world.mailsTo("soc@acme.test").size();

        world.digest().run();
        world.bed.clock.advance(Duration.ofDays(1));
        world.digest().run();

        assertEquals(mailed, world.mailsTo("soc@acme.test").size());
    }

    @Test
    void alertsOfTodayThenNotInTodaysRun() {
        String tenant = tenantWithContacts();
        mediumAlerts(tenant);
        world.digest().run();
        assertEquals(List.of(), world.mailsTo("soc@acme.test"), "a day is digested once it is over");
    }

    @Test
    void tenantWithoutContactsThenTheDigestGoesToItsAdministrators() {
        String tenant = world.tenant(AlertingSettings.defaults(), Map.of("root@acme.test", List.of("tenant_admin"),
                "clerk@acme.test", List.of("user")));
        mediumAlerts(tenant);
        world.bed.clock.advance(Duration.ofDays(1));
        world.digest().run();
        assertEquals(1, world.mailsTo("root@acme.test").stream().filter(m -> m.subject().contains(tenant)).count());
        assertEquals(List.of(), world.mailsTo("clerk@acme.test"));
    }

    @Test
    void mailUnavailableThenTheRunFailsAndTheNextRunSendsTheDigest() {
        String tenant = tenantWithContacts();
        mediumAlerts(tenant);
        world.bed.clock.advance(Duration.ofDays(1));
        AlertDigest broken = new AlertDigest(world.digestStore, world.directory, message -> {
            throw new MailSender.MailUnavailableException("SES down", null);
        }, world.bed.clock);

        assertThrows(IllegalStateException.class, broken::run);
        world.digest().run();

        assertEquals(1, world.mailsTo("soc@acme.test").stream().filter(m -> m.subject().contains(tenant)).count());
    }
}
