package io.tollgate.devkit;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the Lambda events API Gateway HTTP API sends with payload format 2.0: the route's
 * {@link APIGatewayV2HTTPEvent} and the Lambda authorizer's {@link APIGatewayV2CustomAuthorizerEvent}. Header names
 * are lower-cased and repeated headers joined with commas; cookies leave the headers for the {@code cookies}
 * list; repeated query parameters are joined with commas; absent parts are {@code null}, as in the service; a body
 * whose content type is not text, JSON, XML or a form is base64-encoded.
 */
final class GatewayEvents {

    static final String ACCOUNT_ID = LocalIntrinsics.ACCOUNT_ID;
    static final String API_ID = "local";
    static final String STAGE = "$default";
    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private GatewayEvents() {
    }

    static APIGatewayV2HTTPEvent httpEvent(LocalHttpRequest request, RouteTable.Match match, String requestId,
                                           Instant now) {
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setVersion("2.0");
        event.setRouteKey(match.route().routeKey());
        event.setRawPath(request.rawPath());
        event.setRawQueryString(request.rawQueryString());
        event.setCookies(cookies(request));
        event.setHeaders(headers(request));
        event.setQueryStringParameters(queryParameters(request.rawQueryString()));
        event.setPathParameters(match.pathParameters().isEmpty() ? null : new LinkedHashMap<>(match.pathParameters()));

        APIGatewayV2HTTPEvent.RequestContext.Http http = new APIGatewayV2HTTPEvent.RequestContext.Http();
        http.setMethod(request.method());
        http.setPath(request.rawPath());
        http.setProtocol(request.protocol());
        http.setSourceIp(request.sourceIp());
        http.setUserAgent(userAgent(request));
        APIGatewayV2HTTPEvent.RequestContext context = new APIGatewayV2HTTPEvent.RequestContext();
        context.setAccountId(ACCOUNT_ID);
        context.setApiId(API_ID);
        context.setDomainName(request.domainName());
        context.setDomainPrefix(domainPrefix(request.domainName()));
        context.setHttp(http);
        context.setRequestId(requestId);
        context.setRouteKey(match.route().routeKey());
        context.setStage(STAGE);
        context.setTime(REQUEST_TIME.format(now));
        context.setTimeEpoch(now.toEpochMilli());
        event.setRequestContext(context);

        if (request.body().length > 0) {
            if (isText(headers(request).get("content-type"))) {
                event.setBody(new String(request.body(), StandardCharsets.UTF_8));
            } else {
                event.setBody(Base64.getEncoder().encodeToString(request.body()));
                event.setIsBase64Encoded(true);
            }
        }
        return event;
    }

    static APIGatewayV2CustomAuthorizerEvent authorizerEvent(LocalHttpRequest request, RouteTable.Match match,
                                                             List<String> identityValues, String requestId,
                                                             Instant now) {
        APIGatewayV2CustomAuthorizerEvent event = new APIGatewayV2CustomAuthorizerEvent();
        event.setVersion("2.0");
        event.setType("REQUEST");
        event.setRouteArn("arn:aws:execute-api:" + LocalIntrinsics.REGION + ":" + ACCOUNT_ID + ":" + API_ID + "/"
                + STAGE + "/" + request.method() + request.rawPath());
        event.setIdentitySource(List.copyOf(identityValues));
        event.setRouteKey(match.route().routeKey());
        event.setRawPath(request.rawPath());
        event.setRawQueryString(request.rawQueryString());
        event.setCookies(cookies(request));
        event.setHeaders(headers(request));
        event.setQueryStringParameters(queryParameters(request.rawQueryString()));
        event.setPathParameters(match.pathParameters().isEmpty() ? null : new LinkedHashMap<>(match.pathParameters()));

        APIGatewayV2CustomAuthorizerEvent.Http http = new APIGatewayV2CustomAuthorizerEvent.Http();
        http.setMethod(request.method());
        http.setPath(request.rawPath());
        http.setProtocol(request.protocol());
        http.setSourceIp(request.sourceIp());
        http.setUserAgent(userAgent(request));
        APIGatewayV2CustomAuthorizerEvent.RequestContext context = new APIGatewayV2CustomAuthorizerEvent.RequestContext();
        context.setAccountId(ACCOUNT_ID);
        context.setApiId(API_ID);
        context.setDomainName(request.domainName());
        context.setDomainPrefix(domainPrefix(request.domainName()));
        context.setHttp(http);
        context.setRequestId(requestId);
        context.setRouteKey(match.route().routeKey());
        context.setStage(STAGE);
        context.setTime(REQUEST_TIME.format(now));
        context.setTimeEpoch(now.toEpochMilli());
        event.setRequestContext(context);
        return event;
    }

