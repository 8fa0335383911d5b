package io.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tollgate.administration.SettingsDocument;
import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.AuditSeverity;
import io.tollgate.json.Json;
import io.tollgate.lockout.FailureState;
import io.tollgate.platform.TollgateServices;
import io.tollgate.settings.SecuritySettings;
import io.tollgate.storage.Attributes;
import io.tollgate.storage.Keys;
import io.tollgate.tenant.Tenant;
import io.tollgate.testing.TestClock;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/**
 * The detection rules end to end in the local runtime (ADR 0021/0022): audit events go
 * publisher → audit queue → ingest → audit table → real stream polling → detection, which stores
 * the decision, blocks or locks in the stores login and the authorizer read, and chains a
 * {@code security_alert}; {@code ./tollgate explain} and {@code replay} read the same runtime.
 */
class AnomalyRulesRuntimeIT {

    private static final String PASSWORD = "Velvet-Orbit-Quarry-82";
    private static final String SCENARIO = "../../events/scenario-credential-stuffing.json";

    private static LocalRuntime runtime;
    private static LocalHttp http;
    private static Path temp;

    @BeforeAll
    static void start() throws Exception {
        temp = Files.createTempDirectory("anomaly-it-");
        String users = IntStream.rangeClosed(1, 3).mapToObj(i -> "{\"username\":\"user" + i
                + "@acme.test\",\"password\":\"" + PASSWORD + "\",\"roles\":[\"org_admin\"],\"org\":\"risk\"}")
                .collect(Collectors.joining(","));
        String seed = "{\"tenants\":["
                + "{\"id\":\"acme\",\"name\":\"Acme\",\"organizations\":[{\"id\":\"risk\",\"name\":\"Risk\"}],\"users\":[" + users + "]},"
                + "{\"id\":\"stuffing\",\"name\":\"Scenario\",\"organizations\":[{\"id\":\"risk\",\"name\":\"Risk\"}],"
                + "\"users\":[{\"username\":\"soc@stuffing.test\",\"email\":\"soc@stuffing.test\",\"password\":\""
                + PASSWORD + "\",\"roles\":[\"tenant_admin\"]}]}]}";
        Path file = temp.resolve("seed.json");
        Files.writeString(file, seed);
        runtime = LocalRuntime.start(new RuntimeOptions(0, Optional.empty(), Optional.of(file), Optional.empty()),
                TollgateServices.builder().clock(TestClock.startingNow()));
        http = new LocalHttp(runtime.baseUri());
    }

    @AfterAll
    static void stop() {
        if (runtime != null) {
            runtime.close();
        }
    }

