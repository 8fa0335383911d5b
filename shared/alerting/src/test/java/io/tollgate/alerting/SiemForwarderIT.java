package io.tollgate.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.tollgate.audit.AuditSeverity;
import io.tollgate.devkit.SecretsManagerLocalServer;
import io.tollgate.json.Json;
import io.tollgate.testing.LogCapture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The SIEM webhook against a loopback HTTP server that checks the signature the way a receiver
 * would (its own HMAC over {@code timestamp + "." + body}, constant-time compare) and fails the
 * first tries; the key comes from the local Secrets Manager.
 */
class SiemForwarderIT {

    private static final String KEY = "siem-key-0123456789-abcdefghijklmnopqrstuvwxyz";

    private static SecretsManagerLocalServer secretsServer;
    private static SecretsManagerClient secrets;

    private final AlertingTestbed world = new AlertingTestbed();
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger badSignatures = new AtomicInteger();
    private HttpServer server;
    private String tenant;

    @BeforeAll
    static void startSecrets() {
        secretsServer = SecretsManagerLocalServer.inMemory();
        secrets = SecretsManagerClient.builder().endpointOverride(secretsServer.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("k", "s")))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    @AfterAll
    static void stopSecrets() {
        secrets.close();
        secretsServer.close();
    }

    @BeforeEach
    void tenantWithKey() {
        tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
        secrets.createSecret(r -> r.name("tollgate/siem/" + tenant).secretString(KEY));
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** A receiver that answers {@code failing} with {@code failStatus} first, then 204. */
    private URI receiver(int failing, int failStatus) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String timestamp = exchange.getRequestHeaders().getFirst("X-Tollgate-Timestamp");
            String signature = exchange.getRequestHeaders().getFirst("X-Tollgate-Signature");
            boolean valid = signature != null && timestamp != null && MessageDigest.isEqual(
                    expected(timestamp, body).getBytes(StandardCharsets.US_ASCII),
                    signature.getBytes(StandardCharsets.US_ASCII))
                    && Math.abs(world.bed.clock.instant().getEpochSecond() - Long.parseLong(timestamp)) < 300;
            int status;
            if (!valid) {
                badSignatures.incrementAndGet();
                status = 401;
            } else if (requests.incrementAndGet() <= failing) {
                status = failStatus;
            } else {
                received.add(Json.mapper().readTree(body));
                status = 204;
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    }

    private static String expected(String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] signed = (timestamp + "." + new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(signed));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private SiemKeys keys() {
        return new SiemKeys(() -> secrets, "tollgate/siem/", world.bed.clock, Duration.ofMinutes(5));
    }

    private SiemForwarder forwarder() {
        return forwarder(io.tollgate.net.WebhookTargets.anyAddress());
    }

    private SiemForwarder forwarder(io.tollgate.net.WebhookTargets targets) {
        return new SiemForwarder(HttpClient.newHttpClient(), keys(), world.bed.clock, sleeps::add,
                SiemForwarder.RetryPolicy.defaults(), targets);
    }

    private Map<String, Object> alertBody() {
        return world.alert(tenant, AuditSeverity.HIGH, "brute-force-across-accounts", "ip:203.0.113.7", "decision:dd_1")
                .wire(0);
    }

    @Test
    void receiverFailingTwiceThenDeliveredOnTheThirdTryWithAValidSignatureAfterGrowingBackoffs() throws Exception {
        URI hook = receiver(2, 503);

        assertEquals(SiemForwarder.Result.DELIVERED, forwarder().forward(tenant, hook, alertBody()));

        assertEquals(0, badSignatures.get(), "every attempt was signed with the tenant's key");
        assertEquals(3, requests.get());
        assertEquals(List.of(Duration.ofMillis(250), Duration.ofMillis(500)), sleeps);
        assertEquals("brute-force-across-accounts", received.get(0).get("kind").asText());
        assertEquals(tenant, received.get(0).get("tenant_id").asText());
    }

    @Test
    void receiverAlwaysFailingThenGivenUpAfterTheBoundedAttempts() throws Exception {
        URI hook = receiver(100, 500);

        assertEquals(SiemForwarder.Result.UNREACHABLE, forwarder().forward(tenant, hook, alertBody()));

        assertEquals(4, requests.get());
        assertEquals(List.of(Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1)), sleeps);
    }

