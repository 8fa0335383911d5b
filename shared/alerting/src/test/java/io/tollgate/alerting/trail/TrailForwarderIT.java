package io.tollgate.alerting.trail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.tollgate.administration.AdministrationRepository;
import io.tollgate.alerting.AlertDirectory;
import io.tollgate.alerting.SiemForwarder;
import io.tollgate.alerting.SiemKeys;
import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.AuditSeverity;
import io.tollgate.audit.testing.AuditTestbed;
import io.tollgate.devkit.SecretsManagerLocalServer;
import io.tollgate.json.Json;
import io.tollgate.settings.SecuritySettings;
import io.tollgate.settings.SecuritySettings.AlertingSettings;
import io.tollgate.tenant.Tenant;
import io.tollgate.testing.Testbed;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
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
 * The trail forward against DynamoDB Local (a real chain, real cursors) and a loopback receiver
 * that verifies each request's signature the way a SIEM would (its own HMAC, constant-time
 * compare, fresh timestamp) and can be told to fail.
 */
class TrailForwarderIT {

    private static final String KEY = "siem-key-0123456789-abcdefghijklmnopqrstuvwxyz";

    private static SecretsManagerLocalServer secretsServer;
    private static SecretsManagerClient secrets;

    private final AuditTestbed world = new AuditTestbed();
    private final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger badSignatures = new AtomicInteger();
    private final AtomicInteger refusedRequests = new AtomicInteger();
    private final AtomicBoolean failing = new AtomicBoolean();
    private final TrailCursor cursor = new TrailCursor(Testbed.dynamoDb(), Testbed.TABLES.security(), Duration.ofMinutes(2));
    private HttpServer server;
    private URI hook;

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
    void startReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String timestamp = exchange.getRequestHeaders().getFirst(SiemForwarder.TIMESTAMP_HEADER);
            String signature = exchange.getRequestHeaders().getFirst(SiemForwarder.SIGNATURE_HEADER);
            boolean valid = signature != null && timestamp != null && MessageDigest.isEqual(
                    SiemForwarder.signature(KEY.getBytes(StandardCharsets.UTF_8), timestamp, body)
                            .getBytes(StandardCharsets.US_ASCII), signature.getBytes(StandardCharsets.US_ASCII))
                    && Math.abs(world.testbed.clock.instant().getEpochSecond() - Long.parseLong(timestamp)) < 300;
            int status;
            if (!valid) {
                badSignatures.incrementAndGet();
                status = 401;
            } else if (failing.get()) {
                refusedRequests.incrementAndGet();
                status = 503;
            } else {
                received.add(Json.mapper().readTree(body));
                status = 204;
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        hook = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    }

    @AfterEach
    void stopReceiver() {
        server.stop(0);
    }

    private String tenant(boolean forwardAll) {
        String id = "t-" + UUID.randomUUID().toString().substring(0, 8);
        world.testbed.services.userDirectory().createTenant(new Tenant(id, "Acme", Tenant.Status.ACTIVE,
                SecuritySettings.defaults().withAlerting(new AlertingSettings(List.of(), Duration.ofMinutes(15),
                        hook.toString(), forwardAll))), world.testbed.clock.instant());
        secrets.createSecret(r -> r.name("tollgate/siem/" + id).secretString(KEY));
        return id;
    }

