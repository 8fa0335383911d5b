package io.tollgate.devkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GatewayEventsTest {

    private static final Instant NOW = Instant.parse("2026-11-22T10:15:30.123Z");
    private static final HttpRoute ROUTE = new HttpRoute("POST", "/v1/users/{id}", "Fn", Optional.of("Auth"));
    private static final RouteTable.Match MATCH = new RouteTable.Match(ROUTE, Map.of("id", "42"));
    private static final AuthorizerSpec AUTHORIZER = new AuthorizerSpec("Auth", "AuthFn",
            List.of("$request.header.Authorization", "$request.querystring.tenant"), "2.0", true);

    private static LocalHttpRequest request(Map<String, List<String>> headers, String query, byte[] body) {
        return new LocalHttpRequest("POST", "/v1/users/42", query, headers, body, "HTTP/1.1", "127.0.0.7", 8123);
    }

    private static Map<String, List<String>> headers(Object... nameValues) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            @SuppressWarnings("unchecked")
            List<String> values = (List<String>) nameValues[i + 1];
            headers.put((String) nameValues[i], values);
        }
        return headers;
    }

    @Test
    void httpEventWhenMixedCaseAndRepeatedHeadersThenLowerCasedAndCommaJoined() {
        APIGatewayV2HTTPEvent event = GatewayEvents.httpEvent(request(headers(
                "Content-Type", List.of("application/json"),
                "X-Custom", List.of("a", "b"),
                "x-CUSTOM", List.of("c"),
                "User-Agent", List.of("test-agent/1.0")), "", new byte[0]), MATCH, "rid", NOW);
        assertEquals("application/json", event.getHeaders().get("content-type"));
        assertEquals("a,b,c", event.getHeaders().get("x-custom"));
        assertTrue(event.getHeaders().keySet().stream().allMatch(k -> k.equals(k.toLowerCase())));
        assertEquals("test-agent/1.0", event.getRequestContext().getHttp().getUserAgent());
        assertEquals("127.0.0.7", event.getHeaders().get("x-forwarded-for"));
    }

    @Test
    void httpEventWhenCookieHeadersThenCookiesListAndNoCookieHeader() {
        APIGatewayV2HTTPEvent event = GatewayEvents.httpEvent(request(headers(
                "Cookie", List.of("session=abc; theme=dark", "lang=en")), "", new byte[0]), MATCH, "rid", NOW);
        assertEquals(List.of("session=abc", "theme=dark", "lang=en"), event.getCookies());
        assertFalse(event.getHeaders().containsKey("cookie"));
    }

    @Test
    void httpEventWhenQueryStringThenRawKeptAndRepeatedParametersJoined() {
        APIGatewayV2HTTPEvent event = GatewayEvents.httpEvent(request(headers(),
                "tag=a&tag=b&q=hello%20world&flag", new byte[0]), MATCH, "rid", NOW);
        assertEquals("tag=a&tag=b&q=hello%20world&flag", event.getRawQueryString());
        assertEquals(Map.of("tag", "a,b", "q", "hello world", "flag", ""), event.getQueryStringParameters());
    }

    @Test
    void httpEventWhenNoQueryCookiesOrBodyThenThoseAreNull() {
        APIGatewayV2HTTPEvent event = GatewayEvents.httpEvent(request(headers(), "", new byte[0]),
                new RouteTable.Match(ROUTE, Map.of()), "rid", NOW);
        assertEquals("", event.getRawQueryString());
        assertNull(event.getQueryStringParameters());
        assertNull(event.getCookies());
        assertNull(event.getPathParameters());
        assertNull(event.getBody());
        assertFalse(event.getIsBase64Encoded());
    }

    @Test
    void httpEventWhenJsonBodyThenUtf8Text() {
        byte[] body = "{\"name\":\"Zoë\"}".getBytes(StandardCharsets.UTF_8);
        APIGatewayV2HTTPEvent event = GatewayEvents.httpEvent(request(headers(
                "Content-Type", List.of("application/json; charset=utf-8")), "", body), MATCH, "rid", NOW);
        assertEquals("{\"name\":\"Zoë\"}", event.getBody());
        assertFalse(event.getIsBase64Encoded());
    }

    @Test
    void httpEventWhenBinaryBodyThenBase64() {
        byte[] body = {0, (byte) 0xff, 1, 2};
        APIGatewayV2HTTPEvent event = GatewayEvents.httpEvent(request(headers(
                "Content-Type", List.of("application/octet-stream")), "", body), MATCH, "rid", NOW);
        assertTrue(event.getIsBase64Encoded());
        assertArrayEquals(body, Base64.getDecoder().decode(event.getBody()));
    }

    @Test
    void isTextWhenContentTypesThenOnlyTextJsonXmlAndFormsAreText() {
        assertTrue(GatewayEvents.isText("text/plain"));
        assertTrue(GatewayEvents.isText("application/problem+json"));
        assertTrue(GatewayEvents.isText("application/xml"));
        assertTrue(GatewayEvents.isText("application/x-www-form-urlencoded; charset=UTF-8"));
        assertFalse(GatewayEvents.isText("image/png"));
        assertFalse(GatewayEvents.isText("multipart/form-data; boundary=x"));
        assertFalse(GatewayEvents.isText(null));
    }

    @Test
    void httpEventWhenBuiltThenRequestContextLikeApiGateway() {
        APIGatewayV2HTTPEvent event = GatewayEvents.httpEvent(request(headers(), "", new byte[0]), MATCH, "rid", NOW);
        assertEquals("2.0", event.getVersion());
        assertEquals("POST /v1/users/{id}", event.getRouteKey());
        assertEquals("/v1/users/42", event.getRawPath());
        assertEquals(Map.of("id", "42"), event.getPathParameters());
        APIGatewayV2HTTPEvent.RequestContext context = event.getRequestContext();
        assertEquals("000000000000", context.getAccountId());
        assertEquals("local", context.getApiId());
        assertEquals("127.0.0.1:8123", context.getDomainName());
        assertEquals("127", context.getDomainPrefix());
        assertEquals("POST", context.getHttp().getMethod());
        assertEquals("/v1/users/42", context.getHttp().getPath());
        assertEquals("HTTP/1.1", context.getHttp().getProtocol());
        assertEquals("127.0.0.7", context.getHttp().getSourceIp());
        assertEquals("rid", context.getRequestId());
        assertEquals("POST /v1/users/{id}", context.getRouteKey());
        assertEquals("$default", context.getStage());
        assertEquals("22/Nov/2026:10:15:30 +0000", context.getTime());
        assertEquals(NOW.toEpochMilli(), context.getTimeEpoch());
    }

    @Test
    void identityValuesWhenAllSourcesPresentThenValuesInOrder() {
        LocalHttpRequest request = request(headers("authorization", List.of("Bearer x")), "tenant=acme", new byte[0]);
        assertEquals(Optional.of(List.of("Bearer x", "acme")), GatewayEvents.identityValues(AUTHORIZER, request));
    }

    @Test
    void identityValuesWhenHeaderMissingOrEmptyThenEmpty() {
        assertEquals(Optional.empty(), GatewayEvents.identityValues(AUTHORIZER,
                request(headers(), "tenant=acme", new byte[0])));
        assertEquals(Optional.empty(), GatewayEvents.identityValues(AUTHORIZER,
                request(headers("Authorization", List.of("")), "tenant=acme", new byte[0])));
        assertEquals(Optional.empty(), GatewayEvents.identityValues(AUTHORIZER,
                request(headers("Authorization", List.of("Bearer x")), "", new byte[0])));
    }

    @Test
    void authorizerEventWhenBuiltThenRequestTypeWithRouteArnAndIdentity() {
        LocalHttpRequest request = request(headers("Authorization", List.of("Bearer x"),
                "Cookie", List.of("a=1")), "tenant=acme", new byte[0]);
        APIGatewayV2CustomAuthorizerEvent event = GatewayEvents.authorizerEvent(request, MATCH,
                List.of("Bearer x", "acme"), "rid", NOW);
        assertEquals("2.0", event.getVersion());
        assertEquals("REQUEST", event.getType());
        assertEquals("arn:aws:execute-api:us-east-1:000000000000:local/$default/POST/v1/users/42", event.getRouteArn());
        assertEquals(List.of("Bearer x", "acme"), event.getIdentitySource());
        assertEquals("POST /v1/users/{id}", event.getRouteKey());
        assertEquals(List.of("a=1"), event.getCookies());
        assertEquals("Bearer x", event.getHeaders().get("authorization"));
        assertEquals(Map.of("tenant", "acme"), event.getQueryStringParameters());
        assertEquals(Map.of("id", "42"), event.getPathParameters());
        assertEquals("127.0.0.7", event.getRequestContext().getHttp().getSourceIp());
        assertEquals(NOW.toEpochMilli(), event.getRequestContext().getTimeEpoch().toEpochMilli());
    }
}
