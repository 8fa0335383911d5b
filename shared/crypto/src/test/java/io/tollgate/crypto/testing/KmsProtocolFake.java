package io.tollgate.crypto.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * A small AWS KMS on loopback speaking the real wire protocol (JSON 1.1: {@code POST /},
 * {@code X-Amz-Target: TrentService.<Operation>}, {@code application/x-amz-json-1.1}, Base64
 * blobs, errors as {@code {"__type": ..., "message": ...}}), so {@code KmsDataKeyProvider} is
 * tested through the real SDK {@link KmsClient}: marshalling, error unmarshalling and all.
 *
 * <p>Supports {@code GenerateDataKey} ({@code KeySpec=AES_256} or {@code NumberOfBytes=32}) and
 * {@code Decrypt} for one symmetric key ({@link #KEY_ARN}, also reachable as {@link #KEY_ID} and
 * {@link #ALIAS}). Like KMS it binds the encryption context to the blob: {@code Decrypt} with
 * another context, an altered blob, or another key id fails with
 * {@code InvalidCiphertextException} / {@code IncorrectKeyException}. Signatures are not checked.
 * {@link #setAvailable(boolean) setAvailable(false)} answers every call with
 * {@code 500 KMSInternalException}; {@link #close()} stops the server (connection refused).
 */
public final class KmsProtocolFake implements AutoCloseable {

    public static final String KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab";
    public static final String KEY_ARN = "arn:aws:kms:eu-west-1:111122223333:key/" + KEY_ID;
    public static final String ALIAS = "alias/tollgate-data";

    private static final Set<String> OUR_KEY = Set.of(KEY_ID, KEY_ARN, ALIAS,
            "arn:aws:kms:eu-west-1:111122223333:" + ALIAS);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String JSON_11 = "application/x-amz-json-1.1";
    private static final byte BLOB_VERSION = 1;

    private final HttpServer server;
    private final byte[] masterKey = new byte[32];
    private final SecureRandom random = new SecureRandom();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private volatile boolean available = true;

    private KmsProtocolFake() throws IOException {
        random.nextBytes(masterKey);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts a fake on 127.0.0.1, on a free port. */
    public static KmsProtocolFake start() throws IOException {
        return new KmsProtocolFake();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** A real SDK client for this fake: URL-connection HTTP client, static credentials, no retries. */
    public KmsClient newClient() {
        return KmsClient.builder()
                .endpointOverride(endpoint())
                .region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDFAKE", "fake-secret")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    /** With {@code false}, every call answers {@code 500 KMSInternalException}. */
    public void setAvailable(boolean available) {
        this.available = available;
    }

    /** How many requests for {@code operation} (e.g. {@code "GenerateDataKey"}) arrived, failed ones included. */
    public int calls(String operation) {
        AtomicInteger count = calls.get(operation);
        return count == null ? 0 : count.get();
    }

    /** Every request body received, in order, each with a {@code "_operation"} field added. */
    public List<JsonNode> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readAllBytes();
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            if (!"POST".equals(exchange.getRequestMethod()) || target == null || !target.startsWith("TrentService.")
                    || contentType == null || !contentType.startsWith(JSON_11)) {
                send(exchange, 400, error("UnknownOperationException", "Expected a TrentService JSON 1.1 POST"));
                return;
            }
            String operation = target.substring("TrentService.".length());
            calls.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet();
            ObjectNode request = (ObjectNode) MAPPER.readTree(body);
            request.put("_operation", operation);
            requests.add(request);
            if (!available) {
                send(exchange, 500, error("KMSInternalException", "The fake KMS is unavailable"));
                return;
            }
            switch (operation) {
                case "GenerateDataKey" -> generateDataKey(exchange, request);
                case "Decrypt" -> decrypt(exchange, request);
                default -> send(exchange, 400, error("UnknownOperationException", "Not supported by the fake: " + operation));
            }
        }
    }

    private void generateDataKey(HttpExchange exchange, JsonNode request) throws IOException {
        if (!OUR_KEY.contains(request.path("KeyId").asText())) {
            send(exchange, 400, error("NotFoundException", "Key not found"));
            return;
        }
        boolean aes256 = "AES_256".equals(request.path("KeySpec").asText())
                || request.path("NumberOfBytes").asInt() == 32;
        if (!aes256) {
            send(exchange, 400, error("ValidationException", "Only AES_256 / 32 bytes is supported"));
            return;
        }
        byte[] dataKey = new byte[32];
        random.nextBytes(dataKey);
        byte[] nonce = new byte[12];
        random.nextBytes(nonce);
        byte[] sealed = gcm(Cipher.ENCRYPT_MODE, nonce, aad(request), dataKey);
        byte[] blob = ByteBuffer.allocate(1 + nonce.length + sealed.length).put(BLOB_VERSION).put(nonce).put(sealed).array();
        send(exchange, 200, Map.of(
                "CiphertextBlob", Base64.getEncoder().encodeToString(blob),
                "Plaintext", Base64.getEncoder().encodeToString(dataKey),
                "KeyId", KEY_ARN));
    }

    private void decrypt(HttpExchange exchange, JsonNode request) throws IOException {
        if (request.hasNonNull("KeyId") && !OUR_KEY.contains(request.get("KeyId").asText())) {
            send(exchange, 400, error("IncorrectKeyException", "The key ID in the request does not identify the key used"));
            return;
        }
        byte[] blob = Base64.getDecoder().decode(request.path("CiphertextBlob").asText());
        if (blob.length != 1 + 12 + 32 + 16 || blob[0] != BLOB_VERSION) {
            send(exchange, 400, error("InvalidCiphertextException", null));
            return;
        }
        byte[] plaintext;
        try {
            plaintext = gcm(Cipher.DECRYPT_MODE, Arrays.copyOfRange(blob, 1, 13), aad(request),
                    Arrays.copyOfRange(blob, 13, blob.length));
        } catch (IllegalArgumentException e) {
            send(exchange, 400, error("InvalidCiphertextException", null));
            return;
        }
        send(exchange, 200, Map.of(
                "Plaintext", Base64.getEncoder().encodeToString(plaintext),
                "KeyId", KEY_ARN,
                "EncryptionAlgorithm", "SYMMETRIC_DEFAULT"));
    }

    /** The encryption context, sorted and length-prefixed, as the GCM AAD of the blob. */
    private static byte[] aad(JsonNode request) {
        TreeMap<String, String> context = new TreeMap<>();
        for (Map.Entry<String, JsonNode> field : request.path("EncryptionContext").properties()) {
            context.put(field.getKey(), field.getValue().asText());
        }
        StringBuilder out = new StringBuilder();
        context.forEach((k, v) -> out.append(k.length()).append(':').append(k).append(v.length()).append(':').append(v));
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private byte[] gcm(int mode, byte[] nonce, byte[] aad, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, new SecretKeySpec(masterKey, "AES"), new GCMParameterSpec(128, nonce));
            cipher.updateAAD(aad);
            return cipher.doFinal(input);
        } catch (AEADBadTagException e) {
            throw new IllegalArgumentException("bad tag", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> error(String type, String message) {
        // KMS omits the message of InvalidCiphertextException; the SDK copes with both.
        return message == null ? Map.of("__type", type) : Map.of("__type", type, "message", message);
    }

    private static void send(HttpExchange exchange, int status, Map<String, ?> body) throws IOException {
        byte[] bytes = MAPPER.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", JSON_11);
        exchange.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