    @Test
    void receiverRefusingWithAClientErrorThenNotRetried() throws Exception {
        URI hook = receiver(100, 400);

        assertEquals(SiemForwarder.Result.REFUSED, forwarder().forward(tenant, hook, alertBody()));

        assertEquals(1, requests.get());
        assertEquals(List.of(), sleeps);
    }

    @Test
    void tenantWithoutSecretThenNothingSent() throws Exception {
        URI hook = receiver(0, 500);

        assertEquals(SiemForwarder.Result.NO_KEY, forwarder().forward("t-without-secret", hook, alertBody()));

        assertEquals(0, requests.get() + badSignatures.get());
    }

    @Test
    void backoffWhenManyAttemptsThenCappedAtTheMaximum() {
        SiemForwarder.RetryPolicy policy = new SiemForwarder.RetryPolicy(10, Duration.ofMillis(250), Duration.ofSeconds(2),
                Duration.ofSeconds(5));
        assertEquals(Duration.ofSeconds(2), policy.backoffAfter(4));
        assertEquals(Duration.ofSeconds(2), policy.backoffAfter(9));
    }

    @Test
    void dispatcherWhenTenantHasAWebhookThenTheMailedAlertIsForwardedWithItsSuppressedCount() throws Exception {
        URI hook = receiver(0, 500);
        String withWebhook = world.tenant(AlertingTestbed.settings(List.of(), Duration.ofMinutes(15), hook.toString()),
                Map.of("root@acme.test", List.of("tenant_admin")));
        secrets.createSecret(r -> r.name("tollgate/siem/" + withWebhook).secretString(KEY));
        AlertDispatcher dispatcher = world.dispatcher(world.mails::add, keys(), sleeps::add);

        dispatcher.dispatch(world.alert(withWebhook, AuditSeverity.HIGH, "rule-x", "ip:198.51.100.1", "event:a"));
        dispatcher.dispatch(world.alert(withWebhook, AuditSeverity.HIGH, "rule-x", "ip:198.51.100.1", "event:b"));
        world.bed.clock.advance(Duration.ofMinutes(15));
        AlertDispatcher.Outcome last = dispatcher.dispatch(world.alert(withWebhook, AuditSeverity.HIGH, "rule-x",
                "ip:198.51.100.1", "event:c"));

        assertEquals(java.util.Optional.of(SiemForwarder.Result.DELIVERED), last.siem());
        assertEquals(2, received.size(), "what is mailed is forwarded; the suppressed repeat is not");
        assertEquals(1, received.get(1).get("suppressed_repeats").asLong());
        assertEquals("event:c", received.get(1).get("reference").asText());
        assertTrue(received.get(1).get("evidence").has("failures"));
    }

    @Test
    void forwardRefusedOrUnreachableThenTheLogNamesTenantAndOutcomeButNeitherKeyNorUrlNorBody() throws Exception {
        URI refusing = receiver(100, 400);
        try (LogCapture logs = LogCapture.start()) {
            forwarder().forward(tenant, refusing, alertBody());
            forwarder().forward(tenant, URI.create("http://127.0.0.1:9/unreachable-hook"), alertBody());

            assertTrue(logs.lines().stream().anyMatch(line -> line.contains(tenant)), String.join("\n", logs.lines()));
            assertEquals(List.of(), logs.linesContaining(KEY));
            assertEquals(List.of(), logs.linesContaining("/hook"));
            assertEquals(List.of(), logs.linesContaining("203.0.113.7"), "the alert body stays out of the log");
        }
    }

