package io.tollgate.devkit;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local stand-in for API Gateway HTTP API (payload format 2.0) in front of the template's functions, on
 * {@code 127.0.0.1}: it selects routes the way the service does ({@link RouteTable}), runs Lambda authorizers with
 * simple responses (401 when an identity source is missing, 403 when denied, the authorizer's context passed on
 * as {@code requestContext.authorizer.lambda}), builds the same events, calls {@code handleRequest(event, Context)}
 * on one cached handler instance per function (a warm container, so handlers must be thread-safe: requests run
 * concurrently on virtual threads), and writes the {@link APIGatewayV2HTTPResponse} back. Service errors have the
 * service's bodies ({@code {"message":"Not Found"}}, ...); a handler exception is a 500 whose stack trace goes to
 * the log only. {@code GET /health} is built in and answers {@code {"status":"ok"}}.
 *
 * <p>Only Lambda authorizers with payload format 2.0 and simple responses are emulated; a route using any other
 * authorizer is refused at construction rather than served unauthenticated.
 */
public final class LocalGateway implements AutoCloseable {

    /** The only address the gateway listens on. */
    public static final String HOST = "127.0.0.1";
    /** API Gateway HTTP API's payload limit: larger request bodies get 413. */
    public static final int MAX_BODY_BYTES = 10 * 1024 * 1024;
    /** API Gateway HTTP API's maximum integration timeout, used as each invocation's deadline. */
    static final Duration INTEGRATION_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(LocalGateway.class);
    private static final long MAX_DRAIN_BYTES = 4L * MAX_BODY_BYTES;

    private final Map<String, FunctionSpec> functions;
    private final Map<String, AuthorizerSpec> authorizers;
    private final RouteTable routes;
    private final FunctionFactory factory;
    private final Clock clock;
    private final ConcurrentMap<String, Object> warmHandlers = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, java.util.function.BiFunction<String, byte[], LocalResponse>> localRoutes =
            new ConcurrentHashMap<>();
    private final ObjectMapper json = new ObjectMapper();
    private final ExecutorService executor;
    private final HttpServer server;

    /** Starts serving {@code template}'s routes on 127.0.0.1:{@code port} (0 for any free port). */
    public LocalGateway(SamTemplate template, FunctionFactory factory, int port) {
        this(template, factory, port, Clock.systemUTC());
    }

