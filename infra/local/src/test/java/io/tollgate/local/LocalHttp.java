package io.tollgate.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.json.Json;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** A small HTTP client for the local runtime's ITs. */
final class LocalHttp {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final URI base;

    LocalHttp(URI base) {
        this.base = base;
    }

    HttpResponse<String> send(String method, String path, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("content-type", "application/json");
        }
        headers.forEach(request::header);
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> post(String path, String body) {
        return send("POST", path, body, Map.of());
    }

    HttpResponse<String> get(String path, String bearer) {
        return send("GET", path, null, bearer == null ? Map.of() : Map.of("authorization", "Bearer " + bearer));
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return Json.mapper().readTree(response.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** POST /v1/auth/login and return the JSON answer (asserting 200). */
    JsonNode login(String tenant, String username, String password) {
        return login(tenant, username, password, null);
    }

    /**
     * As {@link #login(String, String, String)}, for a token {@code audience} ({@code null}: the default one);
     * routes that declare {@code admin-panel} accept no other (ADR 0052).
     */
    JsonNode login(String tenant, String username, String password, String audience) {
        HttpResponse<String> response = post("/v1/auth/login", "{\"tenant\":\"" + tenant + "\",\"username\":\""
                + username + "\",\"password\":\"" + password + "\""
                + (audience == null ? "" : ",\"audience\":\"" + audience + "\"") + "}");
        if (response.statusCode() != 200) {
            throw new AssertionError("login failed: " + response.statusCode() + " " + response.body());
        }
        return json(response);
    }

    /** The access token of a successful login for {@code audience} ({@code null}: the default one). */
    String accessToken(String tenant, String username, String password, String audience) {
        JsonNode body = login(tenant, username, password, audience);
        if (!body.hasNonNull("access_token")) {
            throw new AssertionError("login answered no access token: " + body);
        }
        return body.get("access_token").asText();
    }

    /** A request carrying {@code token} as its bearer credential. */
    HttpResponse<String> bearer(String token, String method, String path, String body) {
        return send(method, path, body, Map.of("authorization", "Bearer " + token));
    }

    /** The claims of a JWT, read without verification (tests only). */
    static JsonNode claims(String jwt) {
        try {
            return Json.mapper().readTree(java.util.Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    HttpResponse<String> refresh(String refreshToken) {
        return post("/v1/auth/token/refresh", "{\"refresh_token\":\"" + refreshToken + "\"}");
    }

    /**
     * Tenant acme with Alice (a user of organization risk) and Jo (super_admin: tenant:update and
     * audit:read), both with {@link io.tollgate.testing.Testbed#PASSWORD}: the seed of the ITs that
     * act on one user's data as an administrator (retention, privacy).
     */
    static final String ACME_USER_AND_SUPER_ADMIN_SEED = """
            {"tenants":[{"id":"acme","name":"Acme","organizations":[{"id":"risk","name":"Risk"}],"users":[
              {"username":"alice@acme.test","password":"%1$s","roles":["user"],"org":"risk"},
              {"username":"jo@acme.test","password":"%1$s","roles":["super_admin"]}]}]}"""
            .formatted(io.tollgate.testing.Testbed.PASSWORD);

    /** Starts an in-memory runtime seeded with {@code seedJson}, with the test's clock and audit recorder. */
    static LocalRuntime startSeeded(Path temp, String seedJson, java.time.Clock clock,
            io.tollgate.audit.AuditPublisher audit) {
        try {
            Path seed = temp.resolve("seed.json");
            java.nio.file.Files.writeString(seed, seedJson);
            return LocalRuntime.start(new RuntimeOptions(0, java.util.Optional.empty(), java.util.Optional.of(seed),
                    java.util.Optional.empty()), io.tollgate.platform.TollgateServices.builder().auditPublisher(audit).clock(clock));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Runs {@code call} on {@code parallel} threads released at the same instant (a race), and
     * returns every answer in submission order.
     */
    static List<HttpResponse<String>> race(int parallel, Callable<HttpResponse<String>> call)
            throws Exception {
        CountDownLatch ready = new CountDownLatch(parallel);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        try (ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(parallel)) {
            for (int i = 0; i < parallel; i++) {
                answers.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return call.call();
                }));
            }
            ready.await();
            go.countDown();
            List<HttpResponse<String>> out = new ArrayList<>();
            for (Future<HttpResponse<String>> answer : answers) {
                out.add(answer.get());
            }
            return out;
        }
    }
}
