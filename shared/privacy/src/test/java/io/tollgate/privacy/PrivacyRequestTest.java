package io.tollgate.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PrivacyRequestTest {

    private static final Instant RECEIVED = Instant.parse("2026-03-01T10:00:00Z");

    private static PrivacyRequest request(PrivacyRequest.Status status, Optional<Instant> completed) {
        return new PrivacyRequest("r-1", "acme", "u-1", PrivacyRequest.Type.ERASURE, status, "u-1", RECEIVED,
                RECEIVED.plus(PrivacyRequest.DEADLINE), completed);
    }

    @Test
    void lateWhenCompletedAfterDeadlineThenLateOtherwiseOnTime() {
        assertFalse(request(PrivacyRequest.Status.COMPLETED, Optional.of(RECEIVED.plus(Duration.ofDays(30))))
                .late(RECEIVED.plus(Duration.ofDays(90))));
        assertTrue(request(PrivacyRequest.Status.COMPLETED, Optional.of(RECEIVED.plus(Duration.ofDays(31))))
                .late(RECEIVED.plus(Duration.ofDays(31))));
    }

    @Test
    void viewWhenOpenPastDeadlineThenOverdueAndDueInThirtyDays() {
        PrivacyRequest open = request(PrivacyRequest.Status.RECEIVED, Optional.empty());
        assertEquals("2026-03-31T10:00:00Z", open.view(RECEIVED).get("due_at"));
        assertEquals(false, open.view(RECEIVED.plus(Duration.ofDays(30))).get("overdue"));
        assertEquals(true, open.view(RECEIVED.plus(Duration.ofDays(30)).plusSeconds(1)).get("overdue"));
        assertTrue(open.late(RECEIVED.plus(Duration.ofDays(31))));
        assertEquals("erasure", open.view(RECEIVED).get("type"));
        assertEquals("received", open.view(RECEIVED).get("status"));
    }

    @Test
    void typeOfWhenWireNameThenTypeElseEmpty() {
        assertEquals(Optional.of(PrivacyRequest.Type.RECTIFICATION), PrivacyRequest.Type.of("rectification"));
        assertEquals(Optional.empty(), PrivacyRequest.Type.of("ERASURE"));
        assertEquals(Optional.empty(), PrivacyRequest.Type.of("deletion"));
    }
}
