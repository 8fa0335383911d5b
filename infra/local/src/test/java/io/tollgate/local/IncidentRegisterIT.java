package io.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.audit.AuditEvent;
import io.tollgate.testing.RecordingAuditPublisher;
import io.tollgate.testing.TestClock;
import io.tollgate.testing.Testbed;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The incident and breach register over HTTP on the local runtime: opening (72-hour deadline for a
 * personal-data breach, data_breach events linked to the incident), who sees and changes what,
 * forward-only phases with notes, and the 48 h / 70 h deadline alerts of the scheduled sweep.
 */
class IncidentRegisterIT {

    private static final String PASSWORD = Testbed.PASSWORD;
    private static final String SEED = """
            {"tenants":[
              {"id":"acme","name":"Acme","organizations":[{"id":"risk","name":"Risk"}],"users":[
                {"username":"alice@acme.test","password":"%1$s","roles":["user"],"org":"risk"},
                {"username":"tina@acme.test","password":"%1$s","roles":["tenant_admin"]},
                {"username":"root@acme.test","password":"%1$s","roles":["super_admin"]}]},
              {"id":"globex","name":"Globex","users":[
                {"username":"gina@globex.test","password":"%1$s","roles":["tenant_admin"]}]},
              {"id":"initech","name":"Initech","role_profile":"simple","users":[
                {"username":"ada@initech.test","password":"%1$s","roles":["admin"]},
                {"username":"al@initech.test","password":"%1$s","roles":["analyst"]}]}]}"""
            .formatted(PASSWORD);

    @TempDir
    static Path temp;
    private static LocalRuntime runtime;
    private static LocalHttp http;
    private static TestClock clock;
    private static RecordingAuditPublisher audit;

