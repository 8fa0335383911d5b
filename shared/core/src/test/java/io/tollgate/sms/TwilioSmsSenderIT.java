package io.tollgate.sms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.tollgate.devkit.SecretsManagerLocalServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The production SMS adapter against a loopback fake of the Twilio Messages API (which checks
 * Basic authentication and the form fields like the real one) with its credentials read by the
 * real Secrets Manager SDK client from the Secrets Manager protocol fake: the request it sends,
 * the credential handling and the failure mapping, which never carries the number or the code.
 */
class TwilioSmsSenderIT {

    private static final String SID = "AC0123456789abcdef0123456789abcdef";
    private static final String TOKEN = "auth-token-9f8e7d";
    private static final String TO = "+447700900123";
    private static final String CODE_TEXT = "Your Acme sign-in code is 482913.";

    private HttpServer twilio;
    private SecretsManagerLocalServer secretsServer;
    private SecretsManagerClient secrets;
    private final List<Map<String, String>> accepted = new CopyOnWriteArrayList<>();
    private final AtomicInteger forcedStatus = new AtomicInteger(0);
    private final AtomicReference<String> expectedToken = new AtomicReference<>(TOKEN);
    private final AtomicInteger requests = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        twilio = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        twilio.createContext("/", exchange -> {
            requests.incrementAndGet();
            String expectedAuth = "Basic " + Base64.getEncoder().encodeToString((SID + ":" + expectedToken.get())
                    .getBytes(StandardCharsets.UTF_8));
            String path = exchange.getRequestURI().getPath();
            Map<String, String> form = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            int status;
            String answer;
            if (!expectedAuth.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                status = 401;
                answer = "{\"code\":20003,\"message\":\"Authenticate\",\"status\":401}";
            } else if (!"POST".equals(exchange.getRequestMethod())
                    || !path.equals("/2010-04-01/Accounts/" + SID + "/Messages.json")) {
                status = 404;
                answer = "{\"code\":20404,\"status\":404}";
            } else if (!exchange.getRequestHeaders().getFirst("Content-Type").startsWith("application/x-www-form-urlencoded")
                    || !form.keySet().equals(java.util.Set.of("To", "From", "Body"))) {
                status = 400;
                answer = "{\"code\":21602,\"message\":\"Message body is required.\",\"status\":400}";
            } else if (form.get("To").startsWith("+1900")) {
                status = 400;
                answer = "{\"code\":21211,\"message\":\"The 'To' number " + form.get("To") + " is not a valid phone number.\","
                        + "\"status\":400}";
            } else if (forcedStatus.get() != 0) {
                status = forcedStatus.get();
                answer = "{\"code\":20500,\"message\":\"Internal error for " + form.get("To") + "\",\"status\":" + status + "}";
            } else {
                accepted.add(form);
                status = 201;
                answer = "{\"sid\":\"SM1\",\"status\":\"queued\"}";
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        twilio.start();
        secretsServer = SecretsManagerLocalServer.inMemory();
        secrets = SecretsManagerClient.builder().endpointOverride(secretsServer.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("k", "s")))
                .httpClient(UrlConnectionHttpClient.create()).build();
        secrets.createSecret(r -> r.name("sms-provider")
                .secretString("{\"account_sid\":\"" + SID + "\",\"auth_token\":\"" + TOKEN + "\"}"));
    }

    @AfterEach
    void stop() {
        secrets.close();
        secretsServer.close();
        twilio.stop(0);
    }

    private TwilioSmsSender sender(String secretId) {
        return new TwilioSmsSender(HttpClient.newHttpClient(),
                URI.create("http://127.0.0.1:" + twilio.getAddress().getPort()), "+15005550006",
                TwilioSmsSender.fromSecretsManager(secrets, secretId), Duration.ofSeconds(5));
    }

    @Test
    void sendWhenAcceptedThenFormWithToFromBodyAndBasicAuthFromTheSecret() {
        sender("sms-provider").send(new SmsMessage(TO, CODE_TEXT));
        assertEquals(1, accepted.size());
        assertEquals(Map.of("To", TO, "From", "+15005550006", "Body", CODE_TEXT), accepted.getFirst());
    }

    @Test
    void sendWhenCredentialsRotatedThenRefusedOnceAndSecretReadAgain() {
        TwilioSmsSender sender = sender("sms-provider");
        sender.send(new SmsMessage(TO, CODE_TEXT));
        expectedToken.set("rotated-token");
        secrets.putSecretValue(r -> r.secretId("sms-provider")
                .secretString("{\"account_sid\":\"" + SID + "\",\"auth_token\":\"rotated-token\"}"));
        SmsSender.SmsUnavailableException refused = assertThrows(SmsSender.SmsUnavailableException.class,
                () -> sender.send(new SmsMessage(TO, CODE_TEXT)));
        assertTrue(refused.getMessage().contains("HTTP 401"), refused.getMessage());
        assertTrue(refused.getMessage().contains("code 20003"), refused.getMessage());
        sender.send(new SmsMessage(TO, CODE_TEXT));
        assertEquals(2, accepted.size());
    }

    @Test
    void sendWhenNumberRefusedThenRejectedWithoutNumberOrCode() {
        SmsSender.SmsRejectedException rejected = assertThrows(SmsSender.SmsRejectedException.class,
                () -> sender("sms-provider").send(new SmsMessage("+19005550100", CODE_TEXT)));
        assertTrue(rejected.getMessage().contains("HTTP 400, code 21211"), rejected.getMessage());
        assertNoSecretIn(rejected.getMessage(), "+19005550100");
    }

    @Test
    void sendWhenProviderFailsThenUnavailableWithoutNumberOrCode() {
        forcedStatus.set(503);
        SmsSender.SmsUnavailableException failed = assertThrows(SmsSender.SmsUnavailableException.class,
                () -> sender("sms-provider").send(new SmsMessage(TO, CODE_TEXT)));
        assertTrue(failed.getMessage().contains("HTTP 503, code 20500"), failed.getMessage());
        assertNoSecretIn(failed.getMessage(), TO);
    }

    @Test
    void sendWhenProviderUnreachableThenUnavailable() {
        TwilioSmsSender sender = sender("sms-provider");
        twilio.stop(0);
        assertThrows(SmsSender.SmsUnavailableException.class, () -> sender.send(new SmsMessage(TO, CODE_TEXT)));
    }

    @Test
    void sendWhenSecretMissingOrMalformedThenUnavailableAndNothingSent() {
        SmsSender.SmsUnavailableException missing = assertThrows(SmsSender.SmsUnavailableException.class,
                () -> sender("no-such-secret").send(new SmsMessage(TO, CODE_TEXT)));
        assertTrue(missing.getMessage().contains("ResourceNotFoundException"), missing.getMessage());
        secrets.createSecret(r -> r.name("malformed").secretString("{\"account_sid\":\"" + SID + "\"}"));
        SmsSender.SmsUnavailableException malformed = assertThrows(SmsSender.SmsUnavailableException.class,
                () -> sender("malformed").send(new SmsMessage(TO, CODE_TEXT)));
        assertFalse(malformed.getMessage().contains(SID), "the secret's content is not echoed");
        assertEquals(0, requests.get());
    }

    @Test
    void constructWhenPlainHttpToARemoteHostThenRefused() {
        assertThrows(IllegalArgumentException.class, () -> new TwilioSmsSender(HttpClient.newHttpClient(),
                URI.create("http://api.twilio.com"), "+15005550006", () -> null, Duration.ofSeconds(1)));
        assertEquals("Credentials[<redacted>]", new TwilioSmsSender.Credentials(SID, TOKEN).toString());
        assertFalse(new SmsMessage(TO, CODE_TEXT).toString().contains("482913"));
        assertFalse(new SmsMessage(TO, CODE_TEXT).toString().contains("900123"));
    }

    private static void assertNoSecretIn(String message, String number) {
        assertFalse(message.contains(number), message);
        assertFalse(message.contains(number.substring(1)), message);
        assertFalse(message.contains("482913"), message);
        assertFalse(message.contains(TOKEN), message);
    }

    private static Map<String, String> form(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        if (body.isEmpty()) {
            return out;
        }
        for (String pair : body.split("&")) {
            String[] parts = pair.split("=", 2);
            out.put(URLDecoder.decode(parts[0], StandardCharsets.UTF_8),
                    parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "");
        }
        return out;
    }
}
