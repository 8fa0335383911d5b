package io.tollgate.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.tollgate.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A read-only view of an API Gateway HTTP API (payload 2.0) request that the handlers need:
 * the size-limited JSON body, the client address and the request id.
 *
 * <p>Bodies over {@link #MAX_BODY_BYTES} and anything that is not a JSON object matching the
 * target record exactly are rejected with a 400 before any service is called.
 */
public final class ApiRequest {

    /** Maximum accepted request body (16 KiB), checked before parsing. */
    public static final int MAX_BODY_BYTES = 16 * 1024;

    private final APIGatewayV2HTTPEvent event;

    public ApiRequest(APIGatewayV2HTTPEvent event) {
        this.event = event;
    }

    /** Parses the body into {@code type}; 400 problem on anything malformed or oversized. */
    public <T> T body(Class<T> type) {
        byte[] bytes = rawBody();
        if (bytes.length == 0) {
            throw new ProblemException(ErrorCode.MALFORMED_REQUEST, "A JSON request body is required.");
        }
        if (bytes.length > MAX_BODY_BYTES) {
            throw new ProblemException(ErrorCode.MALFORMED_REQUEST,
                    "The request body exceeds " + MAX_BODY_BYTES + " bytes.");
        }
        if (bytes[firstNonBlank(bytes)] != '{') {
            throw new ProblemException(ErrorCode.MALFORMED_REQUEST, "The request body must be a JSON object.");
        }
        try {
            return Json.mapper().readValue(bytes, type);
        } catch (UnrecognizedPropertyException e) {
            throw ProblemException.invalid(ErrorCode.VALIDATION_FAILED, "The request has an unknown field.",
                    List.of(new ProblemException.FieldError(e.getPropertyName(), "unknown_field",
                            "This field is not accepted.")));
        } catch (MismatchedInputException e) {
            String field = e.getPath().isEmpty() ? "$" : e.getPath().get(e.getPath().size() - 1).getFieldName();
            throw ProblemException.invalid(ErrorCode.VALIDATION_FAILED, "A field has the wrong type.",
                    List.of(new ProblemException.FieldError(field == null ? "$" : field, "wrong_type",
                            "This field has the wrong type.")));
        } catch (JsonProcessingException e) {
            throw new ProblemException(ErrorCode.MALFORMED_REQUEST, "The request body is not valid JSON.");
        } catch (java.io.IOException e) {
            throw new ProblemException(ErrorCode.MALFORMED_REQUEST, "The request body could not be read.");
        }
    }

    /**
     * The body as a JSON tree, for routes that validate element by element (e.g. a batch whose
     * bad elements are rejected one by one) and may accept up to {@code maxBytes}; 400 problem
     * when empty, oversized, not JSON, or not starting with {@code {} or {@code [}. Duplicate
     * keys are refused by the shared mapper.
     */
    public com.fasterxml.jackson.databind.JsonNode jsonBody(int maxBytes) {
        byte[] bytes = rawBody();
        if (bytes.length == 0) {
            throw new ProblemException(ErrorCode.MALFORMED_REQUEST, "A JSON request body is required.");
        }
        if (bytes.length > maxBytes) {
            throw new ProblemException(ErrorCode.MALFORMED_REQUEST, "The request body exceeds " + maxBytes + " bytes.");
        }
        byte first = bytes[firstNonBlank(bytes)];
        if (first != '{' && first != '[') {
            throw new ProblemException(ErrorCode.MALFORMED_REQUEST, "The request body must be a JSON object or array.");
        }
        try {
            return Json.mapper().readTree(bytes);
        } catch (java.io.IOException e) {
            throw new ProblemException(ErrorCode.MALFORMED_REQUEST, "The request body is not valid JSON.");
        }
    }

    /** A query string parameter (payload 2.0 joins repeated parameters with commas). */
    public Optional<String> queryParameter(String name) {
        Map<String, String> parameters = event.getQueryStringParameters();
        return parameters == null ? Optional.empty() : Optional.ofNullable(parameters.get(name));
    }

    private static int firstNonBlank(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (!Character.isWhitespace(bytes[i])) {
                return i;
            }
        }
        throw new ProblemException(ErrorCode.MALFORMED_REQUEST, "A JSON request body is required.");
    }

    private byte[] rawBody() {
        String body = event.getBody();
        if (body == null) {
            return new byte[0];
        }
        if (event.getIsBase64Encoded()) {
            try {
                return Base64.getDecoder().decode(body);
            } catch (IllegalArgumentException e) {
                throw new ProblemException(ErrorCode.MALFORMED_REQUEST, "The request body is not valid base64.");
            }
        }
        return body.getBytes(StandardCharsets.UTF_8);
    }

    /** The TCP source address API Gateway saw (never a client-supplied header). */
    public String sourceIp() {
        var context = event.getRequestContext();
        if (context == null || context.getHttp() == null || context.getHttp().getSourceIp() == null) {
            return "0.0.0.0";
        }
        return context.getHttp().getSourceIp();
    }

    public String userAgent() {
        var context = event.getRequestContext();
        String agent = context == null || context.getHttp() == null ? null : context.getHttp().getUserAgent();
        if (agent == null) {
            agent = header("user-agent").orElse("");
        }
        return agent.length() > 512 ? agent.substring(0, 512) : agent;
    }

    public String requestId() {
        var context = event.getRequestContext();
        return context == null || context.getRequestId() == null ? "" : context.getRequestId();
    }

    /** A request header by case-insensitive name. */
    public Optional<String> header(String name) {
        Map<String, String> headers = event.getHeaders();
        if (headers == null) {
            return Optional.empty();
        }
        for (var entry : headers.entrySet()) {
            if (entry.getKey().equalsIgnoreCase(name)) {
                return Optional.ofNullable(entry.getValue());
            }
        }
        return Optional.empty();
    }

    /** A cookie by exact name, from the payload 2.0 {@code cookies} list. */
    public Optional<String> cookie(String name) {
        java.util.List<String> cookies = event.getCookies();
        if (cookies == null) {
            return Optional.empty();
        }
        for (String cookie : cookies) {
            int eq = cookie.indexOf('=');
            if (eq > 0 && cookie.substring(0, eq).strip().equals(name)) {
                return Optional.of(cookie.substring(eq + 1).strip());
            }
        }
        return Optional.empty();
    }

    /** Context key of the authorizer's verdict; any value but {@code allow} refuses the request. */
    public static final String DECISION = "decision";

    /**
     * The refusal the authorizer decided for this request, if any (ADR 0013). A request that
     * carries an authorizer context without a verdict is refused too (fail closed).
     */
    public Optional<ProblemException> authorizerRefusal() {
        var context = event.getRequestContext();
        if (context == null || context.getAuthorizer() == null || context.getAuthorizer().getLambda() == null) {
            return Optional.empty();
        }
        Object decision = context.getAuthorizer().getLambda().get(DECISION);
        if ("allow".equals(decision)) {
            return Optional.empty();
        }
        if ("forbidden".equals(decision)) {
            return Optional.of(new ProblemException(ErrorCode.FORBIDDEN, "The caller may not do this."));
        }
        if ("rate_limited".equals(decision)) {
            long seconds = 60;
            Object retry = context.getAuthorizer().getLambda().get("retry_after");
            if (retry instanceof String text && text.matches("[0-9]{1,4}")) {
                seconds = Long.parseLong(text);
            }
            return Optional.of(ProblemException.rateLimited("Too many requests; try again later.",
                    java.time.Duration.ofSeconds(Math.max(1, seconds))));
        }
        return Optional.of(new ProblemException(ErrorCode.TOKEN_INVALID, "The credential is not valid."));
    }

    /** The authenticated principal the authorizer put in the request context, if any. */
    public Optional<Principal> principal() {
        var context = event.getRequestContext();
        if (context == null || context.getAuthorizer() == null || context.getAuthorizer().getLambda() == null) {
            return Optional.empty();
        }
        Map<String, Object> lambda = context.getAuthorizer().getLambda();
        Object sub = lambda.get("sub");
        Object tenant = lambda.get("tenant");
        if (!(sub instanceof String s) || !(tenant instanceof String t) || s.isEmpty() || t.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Principal(s, t, stringOrNull(lambda.get("org")), split(lambda.get("roles")),
                stringOrNull(lambda.get("sid")), stringOrNull(lambda.get("auth_method")), split(lambda.get("amr")),
                stringOrNull(lambda.get("auth_time"))));
    }

    /**
     * The public prefix of the API key the authorizer accepted ({@code api_key} in its context),
     * when the caller used one: it names the submitter of audit events (ADR 0060).
     */
    public Optional<String> apiKeyPrefix() {
        var context = event.getRequestContext();
        if (context == null || context.getAuthorizer() == null || context.getAuthorizer().getLambda() == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(stringOrNull(context.getAuthorizer().getLambda().get("api_key")));
    }

    /** The caller, or 401 {@code token_invalid} when the route was reached without an authorizer context. */
    public Principal requirePrincipal() {
        return principal().orElseThrow(() -> new ProblemException(ErrorCode.TOKEN_INVALID, "Authentication is required."));
    }

    /** Context key of the scopes an allow left for the service to check (ADR 0013, ADR 0050), comma-joined. */
    public static final String SCOPE_CONSTRAINTS = "scope_constraints";

    /**
     * The scopes ({@code own}, {@code own_org}, ...) the authorizer could not check from the path
     * and left to the service: the target must satisfy one of them. Empty when its decision was
     * complete.
     */
    public java.util.List<String> scopeConstraints() {
        var context = event.getRequestContext();
        if (context == null || context.getAuthorizer() == null || context.getAuthorizer().getLambda() == null) {
            return java.util.List.of();
        }
        return split(context.getAuthorizer().getLambda().get(SCOPE_CONSTRAINTS));
    }

    /**
     * The caller of a route whose handler acts on the whole tenant and cannot narrow it to a
     * scope: 403 when the authorizer's allow carries {@code scope_constraints} (fail closed, ADR
     * 0050), 401 without a principal.
     */
    public Principal requireUnconstrainedPrincipal() {
        Principal principal = requirePrincipal();
        if (!scopeConstraints().isEmpty()) {
            throw new ProblemException(ErrorCode.FORBIDDEN, "The caller may not do this.");
        }
        return principal;
    }

    private static String stringOrNull(Object value) {
        return value instanceof String s && !s.isEmpty() ? s : null;
    }

    private static java.util.List<String> split(Object value) {
        if (!(value instanceof String s) || s.isBlank()) {
            return java.util.List.of();
        }
        return java.util.Arrays.stream(s.split(",")).map(String::strip).filter(r -> !r.isEmpty()).toList();
    }

    /**
     * Who calls, as verified by the authorizer (context values are strings: API Gateway passes
     * the authorizer's context to the integration as a flat string map; roles are comma-joined).
     */
    public record Principal(String userId, String tenantId, String organizationId, java.util.List<String> roles,
            String sessionId, String authMethod, java.util.List<String> amr, String authTime) {
        public Principal {
            roles = java.util.List.copyOf(roles);
            amr = java.util.List.copyOf(amr);
        }
    }
}