    private static <T> Optional<T> await(Supplier<Optional<T>> probe) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            Optional<T> found = probe.get();
            if (found.isPresent()) {
                return found;
            }
            Thread.sleep(200);
        }
        return Optional.empty();
    }

    private static String security() {
        return runtime.services().config().tables().security();
    }

    private static List<Map<String, AttributeValue>> decisions(String tenant) {
        return runtime.dynamoDb().scan(ScanRequest.builder().tableName(security())
                .filterExpression("tenant_id = :t AND attribute_exists(rule_id)")
                .expressionAttributeValues(Map.of(":t", Attributes.s(tenant))).consistentRead(true).build()).items();
    }

    private static Optional<Map<String, AttributeValue>> decision(String tenant, String rule) {
        return decisions(tenant).stream().filter(d -> rule.equals(d.get("rule_id").s())).findFirst();
    }

    private static Optional<Map<String, AttributeValue>> alert(String tenant, String decisionId) {
        return runtime.dynamoDb().scan(ScanRequest.builder().tableName("AuditTable")
                .filterExpression("event_type = :t AND tenant_id = :tenant AND contains(additional_data, :id)")
                .expressionAttributeValues(Map.of(":t", Attributes.s("security_alert"), ":tenant", Attributes.s(tenant),
                        ":id", Attributes.s("\"decision_id\":\"" + decisionId + "\""))).build())
                .items().stream().findFirst();
    }

    private static Map<String, AttributeValue> item(String table, Map<String, AttributeValue> key) {
        return runtime.dynamoDb().getItem(GetItemRequest.builder().tableName(table).key(key).consistentRead(true)
                .build()).item();
    }

    /** The acted decision of the rule, its security_alert, and the alert's severity. */
    private static Map<String, AttributeValue> decidedAndAlerted(String tenant, String rule, String severity)
            throws InterruptedException {
        Map<String, AttributeValue> decided = await(() -> decision(tenant, rule)
                .filter(d -> "acted".equals(d.get("status").s()))).orElseThrow(() -> new AssertionError(
                        rule + " decided nothing in " + tenant + ": " + decisions(tenant)));
        Map<String, AttributeValue> alert = await(() -> alert(tenant, decided.get("decision_id").s()))
                .orElseThrow(() -> new AssertionError("no security_alert for " + rule));
        assertEquals(severity, alert.get("severity").s());
        assertTrue(alert.get("additional_data").s().contains("\"rule_id\":\"" + rule + "\""));
        return decided;
    }

    private static List<AuditEvent> scenario(String tenant, Instant start) throws Exception {
        List<AuditEvent> recorded = Json.mapper().readValue(Files.readString(Path.of(SCENARIO)), new TypeReference<>() {
        });
        Duration shift = Duration.between(recorded.get(0).timestamp(), start);
        return recorded.stream().map(e -> new AuditEvent(e.timestamp().plus(shift), e.eventId(), e.eventType(),
                e.severity(), e.userId(), tenant, e.organizationId(), e.ipAddress(), e.userAgent(), e.resource(),
                e.action(), e.result(), e.additionalData(), e.complianceFlags())).toList();
    }

    /** The subjects of the mails the outbox holds for {@code to}. */
    private static List<String> mailSubjects(String to) {
        List<String> subjects = new ArrayList<>();
        LocalHttp.json(http.send("GET", "/_local/outbox", null, Map.of())).get("messages").forEach(m -> {
            if (to.equals(m.get("to").asText())) {
                subjects.add(m.get("subject").asText());
            }
        });
        return subjects;
    }

    private static JsonNode replay(String tenant, Instant from, Instant to) {
        HttpResponse<String> answer = http.post("/_local/anomaly/replay", "{\"tenant\":\"" + tenant + "\",\"from\":\""
                + from + "\",\"to\":\"" + to + "\"}");
        assertEquals(200, answer.statusCode(), answer.body());
        return LocalHttp.json(answer);
    }

    @Test
    void recordedScenarioThenDecisionsActedAndReplayedTwiceIdenticallyWithoutActingAgain() throws Exception {
        Instant now = runtime.services().clock().instant();
        // The previous 15-minute window: the whole recording (under 4 minutes) is in the past and in one window.
        Instant start = Instant.ofEpochSecond(Math.floorDiv(now.minus(Duration.ofMinutes(15)).getEpochSecond(), 900) * 900);
        List<AuditEvent> events = scenario("stuffing", start);
        runtime.services().auditPublisher().publishAll(events);

        Map<String, AttributeValue> bruteForce = decidedAndAlerted("stuffing", "brute-force-across-accounts", "HIGH");
        assertEquals("scn-stuffing-12", bruteForce.get("triggering_event_id").s(), "u-10 is the tenth distinct account");
        assertTrue(FailureState.from(item(security(), Keys.ipCounter("stuffing", "203.0.113.77"))).lockedUntil()
                .isPresent(), "the address is blocked in login's IP counter");
        assertEquals("scn-mfa-5", decidedAndAlerted("stuffing", "mfa-failure-burst", "HIGH")
                .get("triggering_event_id").s());
        assertEquals("scn-refresh-reuse", decidedAndAlerted("stuffing", "refresh-token-reuse", "HIGH")
                .get("triggering_event_id").s());
        decidedAndAlerted("stuffing", "privilege-escalation", "CRITICAL");
        List<Map<String, AttributeValue>> stored = decisions("stuffing");
        assertEquals(4, stored.size(), stored.toString());
        // Each HIGH/CRITICAL decision mails the tenant administrator once (ADR 0042); the scenario's twelve
        // failed logins and its CRITICAL privilege_escalation event are not mailed one by one.
        List<String> mailed = await(() -> Optional.of(mailSubjects("soc@stuffing.test")).filter(m -> m.size() >= 4))
                .orElseThrow(() -> new AssertionError("mails: " + mailSubjects("soc@stuffing.test")));
        for (String rule : List.of("brute-force-across-accounts", "mfa-failure-burst", "refresh-token-reuse",
                "privilege-escalation")) {
            assertEquals(1, mailed.stream().filter(subject -> subject.contains("] " + rule + " on ")).count(),
                    rule + " in " + mailed);
        }
        assertEquals(4, mailed.size(), mailed.toString());

        Instant to = runtime.services().clock().instant().plusSeconds(1);
        JsonNode first = replay("stuffing", start.minusSeconds(1), to);
        JsonNode second = replay("stuffing", start.minusSeconds(1), to);
        assertTrue(first.get("consistent").asBoolean(), first.toString());
        assertEquals(first, second, "the same events give the same decisions");
        Set<String> replayed = new TreeSet<>();
        first.get("decisions").forEach(d -> {
            assertEquals("match", d.get("stored").asText(), d.toString());
            replayed.add(d.get("decision_id").asText());
        });
        assertEquals(stored.stream().map(d -> d.get("decision_id").s()).collect(Collectors.toCollection(TreeSet::new)),
                replayed);
        long alerts = runtime.dynamoDb().scan(ScanRequest.builder().tableName("AuditTable")
                .filterExpression("event_type = :t AND tenant_id = :tenant").expressionAttributeValues(Map.of(
                        ":t", Attributes.s("security_alert"), ":tenant", Attributes.s("stuffing"))).build()).count();
        assertEquals(4, alerts, "a replay acts on nothing: no second alert");
        assertEquals(mailed, mailSubjects("soc@stuffing.test"), "and mails nobody");

        HttpResponse<String> explained = http.post("/_local/anomaly/explain", "{\"tenant\":\"stuffing\",\"decision_id\":\""
                + bruteForce.get("decision_id").s() + "\"}");
        assertEquals(200, explained.statusCode(), explained.body());
        JsonNode why = LocalHttp.json(explained);
        assertEquals("brute-force-across-accounts", why.get("rule_id").asText());
        assertEquals(1, why.get("rule_version").asInt());
        assertEquals(10, why.get("thresholds").get("distinct_accounts").asInt());
        assertEquals(10, why.get("inputs").get("distinct_accounts").asInt());
        assertEquals("block_ip", why.get("action").asText());
        assertEquals("acted", why.get("status").asText());
        assertEquals("u-10", why.get("triggering_event").get("user_id").asText());
        assertEquals(404, http.post("/_local/anomaly/explain", "{\"tenant\":\"acme\",\"decision_id\":\""
                + bruteForce.get("decision_id").s() + "\"}").statusCode(), "decisions are kept per tenant");
        assertEquals(400, http.post("/_local/anomaly/explain", "{\"tenant\":\"stuffing\",\"decision_id\":\"x\"}")
                .statusCode());
        assertEquals(400, http.post("/_local/anomaly/replay", "{\"from\":\"" + to + "\",\"to\":\"" + start + "\"}")
                .statusCode());
    }

    @Test
    void refusedEscalationThenActingAccountLockedLoginRefusedAndCriticalAlert() throws Exception {
        String userId = Attributes.requiredString(item(runtime.services().config().tables().identity(),
                Keys.user("acme", "user1@acme.test")), "user_id");
        assertEquals(200, http.post("/v1/auth/login", "{\"tenant\":\"acme\",\"username\":\"user1@acme.test\","
                + "\"password\":\"" + PASSWORD + "\"}").statusCode(), "unlocked before");
        runtime.services().auditPublisher().publish(new AuditEvent(runtime.services().clock().instant(),
                "esc-" + System.nanoTime(), "privilege_escalation", AuditSeverity.CRITICAL, userId, "acme", "risk",
                "192.0.2.80", "ua", "user", "update_roles", "denied", Map.of("reason", "role_above_caller",
                        "target_user_id", "someone"), List.of("sox")));

        decidedAndAlerted("acme", "privilege-escalation", "CRITICAL");
        FailureState lock = FailureState.from(item(runtime.services().config().tables().identity(),
                Keys.user("acme", "user1@acme.test")));
        assertTrue(lock.lockedUntil().orElseThrow().isAfter(runtime.services().clock().instant().plus(Duration.ofHours(23))));
        HttpResponse<String> refused = http.post("/v1/auth/login", "{\"tenant\":\"acme\",\"username\":\"user1@acme.test\","
                + "\"password\":\"" + PASSWORD + "\"}");
        assertEquals(401, refused.statusCode(), "a locked account is refused at login, even with the right password");
    }

    @Test
    void burstOfOnePrincipalUnderLoweredThresholdsThenRateVolumeExfiltrationAndStuffingDecided() throws Exception {
        // A tenant no event has named yet (detection keeps a tenant's thresholds for a minute once read).
        String identity = runtime.services().config().tables().identity();
        ObjectNode document = (ObjectNode) SettingsDocument.write(SecuritySettings.defaults());
        ObjectNode anomaly = (ObjectNode) document.get("anomaly");
        anomaly.put("requestsPerMinute", 10);
        ((ObjectNode) anomaly.get("unusualVolume")).put("minimumEvents", 10);
        ((ObjectNode) anomaly.get("exfiltration")).put("calls", 10).put("rapidPerMinute", 5).put("distinctResources", 3);
        ((ObjectNode) anomaly.get("credentialStuffing")).put("distinctAccounts", 3).put("maxAttemptsPerAccount", 1);
        SecuritySettings lowered = SettingsDocument.read(document);
        Map<String, AttributeValue> tenantItem = new java.util.HashMap<>(Keys.tenant("beta"));
        tenantItem.putAll(new Tenant("beta", "Beta", Tenant.Status.ACTIVE, lowered).attributes());
        runtime.dynamoDb().putItem(r -> r.tableName(identity).item(tenantItem));

        Instant minute = runtime.services().clock().instant().truncatedTo(ChronoUnit.MINUTES);
        if (Duration.between(minute, runtime.services().clock().instant()).getSeconds() > 45) {
            minute = minute.plus(Duration.ofMinutes(1));
        }
        List<AuditEvent> burst = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            burst.add(new AuditEvent(minute.plusMillis(100L * i), "burst-" + i, "data_query", AuditSeverity.LOW, "u-bulk",
                    "beta", "risk", "192.0.2.90", "ua", "record" + (i % 4), "read", "success", Map.of(), List.of()));
        }
        for (int i = 0; i < 3; i++) {
            burst.add(new AuditEvent(minute.plusMillis(2000L + i), "stuff-" + i, "auth_failure", AuditSeverity.CRITICAL,
                    "u-victim-" + i, "beta", null, "203.0.113.150", "ua", "auth", "login", "failure",
                    Map.of("reason", "wrong_password"), List.of()));
        }
        runtime.services().auditPublisher().publishAll(burst);

        Map<String, AttributeValue> rate = decidedAndAlerted("beta", "rate-anomaly", "HIGH");
        assertEquals("burst-10", rate.get("triggering_event_id").s(), "the eleventh call is above 10 a minute");
        Map<String, AttributeValue> volume = decidedAndAlerted("beta", "unusual-volume", "MEDIUM");
        assertTrue(volume.get("inputs").s().contains("\"baseline_events\":0"), volume.get("inputs").s());
        Map<String, AttributeValue> exfiltration = decidedAndAlerted("beta", "data-exfiltration", "HIGH");
        assertTrue(exfiltration.get("inputs").s().contains("\"rapid_succession\":true"));
        Map<String, AttributeValue> stuffing = decidedAndAlerted("beta", "credential-stuffing", "HIGH");
        assertEquals("stuff-2", stuffing.get("triggering_event_id").s());
        assertTrue(FailureState.from(item(security(), Keys.ipCounter("beta", "203.0.113.150"))).lockedUntil().isPresent());
        assertFalse(decision("beta", "brute-force-across-accounts").isPresent(), "3 accounts are below 10");
    }
}
