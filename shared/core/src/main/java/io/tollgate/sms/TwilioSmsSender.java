package io.tollgate.sms;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

/**
 * {@link SmsSender} over a Twilio-compatible REST API: {@code POST
 * {base}/2010-04-01/Accounts/{AccountSid}/Messages.json} with the form fields {@code To},
 * {@code From} and {@code Body} and HTTP Basic authentication (account SID : auth token), over the
 * JDK {@link HttpClient}. The credentials come from a Secrets Manager secret
 * ({@code {"account_sid": ..., "auth_token": ...}}), read at the first send and kept for the
 * container's life; a 401 drops them so the next send reads the secret again (rotation).
 *
 * <p>Failures are mapped without the recipient, the body or the provider's message (which may
 * echo the number): only the HTTP status and the provider's numeric error code.
 * HTTP 400 is {@link SmsRejectedException}; anything else that is not 2xx, and transport errors,
 * are {@link SmsUnavailableException}. Thread-safe.
 */
public final class TwilioSmsSender implements SmsSender {

    /** Twilio's API host; a compatible provider is configured with its own base URL. */
    public static final URI DEFAULT_BASE = URI.create("https://api.twilio.com");

    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "[::1]");

    /** The account SID and auth token; never shown. */
    public record Credentials(String accountSid, String authToken) {
        public Credentials {
            if (accountSid == null || !accountSid.matches("[A-Za-z0-9]{2,64}")) {
                throw new IllegalArgumentException("The SMS account SID is missing or malformed");
            }
            if (authToken == null || authToken.isBlank()) {
                throw new IllegalArgumentException("The SMS auth token is missing");
            }
        }

        @Override
        public String toString() {
            return "Credentials[<redacted>]";
        }
    }

    private final HttpClient http;
    private final URI base;
    private final String from;
    private final Supplier<Credentials> source;
    private final Duration timeout;
    private volatile Credentials credentials;

    /**
     * @param http        created once per container
     * @param base        the API base URL: https, or http on loopback only (tests)
     * @param from        the sender: an E.164 number (or a messaging-service id of the provider)
     * @param credentials where the credentials are read from (once, and again after a 401)
     * @param timeout     per request
     */
    public TwilioSmsSender(HttpClient http, URI base, String from, Supplier<Credentials> credentials,
            Duration timeout) {
        this.http = Objects.requireNonNull(http, "http");
        this.base = Objects.requireNonNull(base, "base");
        this.from = Objects.requireNonNull(from, "from");
        this.source = Objects.requireNonNull(credentials, "credentials");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        boolean https = "https".equals(base.getScheme());
        boolean loopbackHttp = "http".equals(base.getScheme()) && LOOPBACK.contains(base.getHost());
        if (!https && !loopbackHttp) {
            throw new IllegalArgumentException("The SMS API base URL must be https");
        }
        if (from.isBlank()) {
            throw new IllegalArgumentException("The SMS sender must not be blank");
        }
    }

    /** The credentials in a Secrets Manager secret {@code {"account_sid","auth_token"}}, read on each call. */
    public static Supplier<Credentials> fromSecretsManager(SecretsManagerClient secrets, String secretId) {
        Objects.requireNonNull(secrets, "secrets");
        Objects.requireNonNull(secretId, "secretId");
        return () -> {
            String value;
            try {
                value = secrets.getSecretValue(r -> r.secretId(secretId)).secretString();
            } catch (SdkException e) {
                String code = e instanceof SecretsManagerException sm && sm.awsErrorDetails() != null
                        ? sm.awsErrorDetails().errorCode() : e.getClass().getSimpleName();
                throw new SmsUnavailableException("The SMS provider credentials are unavailable (" + code + ")", e);
            }
            try {
                JsonNode json = Json.mapper().readTree(value == null ? "" : value);
                return new Credentials(json.path("account_sid").asText(null), json.path("auth_token").asText(null));
            } catch (IOException | IllegalArgumentException e) {
                // The secret's content is never part of the message.
                throw new SmsUnavailableException("The SMS provider secret is not {\"account_sid\",\"auth_token\"}",
                        null);
            }
        };
    }

    @Override
    public void send(SmsMessage message) {
        Objects.requireNonNull(message, "message");
        Credentials current = credentials();
        Map<String, String> form = new LinkedHashMap<>();
        form.put("To", message.to());
        form.put("From", from);
        form.put("Body", message.text());
        String body = form.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        String basic = Base64.getEncoder().encodeToString((current.accountSid() + ":" + current.authToken())
                .getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(messagesUri(current.accountSid()))
                .timeout(timeout)
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new SmsUnavailableException("The SMS provider could not be reached (" + e.getClass().getSimpleName()
                    + ")", null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SmsUnavailableException("Interrupted while sending an SMS", null);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return;
        }
        String detail = "HTTP " + status + providerCode(response.body());
        if (status == 401 || status == 403) {
            credentials = null;
            throw new SmsUnavailableException("The SMS provider refused the credentials (" + detail + ")", null);
        }
        if (status == 400) {
            throw new SmsRejectedException("The SMS provider refused the message (" + detail + ")");
        }
        throw new SmsUnavailableException("The SMS provider failed (" + detail + ")", null);
    }

    private Credentials credentials() {
        Credentials current = credentials;
        if (current == null) {
            current = source.get();
            credentials = current;
        }
        return current;
    }

    private URI messagesUri(String accountSid) {
        String root = base.toString().endsWith("/") ? base.toString().substring(0, base.toString().length() - 1)
                : base.toString();
        return URI.create(root + "/2010-04-01/Accounts/" + accountSid + "/Messages.json");
    }

    /** {@code ", code 21211"} from a Twilio error body; only the number, never the message. */
    private static String providerCode(String body) {
        try {
            JsonNode code = Json.mapper().readTree(body == null ? "" : body).path("code");
            return code.canConvertToLong() ? ", code " + code.asLong() : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "TwilioSmsSender[base=" + base + "]";
    }
}
