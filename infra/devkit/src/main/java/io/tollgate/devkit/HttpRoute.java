package io.tollgate.devkit;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One route of the HTTP API, from a function's {@code Type: HttpApi} event: what API Gateway would match and
 * which function (and Lambda authorizer, if any) it would call.
 *
 * @param method            upper-case HTTP method, or {@code ANY}
 * @param path              path template such as {@code /v1/users/{id}} or {@code /files/{proxy+}}, or
 *                          {@code $default}
 * @param functionLogicalId the function the route integrates with
 * @param authorizer        the authorizer name; empty when the route is public ({@code Authorizer: NONE} or no
 *                          default authorizer)
 */
public record HttpRoute(String method, String path, String functionLogicalId, Optional<String> authorizer) {

    /** The route key of the {@code $default} catch-all route. */
    public static final String DEFAULT_ROUTE = "$default";

    public HttpRoute {
        method = Objects.requireNonNull(method, "method").toUpperCase(Locale.ROOT);
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(functionLogicalId, "functionLogicalId");
        Objects.requireNonNull(authorizer, "authorizer");
    }

    /** API Gateway's route key: {@code POST /v1/auth/login}, or {@code $default}. */
    public String routeKey() {
        return path.equals(DEFAULT_ROUTE) ? DEFAULT_ROUTE : method + " " + path;
    }
}