    /**
     * The values of the authorizer's identity sources, in order; empty when a header or query-string source is
     * missing (API Gateway then answers 401 without calling the authorizer). Context and stage-variable sources
     * have no local value and are skipped.
     */
    static Optional<List<String>> identityValues(AuthorizerSpec authorizer, LocalHttpRequest request) {
        Map<String, String> headers = headers(request);
        Map<String, String> query = queryParameters(request.rawQueryString());
        List<String> values = new ArrayList<>();
        for (String source : authorizer.identitySources()) {
            String value;
            if (source.startsWith("$request.header.")) {
                value = headers.get(source.substring("$request.header.".length()).toLowerCase(Locale.ROOT));
                if (value == null && source.equalsIgnoreCase("$request.header.cookie")) {
                    List<String> cookies = cookies(request);
                    value = cookies == null ? null : String.join("; ", cookies);
                }
            } else if (source.startsWith("$request.querystring.")) {
                value = query == null ? null : query.get(source.substring("$request.querystring.".length()));
            } else {
                continue;
            }
            if (value == null || value.isEmpty()) {
                return Optional.empty();
            }
            values.add(value);
        }
        return Optional.of(values);
    }

    /** Lower-cased names, repeated headers joined with ","; the Cookie header moves to {@link #cookies}. */
    static Map<String, String> headers(LocalHttpRequest request) {
        Map<String, String> headers = new LinkedHashMap<>();
        request.headers().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!lower.equals("cookie")) {
                headers.merge(lower, String.join(",", values), (a, b) -> a + "," + b);
            }
        });
        String forwardedFor = headers.get("x-forwarded-for");
        headers.put("x-forwarded-for", forwardedFor == null ? request.sourceIp() : forwardedFor + ", " + request.sourceIp());
        headers.put("x-forwarded-port", Integer.toString(request.port()));
        headers.put("x-forwarded-proto", "http");
        return headers;
    }

    /** Every cookie of every Cookie header, split on ';'; {@code null} when there is none. */
    static List<String> cookies(LocalHttpRequest request) {
        List<String> cookies = new ArrayList<>();
        request.headers().forEach((name, values) -> {
            if (name.equalsIgnoreCase("cookie")) {
                for (String header : values) {
                    for (String cookie : header.split(";")) {
                        if (!cookie.isBlank()) {
                            cookies.add(cookie.strip());
                        }
                    }
                }
            }
        });
        return cookies.isEmpty() ? null : cookies;
    }

    /**
     * Decoded query parameters, repeated names joined with ","; {@code null} when there is no query.
     *
     * @throws IllegalArgumentException on malformed percent-encoding
     */
    static Map<String, String> queryParameters(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return null;
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            parameters.merge(name, value, (a, b) -> a + "," + b);
        }
        return parameters.isEmpty() ? null : parameters;
    }

    /** Text bodies pass as UTF-8 strings; everything else, including a body with no content type, as base64. */
    static boolean isText(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return type.startsWith("text/") || type.endsWith("/json") || type.endsWith("+json")
                || type.endsWith("/xml") || type.endsWith("+xml")
                || type.equals("application/x-www-form-urlencoded");
    }

    private static String userAgent(LocalHttpRequest request) {
        return headers(request).getOrDefault("user-agent", "");
    }

    private static String domainPrefix(String domainName) {
        int dot = domainName.indexOf('.');
        return dot < 0 ? domainName : domainName.substring(0, dot);
    }
}
