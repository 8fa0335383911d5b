package io.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.json.Json;
import io.tollgate.platform.TollgateServices;
import io.tollgate.testing.RecordingAuditPublisher;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local runtime over real HTTP: seeding, routing from template.yaml, the login contract. */
class LocalRuntimeIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String SEED = """
            {"tenants":[{"id":"acme","name":"Acme","organizations":[{"id":"risk","name":"Risk"}],
              "users":[{"username":"alice@acme.test","email":"alice@acme.test","password":"Velvet-Orbit-Quarry-82",
                        "roles":["tenant_admin"],"org":"risk"}]}]}""";

    @TempDir
    static Path temp;
    private static LocalRuntime runtime;
    private static final RecordingAuditPublisher AUDIT = new RecordingAuditPublisher();

    @BeforeAll
    static void start() throws Exception {
        Path seed = temp.resolve("seed.json");
        Files.writeString(seed, SEED);
        runtime = LocalRuntime.start(new RuntimeOptions(0, Optional.empty(), Optional.of(seed), Optional.empty()),
                TollgateServices.builder().auditPublisher(AUDIT));
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(runtime.baseUri().resolve(path))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthWhenStartedThen200() throws Exception {
        var response = HTTP.send(HttpRequest.newBuilder(runtime.baseUri().resolve("/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
    }

    @Test
    void loginWhenSeededUserThenTokensOverHttp() throws Exception {
        var response = post("/v1/auth/login",
                "{\"tenant\":\"acme\",\"username\":\"alice@acme.test\",\"password\":\"Velvet-Orbit-Quarry-82\"}");
        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = Json.mapper().readTree(response.body());
        assertEquals("Bearer", body.get("token_type").asText());
        assertEquals(3, body.get("access_token").asText().split("\\.").length);
        assertEquals("no-store", response.headers().firstValue("cache-control").orElseThrow());
        assertEquals("nosniff", response.headers().firstValue("x-content-type-options").orElseThrow());
    }

    @Test
    void loginWhenWrongPasswordThen401ProblemJson() throws Exception {
        var response = post("/v1/auth/login",
                "{\"tenant\":\"acme\",\"username\":\"alice@acme.test\",\"password\":\"nope\"}");
        assertEquals(401, response.statusCode());
        assertTrue(response.headers().firstValue("content-type").orElseThrow().startsWith("application/problem+json"));
        JsonNode body = Json.mapper().readTree(response.body());
        assertEquals("invalid_credentials", body.get("code").asText());
        assertFalse(response.body().contains("nope"));
    }

    @Test
    void loginWhenGetInsteadOfPostThenNotFound() throws Exception {
        var response = HTTP.send(HttpRequest.newBuilder(runtime.baseUri().resolve("/v1/auth/login")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, response.statusCode());
    }

    @Test
    void seedWhenUserBreaksPasswordPolicyThenStartRefusedWithRules() throws Exception {
        Path weak = temp.resolve("weak.json");
        Files.writeString(weak, SEED.replace("acme", "weak").replace("Velvet-Orbit-Quarry-82", "password"));
        var error = assertThrows(IllegalArgumentException.class, () -> LocalRuntime.start(
                new RuntimeOptions(0, Optional.empty(), Optional.of(weak), Optional.empty()), TollgateServices.builder()));
        assertTrue(error.getMessage().contains("min_length"), error.getMessage());
    }

    @Test
    void startWhenNoSeedThenDemoTenantWithPrintedPasswordLogsIn(@TempDir Path data) throws Exception {
        try (LocalRuntime demo = LocalRuntime.start(new RuntimeOptions(0, Optional.of(data), Optional.empty(),
                Optional.empty()), TollgateServices.builder())) {
            String password = demo.demoPassword().orElseThrow();
            var response = HTTP.send(HttpRequest.newBuilder(demo.baseUri().resolve("/v1/auth/login"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"tenant\":\"demo\",\"username\":\"admin@demo.test\","
                            + "\"password\":\"" + password + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            assertTrue(demo.banner(new RuntimeOptions(0, Optional.of(data), Optional.empty(), Optional.empty()), 1)
                    .contains(password));
        }
        try (LocalRuntime again = LocalRuntime.start(new RuntimeOptions(0, Optional.of(data), Optional.empty(),
                Optional.empty()), TollgateServices.builder())) {
            assertTrue(again.demoPassword().isEmpty(), "a persistent data folder keeps the first demo user");
        }
    }

    @Test
    void parseWhenUnknownOptionThenUsage() {
        var error = assertThrows(IllegalArgumentException.class, () -> RuntimeOptions.parse("--prot", "1"));
        assertTrue(error.getMessage().contains("usage"));
        assertEquals(8080, RuntimeOptions.parse("--port", "8080").port());
        URI.create("http://127.0.0.1:3000");
    }
}
