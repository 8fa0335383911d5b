package io.tollgate.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.tollgate.json.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds every HTTP answer Tollgate gives: JSON bodies and RFC 9457 problem documents, always
 * with the same security headers. This is the single place where an {@link ErrorCode} becomes
 * an HTTP status (STYLE.md habit 12).
 */
public final class ApiResponses {

    public static final String PROBLEM_JSON = "application/problem+json";

    private ApiResponses() {
    }

    /** A JSON answer with {@code Cache-Control: no-store} (token answers must never be cached). */
    public static APIGatewayV2HTTPResponse json(int status, Object body) {
        return response(status, "application/json", write(body), Map.of());
    }

    /**
     * An HTML answer (a human-readable rendering, e.g. the compliance report) with one inline style
     * sheet, allowed by its hash: the same security headers,
     * except that the CSP adds {@code style-src '<styleHash>'} (e.g. {@code sha256-<base64>} of the
     * {@code <style>} content), so that no other style, and still no script, frame or resource, applies.
     */
    public static APIGatewayV2HTTPResponse html(int status, String body, String styleHash) {
        if (!styleHash.matches("sha(256|384|512)-[A-Za-z0-9+/]+={0,2}")) {
            throw new IllegalArgumentException("Not a CSP hash source: " + styleHash);
        }
        return response(status, "text/html", body, Map.of("Content-Security-Policy",
                "default-src 'none'; style-src '" + styleHash + "'; frame-ancestors 'none'"));
    }

    /** An empty answer, e.g. 204. */
    public static APIGatewayV2HTTPResponse empty(int status) {
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(status)
                .withHeaders(securityHeaders(null))
                .withIsBase64Encoded(false)
                .build();
    }

    /** The RFC 9457 document for {@code problem}; reveals nothing beyond its code and detail. */
    public static APIGatewayV2HTTPResponse problem(ProblemException problem, String requestId) {
        ErrorCode code = problem.errorCode();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", code.typeUri());
        body.put("title", code.title());
        body.put("status", code.status());
        body.put("detail", problem.detail());
        body.put("code", code.code());
        if (requestId != null && !requestId.isEmpty()) {
            body.put("instance", "urn:tollgate:request:" + requestId);
        }
        List<ProblemException.FieldError> errors = problem.errors();
        if (!errors.isEmpty()) {
            body.put("errors", errors);
        }
        Map<String, String> extra = problem.retryAfter()
                .map(wait -> Map.of("Retry-After", Long.toString(Math.max(1, wait.toSeconds()))))
                .orElse(Map.of());
        return response(code.status(), PROBLEM_JSON, write(body), extra);
    }

    /** The answer for a failure nobody anticipated: a generic 500, nothing internal. */
    public static APIGatewayV2HTTPResponse internalError(String requestId) {
        return problem(new ProblemException(ErrorCode.INTERNAL_ERROR, "The request could not be completed."),
                requestId);
    }

    private static APIGatewayV2HTTPResponse response(int status, String contentType, String body,
            Map<String, String> extra) {
        Map<String, String> headers = securityHeaders(contentType);
        headers.putAll(extra);
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(status)
                .withHeaders(headers)
                .withBody(body)
                .withIsBase64Encoded(false)
                .build();
    }

    private static Map<String, String> securityHeaders(String contentType) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (contentType != null) {
            headers.put("Content-Type", contentType + "; charset=utf-8");
        }
        headers.put("Cache-Control", "no-store");
        headers.put("Pragma", "no-cache");
        headers.put("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
        headers.put("Referrer-Policy", "no-referrer");
        return headers;
    }

    private static String write(Object body) {
        try {
            return Json.mapper().writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Response body is not serialisable: " + body.getClass().getName(), e);
        }
    }
}