    @BeforeAll
    static void start() {
        clock = TestClock.startingNow();
        audit = new RecordingAuditPublisher();
        runtime = LocalHttp.startSeeded(temp, SEED, clock, audit);
        http = new LocalHttp(runtime.baseUri());
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    /** An admin-panel access token (the incident routes accept no other audience). */
    private static String token(String tenant, String username) {
        return http.accessToken(tenant, username, PASSWORD, "admin-panel");
    }

    private static String breach(String title, Instant detectedAt) {
        return """
                {"title":"%s","severity":"HIGH","detected_at":"%s","affected_subjects":1250,
                 "personal_data_breach":true}""".formatted(title, detectedAt);
    }

    private static JsonNode open(String token, String body) {
        HttpResponse<String> opened = http.bearer(token, "POST", "/v1/incidents", body);
        assertEquals(201, opened.statusCode(), opened.body());
        return LocalHttp.json(opened);
    }

    private static List<AuditEvent> eventsFor(String type, String incidentId) {
        return audit.ofType(type).stream()
                .filter(e -> incidentId.equals(e.additionalData().get("incident_id"))).toList();
    }

    @Test
    void openWhenTenantAdminRegistersPersonalDataBreachThenDeadlineIs72HoursAfterDetectionAndBreachAudited() {
        Instant detected = clock.instant().minus(Duration.ofHours(5)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        JsonNode incident = open(token("acme", "tina@acme.test"), breach("Export bucket public", detected));

        assertEquals(detected.plus(Duration.ofHours(72)).toString(), incident.get("notification_due_at").asText());
        assertEquals("identification", incident.get("phase").asText());
        assertEquals("[\"acme\"]", incident.get("affected_tenants").toString(), "a tenant admin's own tenant");
        assertEquals(1250, incident.get("affected_subjects").asLong());
        String id = incident.get("id").asText();
        List<AuditEvent> breaches = eventsFor("data_breach", id);
        assertEquals(1, breaches.size(), "one data_breach event, linked to the incident");
        assertEquals("acme", breaches.get(0).tenantId());
        assertEquals("CRITICAL", breaches.get(0).severity().name());
        assertEquals(1, eventsFor("incident_opened", id).size());

        HttpResponse<String> read = http.bearer(token("acme", "tina@acme.test"), "GET", "/v1/incidents/" + id, null);
        assertEquals(200, read.statusCode(), read.body());
        assertEquals(incident.get("notification_due_at"), LocalHttp.json(read).get("notification_due_at"));
    }

    @Test
    void openWhenNotPersonalDataBreachThenNoDeadlineAndNoBreachEvent() {
        JsonNode incident = open(token("acme", "tina@acme.test"), """
                {"title":"Phishing wave","severity":"MEDIUM","detected_at":"%s","affected_subjects":0,
                 "personal_data_breach":false}""".formatted(clock.instant().minusSeconds(60)));
        assertFalse(incident.has("notification_due_at"), "no notification deadline: " + incident);
        assertEquals(List.of(), eventsFor("data_breach", incident.get("id").asText()));
    }

    @Test
    void openWhenTenantAdminNamesAnotherTenantThenForbiddenAndNothingRegistered() {
        String tina = token("acme", "tina@acme.test");
        HttpResponse<String> refused = http.bearer(tina, "POST", "/v1/incidents", """
                {"title":"Cross-tenant attempt","severity":"LOW","detected_at":"%s","affected_subjects":1,
                 "personal_data_breach":false,"affected_tenants":["globex"]}""".formatted(clock.instant()));
        assertEquals(403, refused.statusCode(), refused.body());
        HttpResponse<String> listed = http.bearer(token("globex", "gina@globex.test"), "GET", "/v1/incidents", null);
        assertFalse(listed.body().contains("Cross-tenant attempt"), listed.body());
        assertFalse(http.bearer(token("acme", "root@acme.test"), "GET", "/v1/incidents", null).body()
                .contains("Cross-tenant attempt"), "nothing stored");
    }

    @Test
    void openWhenSuperAdminNamesTenantsThenEachAffectedTenantSeesItAndGetsItsBreachEvent() {
        JsonNode incident = open(token("acme", "root@acme.test"), """
                {"title":"Shared processor breach","severity":"CRITICAL","detected_at":"%s","affected_subjects":40,
                 "personal_data_breach":true,"affected_tenants":["acme","globex"]}""".formatted(clock.instant()));
        String id = incident.get("id").asText();

        HttpResponse<String> byGlobex = http.bearer(token("globex", "gina@globex.test"), "GET", "/v1/incidents/" + id, null);
        assertEquals(200, byGlobex.statusCode(), byGlobex.body());
        assertEquals(List.of("acme", "globex"), eventsFor("data_breach", id).stream().map(AuditEvent::tenantId)
                .sorted().toList());
        HttpResponse<String> badTenant = http.bearer(token("acme", "root@acme.test"), "POST", "/v1/incidents", """
                {"title":"Bad tenant id","severity":"LOW","detected_at":"%s","affected_subjects":1,
                 "personal_data_breach":false,"affected_tenants":["../globex"]}""".formatted(clock.instant()));
        assertEquals(400, badTenant.statusCode(), badTenant.body());
        HttpResponse<String> unknownTenant = http.bearer(token("acme", "root@acme.test"), "POST", "/v1/incidents", """
                {"title":"Unknown tenant","severity":"LOW","detected_at":"%s","affected_subjects":1,
                 "personal_data_breach":false,"affected_tenants":["umbrella"]}""".formatted(clock.instant()));
        assertEquals(400, unknownTenant.statusCode(), unknownTenant.body());
        HttpResponse<String> future = http.bearer(token("acme", "root@acme.test"), "POST", "/v1/incidents",
                breach("Detected tomorrow", clock.instant().plus(Duration.ofDays(1))));
        assertEquals(400, future.statusCode(), future.body());
        HttpResponse<String> moveByGlobex = http.bearer(token("globex", "gina@globex.test"), "POST",
                "/v1/incidents/" + id + "/phase", "{\"phase\":\"containment\",\"note\":\"ours is contained\"}");
        assertEquals(403, moveByGlobex.statusCode(), "moving needs update rights in every affected tenant");
    }

    @Test
    void getWhenIncidentOfAnotherTenantThenNotFoundAndNotListed() {
        String id = open(token("acme", "tina@acme.test"), breach("Acme only", clock.instant())).get("id").asText();
        String gina = token("globex", "gina@globex.test");

        assertEquals(404, http.bearer(gina, "GET", "/v1/incidents/" + id, null).statusCode());
        JsonNode listed = LocalHttp.json(http.bearer(gina, "GET", "/v1/incidents", null));
        assertTrue(StreamSupport.stream(listed.get("incidents").spliterator(), false)
                .noneMatch(i -> i.get("id").asText().equals(id)), listed.toString());
        assertEquals(404, http.bearer(gina, "POST", "/v1/incidents/" + id + "/phase",
                "{\"phase\":\"containment\",\"note\":\"x\"}").statusCode());
    }

    @Test
    void incidentRoutesWhenCallerIsNoAdministratorThenForbidden() {
        String alice = token("acme", "alice@acme.test");
        assertEquals(403, http.bearer(alice, "GET", "/v1/incidents", null).statusCode());
        assertEquals(403, http.bearer(alice, "POST", "/v1/incidents", breach("By a user", clock.instant())).statusCode());
        String analyst = token("initech", "al@initech.test");
        assertEquals(403, http.bearer(analyst, "GET", "/v1/incidents", null).statusCode());
        open(token("initech", "ada@initech.test"), breach("Simple admin keeps the register", clock.instant()));
    }

    @Test
    void advanceWhenNextPhaseWithNoteThenMovedAndAuditedOtherwiseRefusedAndUnchanged() {
        String tina = token("acme", "tina@acme.test");
        String id = open(tina, breach("Phases", clock.instant())).get("id").asText();
        String path = "/v1/incidents/" + id + "/phase";

        HttpResponse<String> skip = http.bearer(tina, "POST", path, "{\"phase\":\"eradication\",\"note\":\"too fast\"}");
        assertEquals(409, skip.statusCode(), skip.body());
        HttpResponse<String> noNote = http.bearer(tina, "POST", path, "{\"phase\":\"containment\",\"note\":\"  \"}");
        assertEquals(400, noNote.statusCode(), noNote.body());
        assertEquals("identification", LocalHttp.json(http.bearer(tina, "GET", "/v1/incidents/" + id, null))
                .get("phase").asText(), "refused moves change nothing");

        for (String phase : List.of("containment", "eradication", "recovery", "lessons_learned")) {
            HttpResponse<String> moved = http.bearer(tina, "POST", path,
                    "{\"phase\":\"" + phase + "\",\"note\":\"now " + phase + "\"}");
            assertEquals(200, moved.statusCode(), moved.body());
            assertEquals(phase, LocalHttp.json(moved).get("phase").asText());
        }
        HttpResponse<String> back = http.bearer(tina, "POST", path, "{\"phase\":\"recovery\",\"note\":\"reopen\"}");
        assertEquals(409, back.statusCode(), back.body());
        JsonNode history = LocalHttp.json(http.bearer(tina, "GET", "/v1/incidents/" + id, null)).get("history");
        assertEquals(4, history.size());
        assertEquals("now containment", history.get(0).get("note").asText());
        assertEquals(4, eventsFor("incident_phase_changed", id).stream()
                .filter(e -> "success".equals(e.result())).count());
    }

    @Test
    void deadlineSweepWhen48And70HoursPassedThenOneCriticalAlertEachAndNoRepeat() {
        Instant detected = clock.instant().minus(Duration.ofHours(47));
        String id = open(token("acme", "tina@acme.test"), breach("Deadline", detected)).get("id").asText();

        sweep();
        assertEquals(List.of(), eventsFor("breach_notification_due", id), "47 h: nothing yet");
        clock.advance(Duration.ofHours(1));
        sweep();
        sweep();
        List<AuditEvent> at48 = eventsFor("breach_notification_due", id);
        assertEquals(1, at48.size(), "48 h: one alert, not repeated by the next sweep");
        assertEquals("48h", at48.get(0).additionalData().get("elapsed"));
        assertEquals("CRITICAL", at48.get(0).severity().name());
        clock.advance(Duration.ofHours(22));
        sweep();
        List<AuditEvent> all = eventsFor("breach_notification_due", id);
        assertEquals(2, all.size());
        assertEquals("70h", all.get(1).additionalData().get("elapsed"));
        assertEquals("[\"48h\",\"70h\"]", LocalHttp.json(http.bearer(token("acme", "tina@acme.test"), "GET",
                "/v1/incidents/" + id, null)).get("deadline_alerts").toString());
    }

    /** Runs the deadline function now with its sample schedule event (as EventBridge would). */
    private static void sweep() {
        try {
            HttpResponse<String> run = http.post("/_local/invoke/IncidentDeadlineFunction",
                    java.nio.file.Files.readString(Path.of("../../events/incident-deadline-schedule.json")));
            assertEquals(200, run.statusCode(), run.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void exportWhenAuditReaderAsksThenIncidentEventsOfThePeriodWithValidChainVerification() throws Exception {
        String root = token("acme", "root@acme.test");
        Instant detected = clock.instant().minusSeconds(30);
        String id = open(root, breach("Exported breach", detected)).get("id").asText();
        HttpResponse<String> moved = http.bearer(root, "POST", "/v1/incidents/" + id + "/phase",
                "{\"phase\":\"containment\",\"note\":\"keys rotated\"}");
        assertEquals(200, moved.statusCode(), moved.body());
        assertTrue(runtime.queue("AuditQueue").orElseThrow().awaitIdle(Duration.ofSeconds(30)), "the audit queue drains");

        HttpResponse<String> exported = http.bearer(root, "GET", "/v1/incidents/" + id + "/export", null);

        assertEquals(200, exported.statusCode(), exported.body());
        JsonNode bundle = LocalHttp.json(exported);
        assertEquals(id, bundle.get("incident").get("id").asText());
        assertEquals("acme", bundle.get("tenant").asText());
        assertEquals(detected.toString(), bundle.get("from").asText());
        List<String> linked = StreamSupport.stream(bundle.get("events").spliterator(), false)
                .filter(e -> id.equals(e.get("additional_data").path("incident_id").asText()))
                .map(e -> e.get("event_type").asText()).toList();
        assertTrue(linked.containsAll(List.of("incident_opened", "data_breach", "incident_phase_changed")),
                "the incident's own events are in the bundle: " + linked);
        assertTrue(StreamSupport.stream(bundle.get("events").spliterator(), false)
                .allMatch(e -> "acme".equals(e.get("tenant_id").asText())), "the caller's tenant only");
        assertTrue(bundle.get("verification").get("valid").asBoolean(), bundle.get("verification").toString());
        assertFalse(bundle.get("truncated").asBoolean());
    }

    @Test
    void exportWhenCallerLacksAuditReadOrIncidentIsOfAnotherTenantThenRefused() {
        String root = token("acme", "root@acme.test");
        String acmeIncident = open(root, breach("Export scope", clock.instant())).get("id").asText();
        String globexOnly = open(root, """
                {"title":"Globex only","severity":"LOW","detected_at":"%s","affected_subjects":1,
                 "personal_data_breach":false,"affected_tenants":["globex"]}""".formatted(clock.instant()))
                .get("id").asText();

        assertEquals(403, http.bearer(token("acme", "tina@acme.test"), "GET", "/v1/incidents/" + acmeIncident + "/export",
                null).statusCode(), "a tenant_admin holds no audit:read");
        assertEquals(404, http.bearer(root, "GET", "/v1/incidents/" + globexOnly + "/export", null).statusCode(),
                "the export is of the caller's tenant only");
        assertEquals(404, http.bearer(root, "GET", "/v1/incidents/not-an-id/export", null).statusCode());
    }
}
