package io.tollgate.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.tollgate.json.Json;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/**
 * The production mail adapter with the real SES v2 SDK client against a small SES protocol fake
 * on loopback: the request it sends, and the failure mapping.
 */
class SesMailSenderIT {

    private HttpServer server;
    private final List<String> paths = new CopyOnWriteArrayList<>();
    private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
    private final AtomicInteger status = new AtomicInteger(200);
    private SesV2Client client;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            paths.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
            bodies.add(Json.mapper().readTree(exchange.getRequestBody().readAllBytes()));
            byte[] answer = (status.get() == 200 ? "{\"MessageId\":\"local-1\"}"
                    : "{\"message\":\"Email address is not verified.\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            if (status.get() != 200) {
                exchange.getResponseHeaders().add("x-amzn-ErrorType", "MessageRejected");
            }
            exchange.sendResponseHeaders(status.get(), answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        client = SesV2Client.builder().endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.retryStrategy(r -> r.maxAttempts(1))).build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.stop(0);
    }

    @Test
    void sendWhenAcceptedThenSimpleTextMailFromTheConfiguredSender() {
        new SesMailSender(client, "no-reply@tollgate.example")
                .send(new MailMessage("alice@acme.test", "Acme sign-in code", "Your code is 123456."));
        assertEquals(List.of("POST /v2/email/outbound-emails"), paths);
        JsonNode body = bodies.getFirst();
        assertEquals("no-reply@tollgate.example", body.get("FromEmailAddress").asText());
        assertEquals("alice@acme.test", body.at("/Destination/ToAddresses/0").asText());
        assertEquals("Acme sign-in code", body.at("/Content/Simple/Subject/Data").asText());
        assertEquals("Your code is 123456.", body.at("/Content/Simple/Body/Text/Data").asText());
    }

    @Test
    void sendWhenSesRejectsThenMailUnavailableNamingTheErrorButNotTheMail() {
        status.set(400);
        MailSender.MailUnavailableException failure = assertThrows(MailSender.MailUnavailableException.class,
                () -> new SesMailSender(client, "no-reply@tollgate.example")
                        .send(new MailMessage("alice@acme.test", "Acme sign-in code", "Your code is 123456.")));
        assertTrue(failure.getMessage().contains("MessageRejected"), failure.getMessage());
        assertFalse(failure.getMessage().contains("123456"));
        assertFalse(failure.getMessage().contains("alice@acme.test"));
    }

    @Test
    void messageWhenPrintedThenNoRecipientOrBody() {
        String printed = new MailMessage("alice@acme.test", "Acme sign-in code", "Your code is 123456.").toString();
        assertFalse(printed.contains("123456"));
        assertFalse(printed.contains("alice"));
        assertThrows(IllegalArgumentException.class, () -> new MailMessage("not an address", "s", "t"));
    }
}
