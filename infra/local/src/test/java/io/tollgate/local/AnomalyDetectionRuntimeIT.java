package io.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.lockout.FailureState;
import io.tollgate.platform.TollgateServices;
import io.tollgate.storage.Attributes;
import io.tollgate.storage.Keys;
import io.tollgate.testing.TestClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/**
 * Anomaly detection end to end in the local runtime: failed logins on ten accounts from
 * one address travel login → audit queue → ingest → audit table → stream poller → detection,
 * which blocks the address in the store login reads, chains a {@code security_alert} and mails the
 * tenant's administrator exactly once (outbox).
 */
class AnomalyDetectionRuntimeIT {

    private static final String PASSWORD = "Velvet-Orbit-Quarry-82";

    @TempDir
    Path temp;

    private static String seed() {
        String users = IntStream.rangeClosed(0, 10).mapToObj(i -> "{\"username\":\"user" + i
                + "@acme.test\",\"password\":\"" + PASSWORD + "\",\"roles\":[\"user\"],\"org\":\"risk\"}")
                .collect(Collectors.joining(","));
        String admin = "{\"username\":\"admin@acme.test\",\"email\":\"admin@acme.test\",\"password\":\"" + PASSWORD
                + "\",\"roles\":[\"tenant_admin\"],\"org\":\"risk\"}";
        return "{\"tenants\":[{\"id\":\"acme\",\"name\":\"Acme\",\"organizations\":[{\"id\":\"risk\",\"name\":\"Risk\"}],"
                + "\"users\":[" + users + "," + admin + "]}]}";
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

    @Test
    void failuresOnTenAccountsFromOneAddressThenAddressBlockedAndSecurityAlertChained() throws Exception {
        Path seed = temp.resolve("seed.json");
        Files.writeString(seed, seed());
        try (LocalRuntime runtime = LocalRuntime.start(new RuntimeOptions(0, Optional.empty(), Optional.of(seed),
                Optional.empty()), TollgateServices.builder().clock(TestClock.startingNow()))) {
            LocalHttp http = new LocalHttp(runtime.baseUri());
            for (int i = 1; i <= 10; i++) {
                assertEquals(401, http.post("/v1/auth/login", "{\"tenant\":\"acme\",\"username\":\"user" + i
                        + "@acme.test\",\"password\":\"Wrong-Guess-" + i + "\"}").statusCode());
            }
            String security = runtime.services().config().tables().security();
            Optional<FailureState> blocked = await(() -> Optional.of(FailureState.from(runtime.dynamoDb().getItem(
                    GetItemRequest.builder().tableName(security).key(Keys.ipCounter("acme", "127.0.0.1"))
                            .consistentRead(true).build()).item())).filter(state -> state.lockedUntil().isPresent()));
            assertTrue(blocked.isPresent(), "detection blocked the address in login's IP counter");

            assertNotEquals(200, http.post("/v1/auth/login", "{\"tenant\":\"acme\",\"username\":\"user0@acme.test\","
                    + "\"password\":\"" + PASSWORD + "\"}").statusCode(), "the blocked address cannot log in, even right");

            Optional<Map<String, AttributeValue>> alert = await(() -> runtime.dynamoDb().scan(ScanRequest.builder()
                    .tableName("AuditTable").filterExpression("event_type = :t")
                    .expressionAttributeValues(Map.of(":t", Attributes.s("security_alert"))).build())
                    .items().stream().findFirst());
            assertTrue(alert.isPresent(), "the security_alert event was chained");
            String data = alert.get().get("additional_data").s();
            assertTrue(data.contains("\"rule_id\":\"brute-force-across-accounts\"") && data.contains("\"decision_id\":\"dd_"),
                    data);
            // The decision is marked acted after its alert event and its mail, so wait for the mark.
            Supplier<List<Map<String, AttributeValue>>> scan = () -> runtime.dynamoDb().scan(ScanRequest.builder()
                    .tableName(security).filterExpression("rule_id = :r")
                    .expressionAttributeValues(Map.of(":r", Attributes.s("brute-force-across-accounts"))).build()).items();
            List<Map<String, AttributeValue>> decisions = await(() -> Optional.of(scan.get())
                    .filter(found -> found.size() == 1 && "acted".equals(found.get(0).get("status").s())))
                    .orElseGet(scan);
            assertEquals(1, decisions.size());
            assertEquals("acted", decisions.get(0).get("status").s());

            // ADR 0042: the decision mails the tenant's administrator (no security contacts set) once; the ten
            // failed logins (CRITICAL, counted by the rule) and the security_alert event itself mail nobody.
            Optional<JsonNode> mailed = await(() -> Optional.of(LocalHttp.json(http.get("/_local/outbox", null))
                    .get("messages")).filter(messages -> messages.size() > 0));
            assertTrue(mailed.isPresent(), "the alert was mailed to the outbox");
            Thread.sleep(3 * LocalRuntime.STREAM_POLL_INTERVAL.toMillis() + 1000);
            JsonNode messages = LocalHttp.json(http.get("/_local/outbox", null)).get("messages");
            assertEquals(1, messages.size(), messages.toString());
            JsonNode mail = messages.get(0);
            assertEquals("admin@acme.test", mail.get("to").asText());
            assertEquals("[Tollgate HIGH] brute-force-across-accounts on ip:127.0.0.1 - tenant acme",
                    mail.get("subject").asText());
            String text = mail.get("text").asText();
            assertTrue(text.contains("distinct_accounts: 10") && text.contains("threshold.distinct_accounts: 10"), text);
            assertTrue(text.contains("Action taken: block_ip: 127.0.0.1 refused at login until "), text);
            assertTrue(text.contains("./tollgate explain " + decisions.get(0).get("decision_id").s()), text);
        }
    }
}
