package io.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.devkit.LocalQueue;
import io.tollgate.testing.RecordingAuditPublisher;
import io.tollgate.testing.TestClock;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit trail's integrity over HTTP on the local runtime: Tollgate's own events reach the
 * chain whatever optional request facts the caller sends (or omits), and the dead-lettered
 * events can be listed and replayed.
 */
class AuditIntegrityIT {

    @TempDir
    static Path temp;
    private static LocalRuntime runtime;
    private static LocalHttp http;
    private static LocalQueue queue;
    private static LocalQueue deadLetter;

    @BeforeAll
    static void start() {
        runtime = LocalHttp.startSeeded(temp, LocalHttp.ACME_USER_AND_SUPER_ADMIN_SEED, TestClock.startingNow(),
                new RecordingAuditPublisher());
        http = new LocalHttp(runtime.baseUri());
        queue = runtime.queue("AuditQueue").orElseThrow();
        deadLetter = runtime.queue("AuditDeadLetterQueue").orElseThrow();
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    private static String auditor() {
        return http.login("acme", "jo@acme.test", io.tollgate.testing.Testbed.PASSWORD).get("access_token").asText();
    }

    /** A raw HTTP/1.1 request with exactly {@code headers}: Java's client always adds a User-Agent. */
    private static String rawPost(String path, String headers, String body) throws IOException {
        try (Socket socket = new Socket(runtime.baseUri().getHost(), runtime.baseUri().getPort())) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + headers + "Content-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(bytes);
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void loginWhenFailedWithoutUserAgentThenFailureIsChainedWithUnknownAgentAndNothingDeadLettered() throws Exception {
        int deadBefore = deadLetter.messages().size();
        String answer = rawPost("/v1/auth/login", "", "{\"tenant\":\"acme\",\"username\":\"alice@acme.test\","
                + "\"password\":\"not-her-password-at-all\"}");
        assertTrue(answer.startsWith("HTTP/1.1 401"), answer);

        assertTrue(queue.awaitIdle(Duration.ofSeconds(30)), "the audit queue drains");
        assertEquals(deadBefore, deadLetter.messages().size(), "nothing of Tollgate's own is dead-lettered");
        HttpResponse<String> found = http.get("/v1/audit/events?type=auth_failure&limit=100", auditor());
        assertEquals(200, found.statusCode(), found.body());
        boolean chained = false;
        for (JsonNode event : LocalHttp.json(found).get("events")) {
            chained |= "unknown".equals(event.path("user_agent").asText());
        }
        assertTrue(chained, found.body());
    }

    /** Runs {@code ./tollgate args...} from the repository root; returns its output, asserting exit 0. */
    private static String tollgate(String... args) throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("bash", "tollgate"));
        command.addAll(java.util.List.of(args));
        Process process = new ProcessBuilder(command).directory(Path.of("../..").toAbsolutePath().normalize().toFile())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), output);
        assertEquals(0, process.exitValue(), output);
        return output;
    }

    @Test
    void auditDlqWhenAnOwnEventWasRejectedForAnEmptyAgentThenListedAndReplayChainsIt() throws Exception {
        String eventId = "old-" + java.util.UUID.randomUUID();
        String rejectedBefore = """
                {"timestamp":"%s","event_id":"%s","event_type":"auth_failure","severity":"CRITICAL",
                 "tenant_id":"acme","ip_address":"203.0.113.77","user_agent":"","resource":"auth","action":"login",
                 "result":"failure","additional_data":{"reason":"wrong_password"},"compliance_flags":["pci"]}"""
                .formatted(java.time.Instant.now(), eventId);
        queue.send(rejectedBefore, java.util.Optional.of("acme"), eventId, java.util.Map.of());
        assertTrue(queue.awaitIdle(Duration.ofSeconds(30)));
        String port = Integer.toString(runtime.baseUri().getPort());

        JsonNode listed = io.tollgate.json.Json.mapper().readTree(tollgate("audit", "dlq", "--port", port));
        JsonNode entry = null;
        for (JsonNode message : listed.get("messages")) {
            if (eventId.equals(message.path("event_id").asText())) {
                entry = message;
            }
        }
        assertTrue(entry != null, listed.toString());
        assertTrue(entry.get("reason").asText().contains("empty_field"), entry.toString());
        assertTrue(!listed.toString().contains("203.0.113.77"), "the listing shows no event content");

        JsonNode replayed = io.tollgate.json.Json.mapper().readTree(tollgate("audit", "dlq", "--replay", "--port", port));
        assertTrue(replayed.get("replayed").asInt() >= 1, replayed.toString());
        assertTrue(queue.awaitIdle(Duration.ofSeconds(30)));

        assertEquals(0, deadLetter.messages().stream().filter(m -> m.body().contains(eventId)).count());
        HttpResponse<String> found = http.get("/v1/audit/events?type=auth_failure&limit=100", auditor());
        boolean chained = false;
        for (JsonNode event : LocalHttp.json(found).get("events")) {
            chained |= eventId.equals(event.get("event_id").asText()) && "unknown".equals(event.get("user_agent").asText());
        }
        assertTrue(chained, found.body());
    }
}
