package io.tollgate.alerting;

import io.tollgate.net.WebhookTargets;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.tollgate.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards an alert to a tenant's SIEM webhook (ADR 0042): {@code POST} of the alert's JSON with
 * {@code X-Tollgate-Timestamp} (epoch seconds) and {@code X-Tollgate-Signature:
 * sha256=<hex HMAC-SHA256(key, timestamp + "." + body)>}, so the receiver checks origin, integrity
 * and freshness (reject old timestamps) with one HMAC. Redirects are not followed. Network errors,
 * 429 and 5xx are retried with exponential backoff up to {@link RetryPolicy#attempts()}; other
 * answers are final. The log names the tenant and the outcome, never the URL, body or key.
 * Before each send the host must resolve to public addresses only ({@link WebhookTargets}):
 * a name re-pointed at a private address after it was configured is refused, not called.
 */
public final class SiemForwarder {

    private static final Logger LOG = LoggerFactory.getLogger(SiemForwarder.class);
    public static final String SIGNATURE_HEADER = "X-Tollgate-Signature";
    public static final String TIMESTAMP_HEADER = "X-Tollgate-Timestamp";

    /** How a forward ended. */
    public enum Result {
        DELIVERED, REFUSED, UNREACHABLE, NO_KEY,
        /** The host resolves to a loopback, link-local or private address (outside the local runtime). */
        NOT_PUBLIC
    }

    /** Waits between attempts; tests pass one that records instead of sleeping. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;

        static Sleeper system() {
            return duration -> Thread.sleep(duration.toMillis());
        }
    }

    /** Bounded exponential backoff: {@code firstBackoff}, doubled after each failed attempt, capped at {@code maxBackoff}. */
    public record RetryPolicy(int attempts, Duration firstBackoff, Duration maxBackoff, Duration requestTimeout) {

        public RetryPolicy {
            if (attempts < 1 || attempts > 10) {
                throw new IllegalArgumentException("attempts must be 1..10");
            }
            Objects.requireNonNull(firstBackoff, "firstBackoff");
            Objects.requireNonNull(maxBackoff, "maxBackoff");
            Objects.requireNonNull(requestTimeout, "requestTimeout");
        }

        /** 4 attempts, waiting 250 ms, 500 ms, 1 s between them; 5 s per request. */
        public static RetryPolicy defaults() {
            return new RetryPolicy(4, Duration.ofMillis(250), Duration.ofSeconds(2), Duration.ofSeconds(5));
        }

        /** The wait after failed attempt {@code n} (1-based). */
        public Duration backoffAfter(int attempt) {
            Duration wait = firstBackoff.multipliedBy(1L << Math.min(attempt - 1, 20));
            return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
        }
    }

    private final HttpClient http;
    private final SiemKeys keys;
    private final Clock clock;
    private final Sleeper sleeper;
    private final RetryPolicy retry;
    private final WebhookTargets targets;

    public SiemForwarder(HttpClient http, SiemKeys keys, Clock clock, Sleeper sleeper, RetryPolicy retry,
            WebhookTargets targets) {
        this.http = Objects.requireNonNull(http, "http");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.retry = Objects.requireNonNull(retry, "retry");
        this.targets = Objects.requireNonNull(targets, "targets");
    }

    /** A client that follows no redirect and gives up connecting after 2 s. */
    public static HttpClient defaultClient() {
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(2)).build();
    }

    /**
     * Sends {@code payload} (an alert object, or the array of a trail batch) as JSON, signed with
     * the tenant's key; {@link Result#DELIVERED} only on a 2xx answer.
     */
    public Result forward(String tenantId, URI webhook, Object payload) {
        Optional<byte[]> key = keys.key(tenantId);
        if (key.isEmpty()) {
            LOG.warn("SIEM forward skipped: no signing secret for tenant={}", tenantId);
            return Result.NO_KEY;
        }
        Optional<WebhookTargets.Refusal> refusal = targets.checkBeforeSend(webhook);
        if (refusal.isPresent()) {
            LOG.warn("SIEM forward refused: the webhook host is not a public address tenant={} reason={}", tenantId,
                    refusal.get().name().toLowerCase(java.util.Locale.ROOT));
            return Result.NOT_PUBLIC;
        }
        byte[] body;
        try {
            body = Json.mapper().writeValueAsBytes(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A SIEM payload is not JSON", e);
        }
        for (int attempt = 1; attempt <= retry.attempts(); attempt++) {
            String timestamp = Long.toString(clock.instant().getEpochSecond());
            HttpRequest request = HttpRequest.newBuilder(webhook).timeout(retry.requestTimeout())
                    .header("Content-Type", "application/json")
                    .header(TIMESTAMP_HEADER, timestamp)
                    .header(SIGNATURE_HEADER, signature(key.get(), timestamp, body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            int status;
            try {
                status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException e) {
                status = -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Result.UNREACHABLE;
            }
            if (status >= 200 && status < 300) {
                return Result.DELIVERED;
            }
            boolean retryable = status == -1 || status == 429 || status >= 500;
            if (!retryable) {
                LOG.warn("SIEM webhook refused a request tenant={} status={}", tenantId, status);
                return Result.REFUSED;
            }
            if (attempt < retry.attempts()) {
                try {
                    sleeper.sleep(retry.backoffAfter(attempt));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Result.UNREACHABLE;
                }
            }
        }
        LOG.warn("SIEM webhook unreachable after {} attempts tenant={}", retry.attempts(), tenantId);
        return Result.UNREACHABLE;
    }

    /** {@code sha256=} + hex HMAC-SHA256 over {@code timestamp + "." + body}. */
    public static String signature(byte[] key, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(timestamp.getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) '.');
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is required", e);
        }
    }
}