    private void chain(String tenant, int count) {
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(new AuditEvent(world.testbed.clock.instant(), UUID.randomUUID().toString(),
                    i % 2 == 0 ? "auth_failure" : "login_success", i % 2 == 0 ? AuditSeverity.CRITICAL : AuditSeverity.HIGH,
                    "u-" + i, tenant, null, "203.0.113.9", "curl/8", null, null, i % 2 == 0 ? "failure" : "success",
                    Map.of(), List.of("pci"), "tollgate"));
        }
        world.audit.chains().append(tenant, events);
    }

    private TrailForwarder forwarder() {
        SiemForwarder siem = new SiemForwarder(HttpClient.newHttpClient(), new SiemKeys(() -> secrets, "tollgate/siem/",
                world.testbed.clock, Duration.ofMinutes(5)), world.testbed.clock, duration -> {
                }, SiemForwarder.RetryPolicy.defaults(), io.tollgate.net.WebhookTargets.anyAddress());
        return new TrailForwarder(world.audit.chains(), new AlertDirectory(AdministrationRepository.of(world.testbed.services),
                world.testbed.clock), cursor, siem, world.testbed.metrics, world.testbed.clock, new SecureRandom(),
                Duration.ofSeconds(50));
    }

    /** The chain positions the receiver acknowledged for {@code tenant}, in arrival order. */
    private List<Long> sequences(String tenant) {
        List<Long> sequences = new ArrayList<>();
        for (JsonNode body : received) {
            assertTrue(body.isArray(), "a trail request is a JSON array of OCSF events");
            for (JsonNode event : body) {
                if (tenant.equals(event.at("/metadata/tenant_uid").asText())) {
                    sequences.add(event.at("/metadata/sequence").asLong());
                }
            }
        }
        return sequences;
    }

    private static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    @Test
    void runWhenTenantOptedInThenEveryEventOnceInChainOrderSignedAndTheCursorAtTheHead() {
        String tenant = tenant(true);
        chain(tenant, 120);

        forwarder().run();

        assertEquals(0, badSignatures.get());
        assertEquals(range(1, 120), sequences(tenant));
        assertEquals(3, received.size(), "batches of at most " + TrailForwarder.BATCH);
        JsonNode first = received.get(0).get(0);
        assertEquals(3002, first.get("class_uid").asInt());
        assertEquals(2, first.get("status_id").asInt());
        assertEquals("auth_failure", first.at("/unmapped/tollgate/event_type").asText());
        assertEquals(first.at("/metadata/uid").asText(), first.at("/unmapped/tollgate/event_id").asText());
        assertEquals(120, cursor.position(tenant));

        chain(tenant, 3);
        forwarder().run();

        assertEquals(range(1, 123), sequences(tenant), "the next run sends only what was chained since");
    }

    @Test
    void runWhenSendFailsThenTheCursorStaysAndTheNextRunResendsFromItWithNothingSkipped() {
        String tenant = tenant(true);
        chain(tenant, 60);
        failing.set(true);

        TrailForwarder.RunReport failed = forwarder().run();

        assertTrue(failed.failed() >= 1);
        assertEquals(SiemForwarder.RetryPolicy.defaults().attempts(), refusedRequests.get(),
                "one batch tried with the webhook's retries, the rest not sent");
        assertEquals(List.of(), sequences(tenant));
        assertEquals(0, cursor.position(tenant));
        assertTrue(world.testbed.metrics.of("SiemTrailForwardFailures").size() >= 1);

        failing.set(false);
        chain(tenant, 5);
        forwarder().run();

        assertEquals(range(1, 65), sequences(tenant));
        assertEquals(65, cursor.position(tenant));
    }

    @Test
    void runWhenReceiverFailsMidwayThenAcknowledgedBatchesStayForwardedAndTheRestFollowsInOrder() {
        String tenant = tenant(true);
        chain(tenant, 50);
        forwarder().run();
        chain(tenant, 50);
        failing.set(true);
        forwarder().run();
        assertEquals(50, cursor.position(tenant), "the cursor stays at the last acknowledged batch");

        failing.set(false);
        forwarder().run();

        assertEquals(range(1, 100), sequences(tenant));
    }

    @Test
    void runWhenTenantHasAWebhookButNoOptInThenNothingOfItsTrailIsSent() {
        String tenant = tenant(false);
        chain(tenant, 10);

        forwarder().run();

        assertEquals(List.of(), sequences(tenant));
        assertEquals(0, cursor.position(tenant));
    }

    @Test
    void runWhenAnotherRunHoldsTheTenantsLeaseThenItWaitsUntilTheLeaseExpires() {
        String tenant = tenant(true);
        chain(tenant, 4);
        assertTrue(cursor.claim(tenant, "other-run", world.testbed.clock.instant()).isPresent());

        TrailForwarder.RunReport busy = forwarder().run();

        assertTrue(busy.busy() >= 1);
        assertEquals(List.of(), sequences(tenant));

        world.testbed.clock.advance(Duration.ofMinutes(2));
        forwarder().run();

        assertEquals(range(1, 4), sequences(tenant));
    }

    @Test
    void advanceWhenLeaseLostOrPositionMovedThenRefused() {
        String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
        TrailCursor.Lease mine = cursor.claim(tenant, "mine", world.testbed.clock.instant()).orElseThrow();
        TrailCursor.Lease moved = cursor.advance(mine, 5, world.testbed.clock.instant()).orElseThrow();

        assertTrue(cursor.advance(mine, 7, world.testbed.clock.instant()).isEmpty(), "a stale position is refused");
        world.testbed.clock.advance(Duration.ofMinutes(3));
        TrailCursor.Lease theirs = cursor.claim(tenant, "theirs", world.testbed.clock.instant()).orElseThrow();

        assertTrue(cursor.advance(moved, 9, world.testbed.clock.instant()).isEmpty(), "a lost lease is refused");
        assertEquals(5, theirs.seq());
        assertEquals(5, cursor.position(tenant));
    }
}
