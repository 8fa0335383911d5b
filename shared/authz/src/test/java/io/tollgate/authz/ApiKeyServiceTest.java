package io.tollgate.authz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tollgate.http.ProblemException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The API-key rules without storage (ADR 0054): lifetime bounds, role subset, name, expiry. */
class ApiKeyServiceTest {

    private static final List<String> OWNER = List.of("user", "audit_writer");

    private static List<String> fields(ProblemException e) {
        return e.errors().stream().map(ProblemException.FieldError::field).toList();
    }

    @Test
    void checkWhenNoLifetimeThenNinetyDaysAndOwnersRoles() {
        ApiKeyService.Checked checked = ApiKeyService.check(new ApiKeyService.Request("ci", null, null), OWNER);
        assertEquals(Duration.ofDays(90), checked.lifetime());
        assertEquals(OWNER, checked.roles());
    }

    @Test
    void checkWhenLifetimeThreeHundredSixtyFiveDaysThenAccepted() {
        assertEquals(Duration.ofDays(365), ApiKeyService.check(new ApiKeyService.Request("ci", List.of("user"), 365),
                OWNER).lifetime());
        assertEquals(Duration.ofDays(1), ApiKeyService.check(new ApiKeyService.Request("ci", List.of("user"), 1),
                OWNER).lifetime());
    }

    @Test
    void checkWhenLifetimeOutOfRangeThenValidationNamesIt() {
        for (int days : new int[] {0, -1, 366, Integer.MAX_VALUE}) {
            ProblemException e = assertThrows(ProblemException.class,
                    () -> ApiKeyService.check(new ApiKeyService.Request("ci", null, days), OWNER));
            assertEquals(List.of("expires_in_days"), fields(e), "days " + days);
        }
    }

    @Test
    void checkWhenRoleNotHeldAndNameMissingThenBothNamed() {
        ProblemException e = assertThrows(ProblemException.class,
                () -> ApiKeyService.check(new ApiKeyService.Request(" ", List.of("tenant_admin"), 30), OWNER));
        assertEquals(List.of("name", "roles"), fields(e));
    }

    @Test
    void usableAtWhenExpiredOrRevokedThenNot() {
        Instant created = Instant.parse("2026-01-01T00:00:00Z");
        ApiKeyRepository.ApiKeyRecord key = new ApiKeyRepository.ApiKeyRecord("abcd1234", "x", "acme", "u-1", null,
                List.of("user"), "ci", "ACTIVE", created, Optional.empty(), created.plus(Duration.ofDays(90)),
                Optional.of("alice"));
        assertEquals(true, key.usableAt(created.plus(Duration.ofDays(89))));
        assertEquals(false, key.usableAt(created.plus(Duration.ofDays(90))));
        ApiKeyRepository.ApiKeyRecord revoked = new ApiKeyRepository.ApiKeyRecord("abcd1234", "x", "acme", "u-1", null,
                List.of("user"), "ci", "REVOKED", created, Optional.empty(), created.plus(Duration.ofDays(90)),
                Optional.of("alice"));
        assertEquals(false, revoked.usableAt(created.plus(Duration.ofDays(1))));
    }
}