    /** As {@link #LocalGateway(SamTemplate, FunctionFactory, int)}, with the clock that stamps events. */
    public LocalGateway(SamTemplate template, FunctionFactory factory, int port, Clock clock) {
        Objects.requireNonNull(template, "template");
        this.factory = Objects.requireNonNull(factory, "factory");
        this.clock = Objects.requireNonNull(clock, "clock");
        Map<String, FunctionSpec> functionsById = new LinkedHashMap<>();
        template.functions().forEach(f -> functionsById.put(f.logicalId(), f));
        this.functions = Map.copyOf(functionsById);
        this.authorizers = authorizersByName(template.authorizers());
        List<HttpRoute> httpRoutes = template.httpRoutes();
        httpRoutes.forEach(this::checkAuthorizer);
        this.routes = new RouteTable(httpRoutes);

        try {
            this.server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(HOST), port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot listen on " + HOST + ":" + port, e);
        }
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** A JSON answer of a local-only tool route. */
    public record LocalResponse(int status, String json) {
    }

    /**
     * Adds a tool route that exists only locally (never in the template, never deployed), e.g.
     * {@code POST /_local/rotate-keys}; paths must start with {@code /_local/}.
     */
    public void addLocalRoute(String method, String path, java.util.function.Supplier<LocalResponse> handler) {
        Objects.requireNonNull(handler, "handler");
        addLocalRoute(method, path, body -> handler.get());
    }

    /**
     * Adds a local tool route that reads the request body (at most {@link #MAX_BODY_BYTES}), e.g.
     * {@code POST /_local/invoke/{function}} with an event file.
     */
    public void addLocalRoute(String method, String path, java.util.function.Function<byte[], LocalResponse> handler) {
        if (!path.startsWith("/_local/")) {
            throw new IllegalArgumentException("Local routes live under /_local/");
        }
        Objects.requireNonNull(handler, "handler");
        addLocalQueryRoute(method, path, (query, body) -> handler.apply(body));
    }

    /**
     * Adds a local tool route that also reads the raw query string (empty when none), e.g.
     * {@code GET /_local/outbox?channel=sms}.
     */
    public void addLocalQueryRoute(String method, String path,
            java.util.function.BiFunction<String, byte[], LocalResponse> handler) {
        if (!path.startsWith("/_local/")) {
            throw new IllegalArgumentException("Local routes live under /_local/");
        }
        localRoutes.put(method.toUpperCase(Locale.ROOT) + " " + path, Objects.requireNonNull(handler, "handler"));
    }

    /** The port the gateway listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:<port>}. */
    public URI baseUri() {
        return URI.create("http://" + HOST + ":" + port());
    }

    /** Stops listening at once; requests in flight are abandoned. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ------------------------------------------------------------------ setup

    private Map<String, AuthorizerSpec> authorizersByName(List<AuthorizerSpec> specs) {
        Map<String, AuthorizerSpec> byName = new LinkedHashMap<>();
        for (AuthorizerSpec spec : specs) {
            AuthorizerSpec previous = byName.putIfAbsent(spec.name(), spec);
            if (previous != null && !previous.equals(spec)) {
                throw new IllegalStateException("Two different authorizers are named " + spec.name());
            }
            if (!functions.containsKey(spec.functionLogicalId())) {
                throw new IllegalStateException("Authorizer " + spec.name() + " names " + spec.functionLogicalId()
                        + ", which is not a function of the template");
            }
            for (String source : spec.identitySources()) {
                if (!source.startsWith("$request.header.") && !source.startsWith("$request.querystring.")) {
                    LOG.warn("Authorizer {}: identity source {} has no local value and is not checked",
                            spec.name(), source);
                }
            }
        }
        return Map.copyOf(byName);
    }

    private void checkAuthorizer(HttpRoute route) {
        route.authorizer().ifPresent(name -> {
            AuthorizerSpec spec = authorizers.get(name);
            if (spec == null) {
                throw new IllegalStateException("Route " + route.routeKey() + " uses authorizer " + name
                        + ", which is not a Lambda authorizer of the template (only those are emulated locally)");
            }
            if (!spec.simpleResponses() || !spec.payloadFormatVersion().equals("2.0")) {
                throw new IllegalStateException("Authorizer " + name + " must use payload format 2.0 with"
                        + " EnableSimpleResponses: true to be emulated locally");
            }
        });
    }

    // ------------------------------------------------------------------ request handling

    private record GatewayResponse(int status, List<Map.Entry<String, String>> headers, byte[] body) {
        static GatewayResponse json(int status, String body) {
            return new GatewayResponse(status, List.of(Map.entry("Content-Type", "application/json")),
                    body.getBytes(StandardCharsets.UTF_8));
        }

        static GatewayResponse message(int status, String message) {
            return json(status, "{\"message\":\"" + message + "\"}");
        }
    }

    /** A function threw, or could not be instantiated; the cause goes to the log. */
    private static final class FunctionFailed extends Exception {
        FunctionFailed(String functionId, Throwable cause) {
            super("Function " + functionId + " failed", cause);
        }
    }

    private void handle(HttpExchange exchange) {
        String requestId = UUID.randomUUID().toString();
        try (exchange) {
            GatewayResponse response;
            try {
                response = respond(exchange, requestId);
            } catch (RuntimeException e) {
                LOG.error("Request {} failed in the local gateway", requestId, e);
                response = GatewayResponse.message(500, "Internal Server Error");
            }
            write(exchange, response, requestId);
        } catch (IOException e) {
            LOG.debug("Request {}: the connection failed", requestId, e);
        }
    }

    private GatewayResponse respond(HttpExchange exchange, String requestId) throws IOException {
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        URI uri = exchange.getRequestURI();
        String rawPath = uri.getRawPath() == null ? "/" : uri.getRawPath();
        String rawQuery = uri.getRawQuery() == null ? "" : uri.getRawQuery();
        if (method.equals("GET") && rawPath.equals("/health")) {
            return GatewayResponse.json(200, "{\"status\":\"ok\"}");
        }
        Optional<byte[]> body = readBody(exchange);
        if (body.isEmpty()) {
            return GatewayResponse.message(413, "Request Entity Too Large");
        }
        if (rawPath.startsWith("/_local/") && !fromLocalTool(exchange)) {
            return GatewayResponse.message(403, "Forbidden");
        }
        java.util.function.BiFunction<String, byte[], LocalResponse> local = localRoutes.get(method + " " + rawPath);
        if (local != null) {
            LocalResponse answer = local.apply(rawQuery, body.get());
            return GatewayResponse.json(answer.status(), answer.json());
        }
        Optional<RouteTable.Match> match = routes.match(method, rawPath);
        if (match.isEmpty()) {
            return GatewayResponse.message(404, "Not Found");
        }
        HttpRoute route = match.get().route();
        LocalHttpRequest request = new LocalHttpRequest(method, rawPath, rawQuery,
                new LinkedHashMap<>(exchange.getRequestHeaders()), body.get(), exchange.getProtocol(),
                exchange.getRemoteAddress().getAddress().getHostAddress(), port());
        Instant now = clock.instant();

        APIGatewayV2HTTPEvent.RequestContext.Authorizer authorizer = null;
        if (route.authorizer().isPresent()) {
            AuthorizerSpec spec = authorizers.get(route.authorizer().get());
            Optional<List<String>> identity = GatewayEvents.identityValues(spec, request);
            if (identity.isEmpty()) {
                return GatewayResponse.message(401, "Unauthorized");
            }
            AuthorizerDecision decision;
            try {
                decision = AuthorizerDecision.from(invoke(spec.functionLogicalId(),
                        GatewayEvents.authorizerEvent(request, match.get(), identity.get(), requestId, now), requestId));
            } catch (FunctionFailed e) {
                LOG.error("Request {}: authorizer {} failed", requestId, spec.name(), e);
                return GatewayResponse.message(500, "Internal Server Error");
            } catch (IllegalArgumentException e) {
                LOG.error("Request {}: authorizer {} returned an unusable response", requestId, spec.name(), e);
                return GatewayResponse.message(500, "Internal Server Error");
            }
            if (!decision.authorized()) {
                return GatewayResponse.message(403, "Forbidden");
            }
            authorizer = new APIGatewayV2HTTPEvent.RequestContext.Authorizer();
            authorizer.setLambda(new LinkedHashMap<>(decision.context()));
        }

        APIGatewayV2HTTPEvent event = GatewayEvents.httpEvent(request, match.get(), requestId, now);
        event.getRequestContext().setAuthorizer(authorizer);
        try {
            return toResponse(route.functionLogicalId(), invoke(route.functionLogicalId(), event, requestId));
        } catch (FunctionFailed e) {
            LOG.error("Request {}: {} failed", requestId, route.routeKey(), e);
            return GatewayResponse.message(500, "Internal Server Error");
        }
    }

    /**
     * Whether a request to a {@code /_local/*} tool route comes from a local tool (curl, the
     * {@code tollgate} script, a test) rather than a web page: it carries no {@code Origin} (browsers
     * send one with every cross-origin request and every POST) and its {@code Host} is exactly the
     * address and port served here, so a page on a name that DNS rebinding points at 127.0.0.1
     * cannot drive the tool routes either.
     */
    private boolean fromLocalTool(HttpExchange exchange) {
        var headers = exchange.getRequestHeaders();
        List<String> hosts = headers.getOrDefault("Host", List.of());
        return !headers.containsKey("Origin") && hosts.size() == 1 && hosts.getFirst().equals(HOST + ":" + port());
    }

    /** The body, or empty when it is larger than {@link #MAX_BODY_BYTES}. */
    private static Optional<byte[]> readBody(HttpExchange exchange) throws IOException {
        InputStream in = exchange.getRequestBody();
        byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            drain(in);
            return Optional.empty();
        }
        return Optional.of(body);
    }

