package io.tollgate.incident;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.json.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The register's rules: forward-only phases, the 72-hour deadline and its 48 h / 70 h alerts. */
class IncidentRulesTest {

    private static final Instant DETECTED = Instant.parse("2026-03-02T08:15:00Z");

    private static Incident incident(boolean personalDataBreach) {
        return new Incident("inc_000000000000000000000001", "Leaked export", Incident.Severity.HIGH, DETECTED,
                DETECTED.plusSeconds(600), "u-1", List.of("acme"), 120, personalDataBreach,
                IncidentPhase.IDENTIFICATION, List.of(), List.of());
    }

    private static Clock clockAt(Duration sinceDetection) {
        return Clock.fixed(DETECTED.plus(sinceDetection), ZoneOffset.UTC);
    }

    @Test
    void notificationDueAtWhenPersonalDataBreachThenDetectionPlus72Hours() {
        assertEquals(Optional.of(Instant.parse("2026-03-05T08:15:00Z")), incident(true).notificationDueAt());
        assertEquals(Optional.empty(), incident(false).notificationDueAt());
        assertEquals("2026-03-05T08:15:00Z", incident(true).view().get("notification_due_at"));
    }

    @Test
    void mayMoveToWhenNextPhaseThenAllowedOtherwiseRefused() {
        assertTrue(IncidentPhase.IDENTIFICATION.mayMoveTo(IncidentPhase.CONTAINMENT));
        assertTrue(IncidentPhase.RECOVERY.mayMoveTo(IncidentPhase.LESSONS_LEARNED));
        assertFalse(IncidentPhase.IDENTIFICATION.mayMoveTo(IncidentPhase.ERADICATION), "no skipping");
        assertFalse(IncidentPhase.CONTAINMENT.mayMoveTo(IncidentPhase.IDENTIFICATION), "no going back");
        assertFalse(IncidentPhase.CONTAINMENT.mayMoveTo(IncidentPhase.CONTAINMENT), "no standing still");
        assertEquals(Optional.empty(), IncidentPhase.LESSONS_LEARNED.next());
        assertEquals(Optional.of(IncidentPhase.LESSONS_LEARNED), IncidentPhase.fromWire("lessons_learned"));
        assertEquals(Optional.empty(), IncidentPhase.fromWire("LESSONS_LEARNED"));
    }

    @Test
    void movedToWhenAdvancedThenHistoryKeepsEveryMoveWithItsNote() {
        Instant at = clockAt(Duration.ofHours(3)).instant();
        Incident moved = incident(true).movedTo(IncidentPhase.CONTAINMENT, "export bucket closed", "u-2", at);
        assertEquals(IncidentPhase.CONTAINMENT, moved.phase());
        assertEquals(List.of(new Incident.PhaseChange(IncidentPhase.IDENTIFICATION, IncidentPhase.CONTAINMENT,
                "export bucket closed", "u-2", at)), moved.history());
    }

    @Test
    void deadlineAlertsDueWhenBefore48HoursThenNone() {
        assertEquals(List.of(), IncidentRegister.deadlineAlertsDue(incident(true),
                clockAt(Duration.ofHours(48).minusSeconds(1)).instant()));
    }

    @Test
    void deadlineAlertsDueWhen48HoursPassedThenThe48HourAlertOnce() {
        Instant at48 = clockAt(Duration.ofHours(48)).instant();
        assertEquals(List.of("48h"), IncidentRegister.deadlineAlertsDue(incident(true), at48));
        assertEquals(List.of(), IncidentRegister.deadlineAlertsDue(incident(true).alerted("48h"),
                clockAt(Duration.ofHours(69)).instant()), "sent once");
    }

    @Test
    void deadlineAlertsDueWhen70HoursPassedThenThe70HourAlert() {
        Instant at70 = clockAt(Duration.ofHours(70)).instant();
        assertEquals(List.of("70h"), IncidentRegister.deadlineAlertsDue(incident(true).alerted("48h"), at70));
        assertEquals(List.of("48h", "70h"), IncidentRegister.deadlineAlertsDue(incident(true), at70),
                "a late sweep sends both marks at once");
        assertEquals(List.of(), IncidentRegister.deadlineAlertsDue(incident(true).alerted("48h").alerted("70h"),
                clockAt(Duration.ofHours(90)).instant()));
    }

    @Test
    void deadlineAlertsDueWhenNotPersonalDataBreachThenNever() {
        assertEquals(List.of(), IncidentRegister.deadlineAlertsDue(incident(false),
                clockAt(Duration.ofHours(100)).instant()));
    }

    @Test
    void storedDocumentWhenReadBackThenSameIncident() throws Exception {
        Incident moved = incident(true).alerted("48h").movedTo(IncidentPhase.CONTAINMENT, "closed", "u-2",
                clockAt(Duration.ofHours(1)).instant());
        String stored = Json.mapper().writeValueAsString(moved);
        assertEquals(moved, Json.mapper().readValue(stored, Incident.class));
    }
}
