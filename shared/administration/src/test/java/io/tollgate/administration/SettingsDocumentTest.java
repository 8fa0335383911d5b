package io.tollgate.administration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.http.ProblemException;
import io.tollgate.json.Json;
import io.tollgate.settings.AnomalySettings;
import io.tollgate.settings.SecuritySettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SettingsDocumentTest {

    private static ObjectNode defaults() {
        return (ObjectNode) SettingsDocument.write(SecuritySettings.defaults());
    }

    private static ProblemException.FieldError refusal(JsonNode document) {
        ProblemException problem = assertThrows(ProblemException.class, () -> SettingsDocument.read(document));
        assertEquals(400, problem.errorCode().status());
        assertEquals(1, problem.errors().size());
        return problem.errors().get(0);
    }

    @Test
    void readWhenWrittenDefaultsThenSameSettingsWithIsoDurations() {
        ObjectNode document = defaults();
        assertEquals("PT30M", document.get("sessions").get("idleTimeout").asText());
        assertEquals(SecuritySettings.defaults(), SettingsDocument.read(document));
    }

    @Test
    void readWhenStricterValuesThenAccepted() {
        ObjectNode document = defaults();
        ((ObjectNode) document.get("password")).put("minLength", 16);
        ((ObjectNode) document.get("sessions")).put("idleTimeout", "PT10M");
        SecuritySettings settings = SettingsDocument.read(document);
        assertEquals(16, settings.password().minLength());
        assertEquals(Duration.ofMinutes(10), settings.sessions().idleTimeout());
    }

    @Test
    void readWhenBelowFloorThenFieldAndRuleNamed() {
        ObjectNode document = defaults();
        ((ObjectNode) document.get("password")).put("minLength", 6);
        ProblemException.FieldError error = refusal(document);
        assertEquals("password", error.field());
        assertEquals("out_of_range", error.code());
        assertEquals("password.minLength must be 8..128", error.message());

        ObjectNode idle = defaults();
        ((ObjectNode) idle.get("sessions")).put("idleTimeout", "PT0S");
        assertEquals("idleTimeout must be 1 minute..1 day", refusal(idle).message());

        ObjectNode skew = defaults();
        ((ObjectNode) skew.get("tokens")).put("clockSkew", "PT1H");
        assertEquals("clockSkew must be 0..5 minutes", refusal(skew).message());
    }

    @Test
    void readWhenUnknownFieldThenNamedWithItsPath() {
        ObjectNode document = defaults();
        ((ObjectNode) document.get("lockout")).put("forever", true);
        ProblemException.FieldError error = refusal(document);
        assertEquals("lockout.forever", error.field());
        assertEquals("unknown_field", error.code());
    }

    @Test
    void readWhenFieldMissingThenRequiredNamed() {
        ObjectNode document = defaults();
        document.remove("rateLimitPerMinute");
        ProblemException.FieldError error = refusal(document);
        assertEquals("rateLimitPerMinute", error.field());
        assertEquals("required", error.code());

        ObjectNode nested = defaults();
        ((ObjectNode) nested.get("lockout")).remove("threshold");
        assertEquals("lockout.threshold", refusal(nested).field());
    }

    @Test
    void readWhenWrongTypeThenNamed() throws Exception {
        ObjectNode document = defaults();
        document.put("rateLimitPerMinute", "many");
        ProblemException.FieldError error = refusal(document);
        assertEquals("rateLimitPerMinute", error.field());
        assertEquals("wrong_type", error.code());
        assertEquals("settings", refusal(Json.mapper().readTree("[1]")).field());
    }

    @Test
    void readWhenAlertingGivenThenContactsWindowAndWebhookKept() {
        ObjectNode document = defaults();
        ObjectNode alerting = (ObjectNode) document.get("alerting");
        alerting.putArray("securityContacts").add("soc@acme.test");
        alerting.put("dedupWindow", "PT5M");
        alerting.put("siemWebhookUrl", "https://siem.acme.test/hook");
        SecuritySettings settings = SettingsDocument.read(document);
        assertEquals(java.util.List.of("soc@acme.test"), settings.alerting().securityContacts());
        assertEquals(Duration.ofMinutes(5), settings.alerting().dedupWindow());
        assertEquals("https://siem.acme.test/hook", settings.alerting().siemWebhookUrl());
    }

    @Test
    void readWhenSiemForwardAllSetThenKeptAndWithoutAWebhookRefusedNamingTheRule() {
        ObjectNode document = defaults();
        ObjectNode alerting = (ObjectNode) document.get("alerting");
        assertEquals(false, alerting.get("siemForwardAll").asBoolean(true), "written with the default: off");
        alerting.put("siemWebhookUrl", "https://siem.acme.test/hook");
        alerting.put("siemForwardAll", true);
        assertEquals(true, SettingsDocument.read(document).alerting().siemForwardAll());

        alerting.put("siemWebhookUrl", "");
        assertEquals("alerting.siemForwardAll needs a siemWebhookUrl", refusal(document).message());
        alerting.put("siemForwardAll", "yes");
        assertEquals("wrong_type", refusal(document).code());
    }

    @Test
    void readWhenAlertingContactIsNoAddressOrWebhookIsPlainHttpThenRefusedNamingTheRule() {
        ObjectNode contact = defaults();
        ((ObjectNode) contact.get("alerting")).putArray("securityContacts").add("not an address");
        ProblemException.FieldError error = refusal(contact);
        assertEquals("alerting", error.field());
        assertEquals("alerting.securityContacts must be mail addresses", error.message());

        ObjectNode webhook = defaults();
        ((ObjectNode) webhook.get("alerting")).put("siemWebhookUrl", "http://siem.acme.test/hook");
        assertEquals("alerting", refusal(webhook).field());
    }

    @Test
    void readWhenSmsAllowedSetThenOptInReadAndDefaultOff() {
        assertEquals(false, defaults().get("mfa").get("smsAllowed").asBoolean(true), "SMS is off by default");
        ObjectNode document = defaults();
        ((ObjectNode) document.get("mfa")).put("smsAllowed", true);
        SecuritySettings settings = SettingsDocument.read(document);
        assertEquals(true, settings.mfa().smsAllowed());
        assertEquals(false, settings.mfa().required());
    }

    @Test
    void readWhenSmsAllowedMissingOrNotBooleanThenFieldNamed() {
        ObjectNode missing = defaults();
        ((ObjectNode) missing.get("mfa")).remove("smsAllowed");
        ProblemException.FieldError error = refusal(missing);
        assertEquals("mfa.smsAllowed", error.field());
        assertEquals("required", error.code());

        ObjectNode wrongType = defaults();
        ((ObjectNode) wrongType.get("mfa")).put("smsAllowed", "yes");
        ProblemException.FieldError typed = refusal(wrongType);
        assertEquals("mfa.smsAllowed", typed.field());
        assertEquals("wrong_type", typed.code());
    }

    @Test
    void readWhenAnomalySectionThenThresholdsReadAndBoundsEnforcedNamingTheField() {
        ObjectNode document = defaults();
        assertEquals(10, document.get("anomaly").get("bruteForce").get("distinctAccounts").asInt());
        ((ObjectNode) document.get("anomaly")).put("requestsPerMinute", 2000);
        ((ObjectNode) document.get("anomaly").get("unusualVolume")).put("minimumEvents", 50);
        SecuritySettings settings = SettingsDocument.read(document);
        assertEquals(2000, settings.anomaly().requestsPerMinute());
        assertEquals(50, settings.anomaly().unusualVolume().minimumEvents());

        ObjectNode below = defaults();
        ((ObjectNode) below.get("anomaly").get("exfiltration")).put("scoreThreshold", 0);
        ProblemException.FieldError error = refusal(below);
        assertEquals("anomaly.exfiltration", error.field());
        assertEquals("anomaly.exfiltration.scoreThreshold must be 1..4", error.message());

        ObjectNode incomplete = defaults();
        ((ObjectNode) incomplete.get("anomaly")).remove("mfaFailures");
        assertEquals("anomaly.mfaFailures", refusal(incomplete).field());
    }

    @Test
    void readWhenNoAnomalySectionThenRequiredOnPutButStoredTenantsGetTheDefaults() throws Exception {
        ObjectNode document = defaults();
        document.remove("anomaly");
        assertEquals("anomaly", refusal(document).field(), "a PUT replaces the whole document");
        assertEquals(AnomalySettings.defaults(), Json.mapper().treeToValue(document, SecuritySettings.class).anomaly(),
                "a tenant stored before the section reads with the defaults");
    }

    @Test
    void readWhenConsentPurposesThenReadAndInvalidOnesRefusedNamingTheSection() throws Exception {
        ObjectNode document = defaults();
        assertEquals(0, document.get("consent").get("purposes").size(), "no purposes by default");
        com.fasterxml.jackson.databind.node.ArrayNode purposes = (com.fasterxml.jackson.databind.node.ArrayNode)
                document.get("consent").get("purposes");
        purposes.addObject().put("id", "analytics").put("description", "Product analytics").put("version", 1);
        assertEquals("analytics", SettingsDocument.read(document).consent().purposes().getFirst().id());

        purposes.addObject().put("id", "analytics").put("description", "Again").put("version", 1);
        ProblemException.FieldError repeated = refusal(document);
        assertEquals("consent", repeated.field());
        assertEquals("consent.purposes must not repeat an id", repeated.message());

        ObjectNode badId = defaults();
        ((com.fasterxml.jackson.databind.node.ArrayNode) badId.get("consent").get("purposes")).addObject()
                .put("id", "../x").put("description", "d").put("version", 1);
        assertEquals("out_of_range", refusal(badId).code());

        ObjectNode missing = defaults();
        missing.remove("consent");
        assertEquals("consent", refusal(missing).field(), "a PUT replaces the whole document");
        assertEquals(0, Json.mapper().treeToValue(missing, SecuritySettings.class).consent().purposes().size(),
                "a tenant stored before the section has no purposes");
    }
}