    /** Reads (a bounded amount of) an oversized body so the client gets the 413 rather than a reset. */
    private static void drain(InputStream in) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long drained = 0;
        int read;
        while (drained < MAX_DRAIN_BYTES && (read = in.read(buffer)) >= 0) {
            drained += read;
        }
    }

    private Object invoke(String functionId, Object event, String requestId) throws FunctionFailed {
        FunctionSpec spec = functions.get(functionId);
        Object handler;
        try {
            handler = warmHandlers.computeIfAbsent(functionId, id -> Objects.requireNonNull(factory.create(spec),
                    "the function factory returned null"));
        } catch (RuntimeException initError) {
            throw new FunctionFailed(functionId, initError);
        }
        Method method = handlerMethod(handler.getClass(), spec.handlerMethod(), event.getClass(), functionId);
        Context context = new LocalLambdaContext(requestId, functionId, INTEGRATION_TIMEOUT, clock);
        try {
            return method.getParameterCount() == 2 ? method.invoke(handler, event, context) : method.invoke(handler, event);
        } catch (InvocationTargetException e) {
            throw new FunctionFailed(functionId, e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("Cannot call " + method + " of function " + functionId, e);
        }
    }

    /**
     * The public {@code name(event, Context)} (or {@code name(event)}) method accepting {@code eventType}, the
     * most specific one when generics add a bridge method.
     */
    static Method handlerMethod(Class<?> type, String name, Class<?> eventType, String functionId) {
        Method best = null;
        for (Method candidate : type.getMethods()) {
            Class<?>[] parameters = candidate.getParameterTypes();
            boolean shape = parameters.length == 1
                    || (parameters.length == 2 && parameters[1].isAssignableFrom(LocalLambdaContext.class));
            if (!candidate.getName().equals(name) || !shape || !parameters[0].isAssignableFrom(eventType)) {
                continue;
            }
            if (best == null || isBetter(candidate, best)) {
                best = candidate;
            }
        }
        if (best == null) {
            throw new IllegalStateException("Function " + functionId + ": " + type.getName() + " has no public "
                    + name + "(" + eventType.getSimpleName() + ", Context) method");
        }
        best.trySetAccessible();
        return best;
    }

    private static boolean isBetter(Method candidate, Method best) {
        if (candidate.getParameterCount() != best.getParameterCount()) {
            return candidate.getParameterCount() > best.getParameterCount();
        }
        Class<?> candidateEvent = candidate.getParameterTypes()[0];
        Class<?> bestEvent = best.getParameterTypes()[0];
        return candidateEvent != bestEvent ? bestEvent.isAssignableFrom(candidateEvent) : best.isBridge();
    }

    private GatewayResponse toResponse(String functionId, Object result) {
        if (result instanceof APIGatewayV2HTTPResponse response) {
            return toResponse(functionId, response);
        }
        byte[] body;
        if (result == null) {
            body = new byte[0];
        } else if (result instanceof String text) {
            body = text.getBytes(StandardCharsets.UTF_8);
        } else {
            try {
                body = json.writeValueAsBytes(result);
            } catch (JsonProcessingException e) {
                LOG.error("Function {} returned a {} that is not JSON-serializable", functionId,
                        result.getClass().getName(), e);
                return GatewayResponse.message(500, "Internal Server Error");
            }
        }
        return new GatewayResponse(200, body.length == 0 ? List.of() : List.of(Map.entry("Content-Type",
                "application/json")), body);
    }

    private GatewayResponse toResponse(String functionId, APIGatewayV2HTTPResponse response) {
        int status = response.getStatusCode();
        if (status < 100 || status > 599) {
            LOG.error("Function {} returned the invalid status code {}", functionId, status);
            return GatewayResponse.message(500, "Internal Server Error");
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        if (response.getHeaders() != null) {
            response.getHeaders().forEach((name, value) -> {
                if (name != null && value != null) {
                    headers.add(Map.entry(name, value));
                }
            });
        }
        if (response.getMultiValueHeaders() != null) {
            response.getMultiValueHeaders().forEach((name, values) -> {
                if (name != null && values != null) {
                    values.stream().filter(Objects::nonNull).forEach(value -> headers.add(Map.entry(name, value)));
                }
            });
        }
        if (response.getCookies() != null) {
            response.getCookies().stream().filter(Objects::nonNull)
                    .forEach(cookie -> headers.add(Map.entry("Set-Cookie", cookie)));
        }
        byte[] body;
        if (response.getBody() == null) {
            body = new byte[0];
        } else if (response.getIsBase64Encoded()) {
            try {
                body = Base64.getDecoder().decode(response.getBody());
            } catch (IllegalArgumentException e) {
                LOG.error("Function {} returned isBase64Encoded with a body that is not base64", functionId, e);
                return GatewayResponse.message(500, "Internal Server Error");
            }
        } else {
            body = response.getBody().getBytes(StandardCharsets.UTF_8);
        }
        boolean typed = headers.stream().anyMatch(h -> h.getKey().equalsIgnoreCase("Content-Type"));
        if (!typed && body.length > 0) {
            headers.add(Map.entry("Content-Type", "application/json"));
        }
        return new GatewayResponse(status, headers, body);
    }

    private static void write(HttpExchange exchange, GatewayResponse response, String requestId) throws IOException {
        for (Map.Entry<String, String> header : response.headers()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (!name.equals("content-length") && !name.equals("transfer-encoding")) {
                exchange.getResponseHeaders().add(header.getKey(), header.getValue());
            }
        }
        exchange.getResponseHeaders().set("apigw-requestid", requestId);
        boolean noBody = response.body().length == 0 || exchange.getRequestMethod().equalsIgnoreCase("HEAD")
                || response.status() == 204 || response.status() == 304;
        exchange.sendResponseHeaders(response.status(), noBody ? -1 : response.body().length);
        if (!noBody) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(response.body());
            }
        }
    }
}
