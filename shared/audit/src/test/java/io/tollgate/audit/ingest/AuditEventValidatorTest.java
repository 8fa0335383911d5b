package io.tollgate.audit.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.AuditSeverity;
import io.tollgate.json.Json;
import io.tollgate.testing.TestClock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AuditEventValidatorTest {

    private final TestClock clock = TestClock.at("2026-03-01T12:00:00Z");
    private final AuditEventValidator validator = new AuditEventValidator(clock);

    private static ObjectNode valid() {
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("timestamp", "2026-03-01T11:59:00.123456Z");
        node.put("event_id", "evt-1");
        node.put("event_type", "login");
        node.put("tenant_id", "acme");
        return node;
    }

    private Validation.Invalid rejected(ObjectNode node) {
        return assertInstanceOf(Validation.Invalid.class, validator.validate(node, Optional.empty()));
    }

    @Test
    void validateWhenMinimalEventThenSeverityResultAndFlagsFilledIn() {
        AuditEvent event = assertInstanceOf(Validation.Valid.class, validator.validate(valid(), Optional.empty())).event();
        assertEquals(AuditSeverity.HIGH, event.severity());
        assertEquals("success", event.result());
        assertEquals("2026-03-01T11:59:00.123456Z", event.timestamp().toString());
    }

    @ParameterizedTest
    @CsvSource({"auth_failure,CRITICAL", "privilege_escalation,CRITICAL", "data_breach,CRITICAL", "login,HIGH",
            "logout,HIGH", "role_change,HIGH", "data_export,HIGH", "api_access,MEDIUM", "prediction_request,MEDIUM",
            "user_creation,MEDIUM", "data_query,LOW", "report_generation,LOW", "token_refreshed,LOW",
            "acme.payment_approved,MEDIUM"})
    void validateWhenSeverityAbsentThenSeedZeroSeverityOfTheType(String type, AuditSeverity severity) {
        ObjectNode node = valid().put("event_type", type);
        assertEquals(severity, assertInstanceOf(Validation.Valid.class, validator.validate(node, Optional.empty()))
                .event().severity());
    }

    @Test
    void validateWhenSeverityGivenThenKept() {
        assertEquals(AuditSeverity.LOW, assertInstanceOf(Validation.Valid.class,
                validator.validate(valid().put("severity", "LOW"), Optional.empty())).event().severity());
    }

    @ParameterizedTest
    @CsvSource({"event_id,missing_field", "event_type,missing_field", "timestamp,missing_field", "tenant_id,missing_field"})
    void validateWhenRequiredFieldMissingThenMissingField(String field, String code) {
        ObjectNode node = valid();
        node.remove(field);
        assertEquals(new Validation.Invalid(code, field), rejected(node));
    }

    @ParameterizedTest
    @CsvSource({"2026-03-01T11:59:00+01:00", "2026-03-01 11:59:00Z", "2026-03-01T11:59:00.1234567891Z",
            "1999-12-31T23:59:59Z", "2026-03-01T12:06:00Z", "2026-02-30T00:00:00Z"})
    void validateWhenTimestampNotIsoUtcOrOutOfRangeThenInvalidTimestamp(String timestamp) {
        assertEquals(new Validation.Invalid("invalid_timestamp", "timestamp"), rejected(valid().put("timestamp", timestamp)));
    }

    @ParameterizedTest
    @CsvSource({"Login", "made_up", "acme.", ".x", "acme.Pay"})
    void validateWhenTypeUnknownAndNotNamespacedThenUnknownEventType(String type) {
        assertEquals(new Validation.Invalid("unknown_event_type", "event_type"), rejected(valid().put("event_type", type)));
    }

    @Test
    void validateWhenFieldsHaveWrongTypesOrSizesThenEachNamed() {
        assertEquals(new Validation.Invalid("wrong_type", "user_id"), rejected((ObjectNode) valid().put("user_id", 7)));
        assertEquals(new Validation.Invalid("too_long", "resource"), rejected(valid().put("resource", "r".repeat(257))));
        assertEquals(new Validation.Invalid("unknown_field", "password"), rejected(valid().put("password", "x")));
        assertEquals(new Validation.Invalid("invalid_severity", "severity"), rejected(valid().put("severity", "URGENT")));
        assertEquals(new Validation.Invalid("invalid_event_id", "event_id"), rejected(valid().put("event_id", "a b")));
        assertEquals(new Validation.Invalid("invalid_ip_address", "ip_address"), rejected(valid().put("ip_address", "x<y")));
        assertEquals(new Validation.Invalid("invalid_tenant", "tenant_id"), rejected(valid().put("tenant_id", "ACME")));
        assertEquals(new Validation.Invalid("empty_field", "result"), rejected(valid().put("result", "")));
    }

    @Test
    void validateWhenAdditionalDataHasFractionsOrIsTooLargeThenInvalidAdditionalData() {
        ObjectNode fraction = valid();
        fraction.putObject("additional_data").put("amount", 1.5);
        assertEquals(new Validation.Invalid("invalid_additional_data", "additional_data"), rejected(fraction));
        ObjectNode large = valid();
        large.putObject("additional_data").put("blob", "x".repeat(9000));
        assertEquals(new Validation.Invalid("invalid_additional_data", "additional_data"), rejected(large));
        ObjectNode huge = valid();
        huge.putObject("additional_data").put("blob", "x".repeat(AuditEventValidator.MAX_EVENT_BYTES));
        assertEquals(new Validation.Invalid("too_large", "$"), rejected(huge));
    }

    @Test
    void validateWhenChannelBindsTenantThenOtherTenantRefusedAndAbsentFilledIn() {
        assertEquals(new Validation.Invalid("tenant_mismatch", "tenant_id"), assertInstanceOf(Validation.Invalid.class,
                validator.validate(valid(), Optional.of("globex"))));
        ObjectNode noTenant = valid();
        noTenant.remove("tenant_id");
        assertEquals("globex", assertInstanceOf(Validation.Valid.class, validator.validate(noTenant, Optional.of("globex")))
                .event().tenantId());
    }

    @Test
    void validateWhenComplianceFlagsGivenThenCheckedAndKept() {
        ObjectNode node = valid();
        node.putArray("compliance_flags").add("gdpr").add("pci");
        assertEquals(List.of("gdpr", "pci"), assertInstanceOf(Validation.Valid.class,
                validator.validate(node, Optional.empty())).event().complianceFlags());
        ObjectNode bad = valid();
        bad.putArray("compliance_flags").add("GDPR!");
        assertEquals(new Validation.Invalid("invalid_compliance_flags", "compliance_flags"), rejected(bad));
    }

    @Test
    void validateWhenNotAnObjectThenNotAnObject() {
        assertEquals(new Validation.Invalid("not_an_object", "$"), assertInstanceOf(Validation.Invalid.class,
                validator.validate(Json.mapper().createArrayNode(), Optional.empty())));
    }

    private Validation submitted(ObjectNode node) {
        return validator.validateSubmitted(node, "acme", "k7x2m9qa");
    }

    @ParameterizedTest
    @CsvSource({"auth_failure", "login_success", "privilege_escalation", "role_change", "security_alert", "login",
            "data_query", "report_generation", "tollgate.login_success", "system.reboot"})
    void validateSubmittedWhenTollgateOwnOrReservedTypeThenReservedEventType(String type) {
        Validation.Invalid invalid = assertInstanceOf(Validation.Invalid.class,
                submitted(valid().put("event_type", type)));
        assertEquals("reserved_event_type", invalid.code());
    }

    @ParameterizedTest
    @CsvSource({"acme.invoice_paid", "x.custom", "api_access", "prediction_request", "data_breach"})
    void validateSubmittedWhenHostTypeThenValidWithTheKeyAsSource(String type) {
        AuditEvent event = assertInstanceOf(Validation.Valid.class, submitted(valid().put("event_type", type))).event();
        assertEquals("api_key:k7x2m9qa", event.source());
    }

    @ParameterizedTest
    @CsvSource({"alert:dd_0123456789abcdef0123456789abcdef", "tg:0e1f", "TG:abc", "Alert:x"})
    void validateSubmittedWhenReservedIdPrefixThenReservedEventId(String id) {
        Validation.Invalid invalid = assertInstanceOf(Validation.Invalid.class,
                submitted(valid().put("event_type", "acme.note").put("event_id", id)));
        assertEquals("reserved_event_id", invalid.code());
    }

    @Test
    void validateSubmittedWhenSourceClaimedThenUnknownField() {
        Validation.Invalid invalid = assertInstanceOf(Validation.Invalid.class,
                submitted(valid().put("event_type", "acme.note").put("source", "tollgate")));
        assertEquals("unknown_field", invalid.code());
    }

    @Test
    void validateSubmittedWhenOlderThanTheMaximumAgeOrTooFarAheadThenInvalidTimestamp() {
        ObjectNode old = valid().put("event_type", "acme.note").put("timestamp", "2026-02-28T11:59:59Z");
        ObjectNode recent = valid().put("event_type", "acme.note").put("timestamp", "2026-02-28T12:00:01Z");
        ObjectNode ahead = valid().put("event_type", "acme.note").put("timestamp", "2026-03-01T12:05:01Z");
        assertEquals("invalid_timestamp", assertInstanceOf(Validation.Invalid.class, submitted(old)).code());
        assertInstanceOf(Validation.Valid.class, submitted(recent));
        assertEquals("invalid_timestamp", assertInstanceOf(Validation.Invalid.class, submitted(ahead)).code());
        AuditEventValidator week = new AuditEventValidator(clock, java.time.Duration.ofDays(7));
        assertInstanceOf(Validation.Valid.class, week.validateSubmitted(old, "acme", "k7x2m9qa"));
    }

    @Test
    void validateWhenQueueMessageWithoutSourceThenTollgateAndWithKeySourceHeldToSubmitterRules() {
        assertEquals("tollgate", assertInstanceOf(Validation.Valid.class,
                validator.validate(valid().put("event_type", "auth_failure"), Optional.empty())).event().source());
        Validation.Invalid forged = assertInstanceOf(Validation.Invalid.class, validator.validate(
                valid().put("event_type", "auth_failure").put("source", "api_key:k7x2m9qa"), Optional.empty()));
        assertEquals("reserved_event_type", forged.code());
        Validation.Invalid odd = assertInstanceOf(Validation.Invalid.class, validator.validate(
                valid().put("source", "someone else"), Optional.empty()));
        assertEquals("invalid_source", odd.code());
    }
}
