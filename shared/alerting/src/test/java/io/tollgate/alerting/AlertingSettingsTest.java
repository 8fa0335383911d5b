package io.tollgate.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tollgate.settings.SecuritySettings;
import io.tollgate.settings.SecuritySettings.AlertingSettings;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AlertingSettingsTest {

    private static String refusal(List<String> contacts, Duration window, String url) {
        return assertThrows(IllegalArgumentException.class, () -> new AlertingSettings(contacts, window, url)).getMessage();
    }

    @Test
    void defaultsWhenTenantStoredBeforeAlertingThenNoContactsFifteenMinutesNoSiem() {
        AlertingSettings defaults = SecuritySettings.defaults().alerting();
        assertEquals(List.of(), defaults.securityContacts());
        assertEquals(Duration.ofMinutes(15), defaults.dedupWindow());
        assertEquals(Optional.empty(), defaults.siemWebhook());
    }

    @Test
    void contactsWhenNotMailAddressesOrRepeatedOrTooManyThenRefusedNamingTheField() {
        assertEquals("alerting.securityContacts must be mail addresses",
                refusal(List.of("soc"), Duration.ofMinutes(15), ""));
        assertEquals("alerting.securityContacts must not repeat an address",
                refusal(List.of("soc@acme.test", "SOC@acme.test"), Duration.ofMinutes(15), ""));
        assertEquals("alerting.securityContacts must list 0..10 mail addresses",
                refusal(Collections.nCopies(11, "soc@acme.test"), Duration.ofMinutes(15), ""));
    }

    @Test
    void windowWhenOutsideOneMinuteToOneDayThenRefused() {
        assertEquals("alerting.dedupWindow must be 1 minute..24 hours", refusal(List.of(), Duration.ofSeconds(59), ""));
        assertEquals("alerting.dedupWindow must be 1 minute..24 hours", refusal(List.of(), Duration.ofHours(25), ""));
        assertEquals(Duration.ofMinutes(1), new AlertingSettings(List.of(), Duration.ofMinutes(1), "").dedupWindow());
    }

    @Test
    void webhookWhenNotHttpsToAHostNameThenRefusedExceptLoopbackHttpForDevelopment() {
        String message = "alerting.siemWebhookUrl must be empty or an https:// URL with a host name (http only for localhost)";
        assertEquals(message, refusal(List.of(), Duration.ofMinutes(15), "http://siem.acme.test/hook"));
        assertEquals(message, refusal(List.of(), Duration.ofMinutes(15), "https://10.0.0.7/hook"));
        assertEquals(message, refusal(List.of(), Duration.ofMinutes(15), "https://user:pw@siem.acme.test/hook"));
        assertEquals(message, refusal(List.of(), Duration.ofMinutes(15), "ftp://siem.acme.test"));
        assertEquals("siem.acme.test", new AlertingSettings(List.of(), Duration.ofMinutes(15),
                "https://siem.acme.test:8443/hooks/tollgate?source=auth").siemWebhook().orElseThrow().getHost());
        assertEquals(8080, new AlertingSettings(List.of(), Duration.ofMinutes(15), "http://127.0.0.1:8080/hook")
                .siemWebhook().orElseThrow().getPort());
    }

    @Test
    void forwardAllWhenNoWebhookThenRefusedAndWhenSetThenTheTrailGoesToTheAlertWebhook() {
        assertEquals("alerting.siemForwardAll needs a siemWebhookUrl", assertThrows(IllegalArgumentException.class,
                () -> new AlertingSettings(List.of(), Duration.ofMinutes(15), "", true)).getMessage());
        assertEquals(java.util.Optional.empty(), AlertingSettings.defaults().trailWebhook());
        assertEquals(java.util.Optional.empty(), new AlertingSettings(List.of(), Duration.ofMinutes(15),
                "https://siem.acme.test/hook").trailWebhook(), "opt-in: a webhook alone forwards alerts only");
        assertEquals("siem.acme.test", new AlertingSettings(List.of(), Duration.ofMinutes(15),
                "https://siem.acme.test/hook", true).trailWebhook().orElseThrow().getHost());
    }
}
