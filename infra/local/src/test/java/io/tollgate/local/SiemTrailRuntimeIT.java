package io.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.tollgate.alerting.SiemForwarder;
import io.tollgate.devkit.LocalQueue;
import io.tollgate.json.Json;
import io.tollgate.platform.TollgateServices;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SIEM trail forward over the local runtime, as a tenant administrator turns it on: the
 * settings document takes {@code alerting.siemForwardAll}, the minute schedule
 * ({@code POST /_local/schedules/SiemTrailFunction}) sends the tenant's chain in OCSF to a
 * loopback receiver that checks every signature, in chain order from the first event; a tenant
 * with a webhook but no opt-in sends nothing of its trail.
 */
class SiemTrailRuntimeIT {

    private static final String PASSWORD = "Velvet-Orbit-Quarry-82";
    private static final String KEY = "siem-key-0123456789-abcdefghijklmnopqrstuvwxyz";
    private static final String SEED = """
            {"tenants":[
              {"id":"acme","name":"Acme","users":[
                {"username":"tina@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["tenant_admin"]},
                {"username":"alice@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"]}]},
              {"id":"globex","name":"Globex","users":[
                {"username":"gina@globex.test","password":"Velvet-Orbit-Quarry-82","roles":["tenant_admin"]}]}]}""";

    @TempDir
    static Path temp;
    private static LocalRuntime runtime;
    private static LocalHttp http;
    private static LocalQueue queue;
    private static HttpServer receiver;
    private static String hook;
    private static final List<JsonNode> RECEIVED = new CopyOnWriteArrayList<>();
    private static final AtomicInteger BAD_SIGNATURES = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String timestamp = exchange.getRequestHeaders().getFirst(SiemForwarder.TIMESTAMP_HEADER);
            String signature = exchange.getRequestHeaders().getFirst(SiemForwarder.SIGNATURE_HEADER);
            boolean valid = timestamp != null && signature != null && MessageDigest.isEqual(
                    SiemForwarder.signature(KEY.getBytes(StandardCharsets.UTF_8), timestamp, body)
                            .getBytes(StandardCharsets.US_ASCII), signature.getBytes(StandardCharsets.US_ASCII))
                    && Math.abs(Instant.now().getEpochSecond() - Long.parseLong(timestamp)) < 300;
            if (valid) {
                RECEIVED.add(Json.mapper().readTree(body));
            } else {
                BAD_SIGNATURES.incrementAndGet();
            }
            exchange.sendResponseHeaders(valid ? 204 : 401, -1);
            exchange.close();
        });
        receiver.start();
        hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        Path seed = temp.resolve("seed.json");
        Files.writeString(seed, SEED);
        runtime = LocalRuntime.start(new RuntimeOptions(0, Optional.empty(), Optional.of(seed), Optional.empty()),
                TollgateServices.builder());
        http = new LocalHttp(runtime.baseUri());
        queue = runtime.queue("AuditQueue").orElseThrow();
        for (String tenant : List.of("acme", "globex")) {
            runtime.services().secretsManager().createSecret(r -> r.name("tollgate/siem/" + tenant).secretString(KEY));
        }
    }

    @AfterAll
    static void stop() {
        runtime.close();
        receiver.stop(0);
    }

    private static HttpResponse<String> putAlerting(String tenant, String admin, String webhook, boolean forwardAll) {
        String token = http.login(tenant, admin, PASSWORD).get("access_token").asText();
        ObjectNode settings = (ObjectNode) LocalHttp.json(http.get("/v1/tenants/" + tenant + "/settings", token));
        ObjectNode alerting = (ObjectNode) settings.get("alerting");
        alerting.put("siemWebhookUrl", webhook);
        alerting.put("siemForwardAll", forwardAll);
        return http.send("PUT", "/v1/tenants/" + tenant + "/settings", settings.toString(),
                Map.of("authorization", "Bearer " + token));
    }

    private static List<JsonNode> trailOf(String tenant) {
        List<JsonNode> events = new ArrayList<>();
        for (JsonNode body : RECEIVED) {
            if (body.isArray()) {
                body.forEach(event -> {
                    if (tenant.equals(event.at("/metadata/tenant_uid").asText())) {
                        events.add(event);
                    }
                });
            }
        }
        return events;
    }

    @Test
    void scheduleWhenTenantOptedInThenItsWholeTrailArrivesSignedInOrderAsOcsfAndTheOtherTenantsDoesNot() throws Exception {
        HttpResponse<String> noWebhook = putAlerting("acme", "tina@acme.test", "", true);
        assertEquals(400, noWebhook.statusCode(), noWebhook.body());
        assertEquals("alerting", LocalHttp.json(noWebhook).get("errors").get(0).get("field").asText());
        assertEquals(200, putAlerting("acme", "tina@acme.test", hook, true).statusCode());
        assertEquals(200, putAlerting("globex", "gina@globex.test", hook, false).statusCode());
        http.login("acme", "alice@acme.test", PASSWORD);
        assertEquals(401, http.send("POST", "/v1/auth/login", "{\"tenant\":\"acme\",\"username\":\"alice@acme.test\","
                + "\"password\":\"wrong-Password-1\"}", Map.of()).statusCode());
        http.login("globex", "gina@globex.test", PASSWORD);
        assertTrue(queue.awaitIdle(Duration.ofSeconds(30)), "the audit queue drains");

        // The function runs with its sample schedule event, as EventBridge Scheduler would invoke it.
        HttpResponse<String> run = http.post("/_local/invoke/SiemTrailFunction",
                java.nio.file.Files.readString(java.nio.file.Path.of("../../events/siem-trail-schedule.json")));
        assertEquals(200, run.statusCode(), run.body());

        assertEquals(0, BAD_SIGNATURES.get());
        List<JsonNode> acme = trailOf("acme");
        assertTrue(acme.size() >= 5, "logins, settings changes and reads of acme: " + acme.size());
        for (int i = 0; i < acme.size(); i++) {
            assertEquals(i + 1, acme.get(i).at("/metadata/sequence").asLong(), "from the first event, in chain order");
        }
        List<String> types = acme.stream().map(e -> e.at("/unmapped/tollgate/event_type").asText()).toList();
        assertTrue(types.contains("tenant_settings_changed"), types.toString());
        JsonNode failed = acme.stream().filter(e -> "auth_failure".equals(e.at("/unmapped/tollgate/event_type").asText()))
                .findFirst().orElseThrow(() -> new AssertionError("the failed login is forwarded: " + types));
        assertEquals(3002, failed.get("class_uid").asInt());
        assertEquals(1, failed.get("activity_id").asInt());
        assertEquals(2, failed.get("status_id").asInt());
        assertEquals(5, failed.get("severity_id").asInt());
        JsonNode changed = acme.stream().filter(e -> "tenant_settings_changed".equals(
                e.at("/unmapped/tollgate/event_type").asText())).findFirst().orElseThrow();
        assertEquals(6003, changed.get("class_uid").asInt());
        assertEquals(List.of(), trailOf("globex"), "a webhook without the opt-in forwards alerts only");
    }
}
