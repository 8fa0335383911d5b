package io.tollgate.devkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;

/**
 * The AWS JSON protocol 1.1 on loopback, shared by the local stand-ins of AWS
 * services ({@link SecretsManagerLocalServer}, {@link KmsLocalServer}):
 * one {@code POST /} per call, the
 * operation in {@code X-Amz-Target}, JSON in and out, service errors as HTTP 400 with
 * {@code __type} and {@code message} (what the SDK v2 reads into its typed exceptions), and a
 * switch that makes every call fail with 503 as an outage would. Never deployed.
 */
abstract class AwsJsonProtocolServer implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final String serviceName;
    private final String contentType;
    private volatile boolean available = true;

    /** A service error: its AWS error type and message. */
    static final class ApiError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String type;

        ApiError(String type, String message) {
            super(message, null, false, false);
            this.type = type;
        }
    }

    AwsJsonProtocolServer(String serviceName, String threadName, int threads) {
        this.serviceName = serviceName;
        this.contentType = "application/x-amz-json-1.1";
        try {
            server = HttpServer.create(new InetSocketAddress(DynamoDbLocalServer.HOST, 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot bind the local " + serviceName, e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        }));
    }

    /** Starts serving; called by the subclass once its state is ready. */
    final void serve() {
        server.start();
    }

    /**
     * Answers one call: {@code target} is the {@code X-Amz-Target} header (empty when absent).
     *
     * @throws ApiError for a service error (HTTP 400)
     */
    abstract ObjectNode operation(String target, JsonNode body);

    public URI endpoint() {
        return URI.create("http://" + DynamoDbLocalServer.HOST + ":" + server.getAddress().getPort());
    }

    /** Makes every call fail with HTTP 503, as an outage would. */
    public void setAvailable(boolean available) {
        this.available = available;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!available) {
                respond(exchange, 503, error("ServiceUnavailable", "local " + serviceName + " is switched off"));
                return;
            }
            String target = Optional.ofNullable(exchange.getRequestHeaders().getFirst("X-Amz-Target")).orElse("");
            JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
            ObjectNode result;
            try {
                result = operation(target, body);
            } catch (ApiError e) {
                respond(exchange, 400, error(e.type, e.getMessage()));
                return;
            }
            respond(exchange, 200, result);
        }
    }

    private static ObjectNode error(String type, String message) {
        ObjectNode out = JSON.createObjectNode();
        out.put("__type", type);
        out.put("message", message);
        return out;
    }

    private void respond(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
