package io.tollgate.administration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tollgate.http.ProblemException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PageRequestTest {

    private static String refusedField(Map<String, String> query) {
        ProblemException problem = assertThrows(ProblemException.class, () -> PageRequest.fromQuery(query));
        assertEquals(400, problem.errorCode().status());
        return problem.errors().get(0).field();
    }

    @Test
    void fromQueryWhenAbsentThenFirstPageOfFifty() {
        assertEquals(new PageRequest(50, Optional.empty()), PageRequest.fromQuery(null));
        assertEquals(new PageRequest(100, Optional.empty()), PageRequest.fromQuery(Map.of("limit", "100")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "101", "-1", "1e2", "", "abc", "99999"})
    void fromQueryWhenLimitOutOfRangeThenLimitNamed(String limit) {
        assertEquals("limit", refusedField(Map.of("limit", limit)));
    }

    @Test
    void fromQueryWhenUnknownParameterThenNamed() {
        assertEquals("tenant", refusedField(Map.of("tenant", "globex")));
    }

    @Test
    void fromQueryWhenCursorOfAPreviousPageThenItsSortKey() {
        String cursor = PageRequest.encode("USER#zoë@acme.test");
        assertEquals(Optional.of("USER#zoë@acme.test"), PageRequest.fromQuery(Map.of("cursor", cursor)).after());
    }

    @ParameterizedTest
    @ValueSource(strings = {"not base64!", "/w", "AA"})
    void fromQueryWhenCursorForgedThenCursorNamed(String cursor) {
        assertEquals("cursor", refusedField(Map.of("cursor", cursor)));
    }
}
