package io.tollgate.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.http.ProblemException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bundled policy document and the override rules. */
class RetentionPolicyTest {

    private final RetentionPolicy policy = RetentionPolicy.bundled();

    @Test
    void bundledWhenLoadedThenEveryClassOfTheIssueWithItsPeriod() {
        Map<String, Integer> expected = Map.of("security_events", 2557, "access_logs", 1096, "system_logs", 365,
                "api_logs", 90, "sessions", 30, "inactive_user_accounts", 2557, "deleted_accounts", 0);
        expected.forEach((id, days) -> assertEquals(days, policy.dataClass(id).orElseThrow().retentionDays(), id));
        assertEquals("ttl", policy.dataClass("mfa_challenges").orElseThrow().enforcement());
        assertEquals(DataClass.Action.ANONYMISE, policy.dataClass("inactive_user_accounts").orElseThrow().action());
        assertTrue(policy.version() >= 1);
    }

    @Test
    void classifyWhenTypeNamedOrPrefixedThenItsClassElseDefault() {
        assertEquals("security_events", policy.classify("auth_failure").id());
        assertEquals("access_logs", policy.classify("login_success").id());
        assertEquals("system_logs", policy.classify("system.restart").id());
        assertEquals("api_logs", policy.classify("api.call").id());
        assertEquals("security_events", policy.classify("billing.invoice_viewed").id(), "unknown types are kept longest");
    }

    @Test
    void classifyWhenConsentEventThenConsentEvidenceKeptBeyondTheLimitationPeriod() {
        DataClass evidence = policy.classify("consent_granted");
        assertEquals("consent_events", evidence.id());
        assertEquals(evidence, policy.classify("consent_withdrawn"));
        assertTrue(evidence.legalMinimumDays() >= 6 * 365, "at least the 6-year limitation period");
        assertTrue(evidence.retentionDays() >= evidence.legalMinimumDays());
        DataClass records = policy.dataClass("consent_records").orElseThrow();
        assertEquals("on_delete", records.enforcement(), "current consent goes with the account");
        assertEquals("identity", records.store());
    }

    @Test
    void validateOverridesWhenBelowLegalMinimumThenRefusedNamingTheField() {
        ProblemException e = assertThrows(ProblemException.class,
                () -> TenantRetention.validateOverrides(policy, Map.of("security_events", 2000, "api_logs", 180)));
        assertEquals(List.of("overrides.security_events"), e.errors().stream().map(ProblemException.FieldError::field).toList());
        assertEquals("below_legal_minimum", e.errors().get(0).code());
    }

    @Test
    void validateOverridesWhenLongerThenAccepted() {
        assertEquals(Map.of("api_logs", 180, "security_events", 3650),
                TenantRetention.validateOverrides(policy, Map.of("api_logs", 180, "security_events", 3650)));
    }

    @Test
    void validateOverridesWhenUnknownNotIntegerOrTtlClassThenEachNamed() {
        ProblemException e = assertThrows(ProblemException.class, () -> TenantRetention.validateOverrides(policy,
                Map.of("nope", 10, "access_logs", "long", "mfa_challenges", 5, "sessions", 40_000)));
        assertEquals(Map.of("overrides.nope", "unknown_class", "overrides.access_logs", "not_integer",
                "overrides.mfa_challenges", "not_configurable", "overrides.sessions", "too_long"),
                e.errors().stream().collect(java.util.stream.Collectors.toMap(ProblemException.FieldError::field,
                        ProblemException.FieldError::code)));
    }

    @Test
    void constructorWhenTypeInTwoClassesThenRefused() {
        DataClass a = new DataClass("a", "", "audit", 10, 10, DataClass.Action.PURGE, "retention_run", true,
                List.of("x"), List.of());
        DataClass b = new DataClass("b", "", "audit", 10, 10, DataClass.Action.PURGE, "retention_run", false,
                List.of("x"), List.of());
        assertThrows(IllegalArgumentException.class, () -> new RetentionPolicy(1, List.of(a, b)));
    }

    @Test
    void dataClassWhenDefaultBelowLegalMinimumThenRefused() {
        assertThrows(IllegalArgumentException.class, () -> new DataClass("a", "", "audit", 5, 10,
                DataClass.Action.PURGE, "retention_run", true, List.of(), List.of()));
    }
}