    @Test
    void forwardWhenTheNameNowResolvesToAPrivateAddressThenRefusedUnsentAndLoggedWithoutTheUrl() throws Exception {
        URI hook = receiver(0, 204);
        // The receiver listens on 127.0.0.1; the tenant's URL names it by a host that resolves there now.
        URI rebound = URI.create("http://siem.rebind.example:" + hook.getPort() + "/hook?token=s3cret");
        io.tollgate.net.WebhookTargets publicOnly = io.tollgate.net.WebhookTargets.publicOnly(host -> {
            if (!host.equals("siem.rebind.example")) {
                throw new java.net.UnknownHostException(host);
            }
            return List.of(java.net.InetAddress.getByName("127.0.0.1"));
        });
        try (LogCapture logs = LogCapture.start()) {
            assertEquals(SiemForwarder.Result.NOT_PUBLIC, forwarder(publicOnly).forward(tenant, rebound, alertBody()));
            assertEquals(List.of(), received, "nothing reached the private address");
            assertTrue(logs.linesContaining(tenant).stream().anyMatch(line -> line.contains("not_public")),
                    String.join("\n", logs.lines()));
            assertEquals(List.of(), logs.linesContaining("rebind"));
            assertEquals(List.of(), logs.linesContaining("s3cret"));
        }
    }

    /**
     * The real EMF line a failed forward writes, read the way CloudWatch reads it, must carry exactly the
     * namespace, metric and dimension values {@code SiemForwardFailuresAlarm} watches in template.yaml;
     * otherwise the alarm can never fire.
     */
    @Test
    @SuppressWarnings("unchecked")
    void dispatcherWhenForwardRefusedThenItsEmfLineIsTheMetricTheSiemAlarmWatches() throws Exception {
        URI refusing = receiver(100, 400);
        String withWebhook = world.tenant(AlertingTestbed.settings(List.of(), Duration.ofMinutes(15), refusing.toString()),
                Map.of("root@acme.test", List.of("tenant_admin")));
        secrets.createSecret(r -> r.name("tollgate/siem/" + withWebhook).secretString(KEY));
        java.io.ByteArrayOutputStream stdout = new java.io.ByteArrayOutputStream();
        io.tollgate.observability.EmbeddedMetrics emf = new io.tollgate.observability.EmbeddedMetrics(
                new java.io.PrintStream(stdout, true, StandardCharsets.UTF_8), world.bed.clock, "tollgate-AnomalyDetectionFunction-X1Y2");
        AlertDispatcher dispatcher = world.dispatcher(world.mails::add, keys(), sleeps::add, emf);

        assertEquals(java.util.Optional.of(SiemForwarder.Result.REFUSED), dispatcher.dispatch(world.alert(withWebhook,
                AuditSeverity.HIGH, "rule-x", "ip:198.51.100.1", "event:a")).siem());

        Map<String, Object> alarm = (Map<String, Object>) io.tollgate.devkit.SamTemplate.findFrom(java.nio.file.Path.of("")
                .toAbsolutePath()).resources().get("SiemForwardFailuresAlarm").get("Properties");
        String metric = (String) alarm.get("MetricName");
        JsonNode line = stdout.toString(StandardCharsets.UTF_8).lines().map(text -> {
            try {
                return Json.mapper().readTree(text);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).filter(node -> node.has(metric)).findFirst().orElseThrow(() -> new AssertionError("no EMF line has " + metric));
        JsonNode directive = line.get("_aws").get("CloudWatchMetrics").get(0);
        assertEquals(alarm.get("Namespace"), directive.get("Namespace").asText());
        List<String> emitted = new java.util.ArrayList<>();
        directive.get("Dimensions").get(0).forEach(name -> emitted.add(name.asText()));
        Map<String, String> watched = new java.util.LinkedHashMap<>();
        for (Map<String, Object> dimension : (List<Map<String, Object>>) alarm.get("Dimensions")) {
            watched.put((String) dimension.get("Name"), (String) dimension.get("Value"));
        }
        assertEquals(java.util.Set.copyOf(watched.keySet()), java.util.Set.copyOf(emitted), "the alarm's dimension set");
        watched.forEach((name, value) -> assertEquals(value, line.get(name).asText(), "dimension " + name));
        assertTrue(line.get(metric).asDouble() >= (Double.valueOf(String.valueOf(alarm.get("Threshold")))), "one failure reaches the threshold");
    }
}
