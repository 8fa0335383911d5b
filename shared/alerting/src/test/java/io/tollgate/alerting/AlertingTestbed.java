package io.tollgate.alerting;

import io.tollgate.administration.AdministrationRepository;
import io.tollgate.audit.AuditSeverity;
import io.tollgate.mail.MailMessage;
import io.tollgate.mail.MailSender;
import io.tollgate.settings.SecuritySettings;
import io.tollgate.settings.SecuritySettings.AlertingSettings;
import io.tollgate.storage.Attributes;
import io.tollgate.storage.Keys;
import io.tollgate.tenant.Tenant;
import io.tollgate.testing.Testbed;
import io.tollgate.user.UserDirectory;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Alerting's world over the {@link Testbed} (DynamoDB Local, test clock): tenants with alerting
 * settings and users of chosen roles, and a dispatcher whose mail goes to {@link #mails} (or to a
 * given sender) and whose SIEM keys come from a given source.
 */
final class AlertingTestbed {

    final Testbed bed = new Testbed();
    final List<MailMessage> mails = new CopyOnWriteArrayList<>();
    final AlertDirectory directory = new AlertDirectory(AdministrationRepository.of(bed.services), bed.clock);
    final AlertDeduplicator deduplicator = new AlertDeduplicator(Testbed.dynamoDb(), Testbed.TABLES.security(), bed.clock);
    final AlertDigestStore digestStore = new AlertDigestStore(Testbed.dynamoDb(), Testbed.TABLES.security());

    /** A tenant with these alerting settings; {@code users} maps an address to its roles. */
    String tenant(AlertingSettings alerting, Map<String, List<String>> users) {
        String id = "t-" + UUID.randomUUID().toString().substring(0, 8);
        UserDirectory directory = bed.services.userDirectory();
        directory.createTenant(new Tenant(id, "Acme", Tenant.Status.ACTIVE,
                SecuritySettings.defaults().withAlerting(alerting)), bed.clock.instant());
        users.forEach((address, roles) -> directory.createUser(new UserDirectory.NewUser(id,
                UUID.randomUUID().toString(), address, address, null, roles, "not-a-login-hash"), bed.clock.instant()));
        return id;
    }

    /** Marks a user disabled, as administration does. */
    void disable(String tenant, String address) {
        Testbed.dynamoDb().updateItem(r -> r.tableName(Testbed.TABLES.identity()).key(Keys.user(tenant, address))
                .updateExpression("SET #status = :disabled").expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(Map.of(":disabled", Attributes.s("DISABLED"))));
    }

    AlertDispatcher dispatcher() {
        return dispatcher(mails::add, new SiemKeys(() -> {
            throw new IllegalStateException("no SIEM in this test");
        }, "tollgate/siem/", bed.clock, Duration.ofMinutes(5)), duration -> {
        });
    }

    AlertDispatcher dispatcher(MailSender mail, SiemKeys keys, SiemForwarder.Sleeper sleeper) {
        return dispatcher(mail, keys, sleeper, bed.metrics);
    }

    AlertDispatcher dispatcher(MailSender mail, SiemKeys keys, SiemForwarder.Sleeper sleeper,
                               io.tollgate.observability.Metrics metrics) {
        return new AlertDispatcher(directory, deduplicator, digestStore, mail, new SiemForwarder(
                HttpClient.newHttpClient(), keys, bed.clock, sleeper, SiemForwarder.RetryPolicy.defaults(),
                io.tollgate.net.WebhookTargets.anyAddress()),
                metrics, bed.clock);
    }

    AlertDigest digest() {
        return new AlertDigest(digestStore, directory, mails::add, bed.clock);
    }

    List<MailMessage> mailsTo(String address) {
        return mails.stream().filter(m -> m.to().equals(address)).toList();
    }

    Alert alert(String tenant, AuditSeverity severity, String kind, String subject, String reference) {
        return new Alert(tenant, kind, subject, severity, kind + " on " + subject, Map.of("failures", 3),
                "block_ip", reference, bed.clock.instant());
    }

    static AlertingSettings settings(List<String> contacts, Duration window, String webhook) {
        return new AlertingSettings(contacts, window, webhook);
    }
}
