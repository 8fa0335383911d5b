package io.tollgate.devkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.tollgate.devkit.testfn.RecordingHandler;
import io.tollgate.devkit.testfn.TokenAuthorizer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalGatewayIT {

    private final RecordingHandler users = new RecordingHandler();
    private final RecordingHandler publicHandler = new RecordingHandler();
    private final TokenAuthorizer authorizer = new TokenAuthorizer();
    private final Map<String, AtomicInteger> created = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private LocalGateway gateway;

    @BeforeAll
    void startGateway() {
        gateway = new LocalGateway(TestTemplates.template(), spec -> {
            created.computeIfAbsent(spec.logicalId(), id -> new AtomicInteger()).incrementAndGet();
            return switch (spec.logicalId()) {
                case "UsersFunction" -> users;
                case "PublicFunction" -> publicHandler;
                case "AuthorizerFunction" -> authorizer;
                default -> throw new IllegalArgumentException(spec.logicalId());
            };
        }, 0);
        gateway.addLocalRoute("POST", "/_local/probe", () -> {
            localCalls.incrementAndGet();
            return new LocalGateway.LocalResponse(200, "{\"probed\":true}");
        });
    }

    private final AtomicInteger localCalls = new AtomicInteger();

    /** One raw HTTP/1.1 request (java.net.http refuses to set Host), answered with its status line. */
    private String rawStatusLine(String method, String path, String hostHeader, Map<String, String> headers)
            throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", gateway.port())) {
            StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
            if (hostHeader != null) {
                request.append("Host: ").append(hostHeader).append("\r\n");
            }
            headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
            request.append("Content-Length: 0\r\nConnection: close\r\n\r\n");
            socket.getOutputStream().write(request.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
            return answer.substring(0, answer.indexOf("\r\n"));
        }
    }

    @Test
    void localRouteWhenPlainRequestToTheLoopbackAddressThenServed() throws Exception {
        int before = localCalls.get();
        assertEquals("HTTP/1.1 200 OK", rawStatusLine("POST", "/_local/probe", "127.0.0.1:" + gateway.port(), Map.of()));
        assertEquals(200, send(request("/_local/probe").POST(HttpRequest.BodyPublishers.noBody()).build()).statusCode());
        assertEquals(before + 2, localCalls.get());
    }

    @Test
    void localRouteWhenOriginHeaderThen403AndNotRun() throws Exception {
        int before = localCalls.get();
        for (String origin : List.of("https://evil.example", "http://127.0.0.1:" + gateway.port(), "null")) {
            HttpResponse<String> response = send(request("/_local/probe").header("Origin", origin)
                    .POST(HttpRequest.BodyPublishers.noBody()).build());
            assertEquals(403, response.statusCode(), origin);
            assertEquals("{\"message\":\"Forbidden\"}", response.body());
        }
        assertEquals(before, localCalls.get(), "a web page's request never reaches a local tool route");
    }

    @Test
    void localRouteWhenHostIsNotTheLoopbackAddressAndPortThen403AndNotRun() throws Exception {
        int before = localCalls.get();
        int port = gateway.port();
        // DNS rebinding: a name the attacker controls now resolves to 127.0.0.1, the Host header still names it.
        for (String host : List.of("evil.example:" + port, "localhost:" + port, "127.0.0.1:" + (port + 1), "127.0.0.1",
                "127.0.0.1:" + port + ".evil.example")) {
            assertEquals("HTTP/1.1 403 Forbidden", rawStatusLine("POST", "/_local/probe", host, Map.of()), host);
        }
        assertEquals("HTTP/1.1 403 Forbidden", rawStatusLine("POST", "/_local/probe", null, Map.of()), "no Host");
        assertEquals(before, localCalls.get());
    }

    @Test
    void apiRouteWhenOriginHeaderThenStillServed() throws Exception {
        HttpResponse<String> response = send(request("/v1/auth/login").header("Origin", "https://app.example")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json").build());
        assertEquals(200, response.statusCode(), "only /_local/* tool routes are guarded");
    }

    @AfterAll
    void stopGateway() {
        gateway.close();
        http.close();
    }

    private HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + pathAndQuery));
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void gatewayWhenStartedOnPortZeroThenBoundToLoopbackOnARealPort() {
        assertTrue(gateway.port() > 0);
        assertEquals(URI.create("http://127.0.0.1:" + gateway.port()), gateway.baseUri());
    }

    @Test
    void healthWhenGetThenOkWithoutAnyRoute() throws Exception {
        HttpResponse<String> response = send(request("/health").build());
        assertEquals(200, response.statusCode());
        assertEquals("{\"status\":\"ok\"}", response.body());
        assertEquals(Optional.of("application/json"), response.headers().firstValue("content-type"));
    }

    @Test
    void requestWhenNoRouteThen404NotFound() throws Exception {
        HttpResponse<String> response = send(request("/v1/nothing-here").build());
        assertEquals(404, response.statusCode());
        assertEquals("{\"message\":\"Not Found\"}", response.body());
    }

    @Test
    void requestWhenAuthorizedThenHandlerGetsApiGatewayEventWithAuthorizerContext() throws Exception {
        int authorizerCalls = authorizer.events().size();
        HttpResponse<String> response = send(request("/v1/users/42?tag=a&tag=b")
                .header("Authorization", "Bearer good")
                .header("X-Trace-Id", "t-1")
                .header("Cookie", "session=abc; theme=dark")
                .header("User-Agent", "gateway-it")
                .build());

        assertEquals(200, response.statusCode());
        assertEquals("{\"route\":\"GET /v1/users/{id}\"}", response.body());
        assertEquals(Optional.of("application/json"), response.headers().firstValue("content-type"));
        assertEquals(authorizerCalls + 1, authorizer.events().size());
        assertEquals(List.of("Bearer good"), authorizer.events().getLast().getIdentitySource());

        APIGatewayV2HTTPEvent event = users.lastEvent();
        assertEquals("GET /v1/users/{id}", event.getRouteKey());
        assertEquals("/v1/users/42", event.getRawPath());
        assertEquals("tag=a&tag=b", event.getRawQueryString());
        assertEquals(Map.of("tag", "a,b"), event.getQueryStringParameters());
        assertEquals(Map.of("id", "42"), event.getPathParameters());
        assertEquals(List.of("session=abc", "theme=dark"), event.getCookies());
        assertEquals("t-1", event.getHeaders().get("x-trace-id"));
        assertEquals("Bearer good", event.getHeaders().get("authorization"));
        assertTrue(event.getHeaders().keySet().stream().allMatch(k -> k.equals(k.toLowerCase())));
        assertEquals("127.0.0.1", event.getRequestContext().getHttp().getSourceIp());
        assertEquals("gateway-it", event.getRequestContext().getHttp().getUserAgent());
        assertEquals("127.0.0.1:" + gateway.port(), event.getRequestContext().getDomainName());
        assertEquals(Map.of("principal", "alice", "tenant", "acme"),
                event.getRequestContext().getAuthorizer().getLambda());
        assertEquals(response.headers().firstValue("apigw-requestid").orElseThrow(),
                event.getRequestContext().getRequestId());
        assertEquals("UsersFunction", users.contexts().getLast().getFunctionName());
        assertEquals(event.getRequestContext().getRequestId(), users.contexts().getLast().getAwsRequestId());
    }

    @Test
    void requestWhenIdentityHeaderMissingThen401WithoutInvokingAnything() throws Exception {
        int authorizerCalls = authorizer.events().size();
        int handlerCalls = users.events().size();
        HttpResponse<String> response = send(request("/v1/users/42").build());
        assertEquals(401, response.statusCode());
        assertEquals("{\"message\":\"Unauthorized\"}", response.body());
        assertEquals(authorizerCalls, authorizer.events().size());
        assertEquals(handlerCalls, users.events().size());
    }

    @Test
    void requestWhenAuthorizerDeniesThen403WithoutInvokingHandler() throws Exception {
        int authorizerCalls = authorizer.events().size();
        int handlerCalls = users.events().size();
        HttpResponse<String> response = send(request("/v1/users/me").header("Authorization", "Bearer bad").build());
        assertEquals(403, response.statusCode());
        assertEquals("{\"message\":\"Forbidden\"}", response.body());
        assertEquals(authorizerCalls + 1, authorizer.events().size());
        assertEquals(handlerCalls, users.events().size());
    }

    @Test
    void requestWhenRouteHasAuthorizerNoneThenAuthorizerNotInvoked() throws Exception {
        int authorizerCalls = authorizer.events().size();
        HttpResponse<String> response = send(request("/v1/auth/login")
                .POST(HttpRequest.BodyPublishers.ofString("{\"u\":\"x\"}")).header("Content-Type", "application/json")
                .build());
        assertEquals(200, response.statusCode());
        assertEquals(authorizerCalls, authorizer.events().size());
        assertEquals("{\"u\":\"x\"}", users.lastEvent().getBody());
        assertFalse(users.lastEvent().getIsBase64Encoded());
        assertNull(users.lastEvent().getRequestContext().getAuthorizer());
    }

    @Test
    void requestWhenImplicitApiRouteThenServedWithoutAuthorizer() throws Exception {
        HttpResponse<String> response = send(request("/status").build());
        assertEquals(200, response.statusCode());
        assertEquals("GET /status", publicHandler.lastEvent().getRouteKey());
    }

    @Test
    void requestWhenHandlerThrowsThen500WithoutStackTraceInBody() throws Exception {
        HttpResponse<String> response = send(request("/v1/boom").build());
        assertEquals(500, response.statusCode());
        assertEquals("{\"message\":\"Internal Server Error\"}", response.body());
        assertFalse(response.body().contains(RecordingHandler.SECRET_FAILURE));
        assertFalse(response.body().contains("at io.tollgate"));
    }

    @Test
    void requestWhenBinaryBodyThenBase64RoundTripAndResponseCookiesAndHeaders() throws Exception {
        byte[] payload = {0, 1, 2, (byte) 0xfe, (byte) 0xff};
        HttpResponse<byte[]> response = http.send(request("/v1/echo")
                .POST(HttpRequest.BodyPublishers.ofByteArray(payload))
                .header("Content-Type", "application/octet-stream").build(), HttpResponse.BodyHandlers.ofByteArray());

        assertTrue(users.lastEvent().getIsBase64Encoded());
        assertEquals(201, response.statusCode());
        assertArrayEquals(payload, response.body());
        assertEquals(Optional.of("application/octet-stream"), response.headers().firstValue("content-type"));
        assertEquals(List.of("session=abc; HttpOnly", "theme=dark"), response.headers().allValues("set-cookie"));
        assertEquals(List.of("a", "b"), response.headers().allValues("x-multi"));
    }

    @Test
    void requestWhenBodyOverTenMebibytesThen413WithoutInvoking() throws Exception {
        int handlerCalls = users.events().size();
        HttpResponse<String> response = send(request("/v1/echo")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[LocalGateway.MAX_BODY_BYTES + 1]))
                .header("Content-Type", "application/octet-stream").build());
        assertEquals(413, response.statusCode());
        assertEquals(handlerCalls, users.events().size());
    }

    @Test
    void handlersWhenManyRequestsThenOneInstancePerFunction() throws Exception {
        for (int i = 0; i < 3; i++) {
            send(request("/status").build());
        }
        assertEquals(1, created.get("PublicFunction").get());
    }

    @Test
    void constructionWhenRouteUsesNonLambdaAuthorizerThenRefused() {
        String yaml = """
                Resources:
                  Api:
                    Type: AWS::Serverless::HttpApi
                    Properties:
                      Auth:
                        Authorizers:
                          Jwt:
                            JwtConfiguration: {issuer: https://i.example}
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: a.B
                      CodeUri: .
                      Events:
                        Get:
                          Type: HttpApi
                          Properties: {ApiId: !Ref Api, Path: /x, Method: GET, Auth: {Authorizer: Jwt}}
                """;
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new LocalGateway(SamTemplate.parse(yaml, "t"), spec -> new Object(), 0));
        assertTrue(e.getMessage().contains("Jwt"), e.getMessage());
    }
}
