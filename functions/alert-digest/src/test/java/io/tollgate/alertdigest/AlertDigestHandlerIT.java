package io.tollgate.alertdigest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.alerting.Alert;
import io.tollgate.alerting.AlertingServices;
import io.tollgate.audit.AuditSeverity;
import io.tollgate.json.Json;
import io.tollgate.mail.MailMessage;
import io.tollgate.settings.SecuritySettings;
import io.tollgate.settings.SecuritySettings.AlertingSettings;
import io.tollgate.tenant.Tenant;
import io.tollgate.testing.Testbed;
import io.tollgate.user.UserDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The scheduled digest function on its sample event ({@code events/alert-digest-schedule.json}) over DynamoDB Local. */
class AlertDigestHandlerIT {

    private final Testbed bed = new Testbed();

    @SuppressWarnings("unchecked")
    private static Map<String, Object> sample(String file) throws Exception {
        return Json.mapper().readValue(Files.readString(Path.of("../../events/" + file)), Map.class);
    }

    private String tenantWithContact(String contact) {
        String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
        new UserDirectory(Testbed.dynamoDb(), Testbed.TABLES).createTenant(new Tenant(tenant, "Acme", Tenant.Status.ACTIVE,
                SecuritySettings.defaults().withAlerting(new AlertingSettings(List.of(contact), Duration.ofMinutes(15), ""))),
                bed.clock.instant());
        return tenant;
    }

    @Test
    @SuppressWarnings("unchecked")
    void scheduledEventTheDayAfterMediumAlertsThenOneDigestMailedAndCountsAnswered() throws Exception {
        String tenant = tenantWithContact("soc@acme.test");
        AlertingServices alerting = AlertingServices.from(bed.services);
        for (String subject : List.of("user:u-1", "user:u-2")) {
            alerting.dispatcher().dispatch(new Alert(tenant, "unusual-volume", subject, AuditSeverity.MEDIUM,
                    "unusual-volume on " + subject, Map.of("events_last_hour", 900, "baseline", 120), "none",
                    "decision:dd_" + subject.substring(5), bed.clock.instant()));
        }
        assertEquals(List.of(), bed.mails);
        bed.clock.advance(Duration.ofDays(1));

        Map<String, Object> answer = new AlertDigestHandler(bed.services).handleRequest(sample("alert-digest-schedule.json"),
                null);

        List<MailMessage> digests = bed.mails.stream().filter(m -> m.subject().contains(tenant)).toList();
        assertEquals(1, digests.size());
        assertEquals("soc@acme.test", digests.get(0).to());
        assertTrue(digests.get(0).text().contains("unusual-volume on user:u-2"), digests.get(0).text());
        assertTrue(((Number) answer.get("digests")).intValue() >= 1, answer.toString());
        assertEquals(0, ((Number) answer.get("failed")).intValue());
        assertEquals(7, ((List<String>) answer.get("days")).size());

        new AlertDigestHandler(bed.services).handleRequest(sample("alert-digest-schedule.json"), null);
        assertEquals(1, bed.mails.stream().filter(m -> m.subject().contains(tenant)).count(), "sent once");
    }
}
