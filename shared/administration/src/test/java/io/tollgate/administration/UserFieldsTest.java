package io.tollgate.administration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.http.ProblemException.FieldError;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class UserFieldsTest {

    private static final Set<String> ROLES = Set.of("tenant_admin", "org_admin", "user");

    private static List<FieldError> email(String value) {
        List<FieldError> errors = new ArrayList<>();
        UserFields.email("email", value, false, errors);
        return errors;
    }

    @ParameterizedTest
    @ValueSource(strings = {"alice@acme.test", "a.b+tag@mail.example.co.uk", "o'neil@x-y.io"})
    void emailWhenValidThenNoError(String value) {
        assertEquals(List.of(), email(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"alice", "alice@", "@acme.test", "alice@acme", "a..b@acme.test", "alice@acme..test",
            "alice @acme.test", "alice@-acme.test", "alice@acme.test\n", "<script>@x.io"})
    void emailWhenInvalidThenInvalidEmailNamed(String value) {
        List<FieldError> errors = email(value);
        assertEquals(1, errors.size(), value);
        assertEquals("email", errors.get(0).field());
        assertEquals("invalid_email", errors.get(0).code());
    }

    @Test
    void emailWhenOversizedThenTooLong() {
        assertEquals("too_long", email("a".repeat(250) + "@x.io").get(0).code());
    }

    @Test
    void usernameWhenBlankWhitespaceOrOversizedThenNamed() {
        for (String value : new String[] {null, " ", "ali ce", "bob\u0000", "x".repeat(255)}) {
            List<FieldError> errors = new ArrayList<>();
            UserFields.username(value, errors);
            assertEquals(1, errors.size(), String.valueOf(value));
            assertEquals("username", errors.get(0).field());
        }
    }

    @Test
    void rolesWhenUnknownDuplicateEmptyOrTooManyThenRolesNamed() {
        for (List<String> roles : List.<List<String>>of(List.of(), List.of("root"), List.of("user", "user"),
                Arrays.asList("user", null), List.of("user", "org_admin", "tenant_admin", "user", "org_admin", "user"))) {
            List<FieldError> errors = new ArrayList<>();
            UserFields.roles(roles, ROLES, errors);
            assertEquals(1, errors.size(), roles.toString());
            assertEquals("roles", errors.get(0).field());
        }
        List<FieldError> none = new ArrayList<>();
        UserFields.roles(List.of("org_admin", "user"), ROLES, none);
        assertTrue(none.isEmpty());
    }
}
