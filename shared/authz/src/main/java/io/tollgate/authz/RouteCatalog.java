package io.tollgate.authz;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.tollgate.http.TokenResponses;
import io.tollgate.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Every HTTP route of docs/openapi.yaml, declared once in {@code io/tollgate/authz/routes.json}, and the
 * matcher that maps a request to its route. The authorizer, the local runtime and the template
 * checks all read this one catalog; a route that is not declared is denied.
 *
 * <p>Matching is exact and deliberately narrow: the method must be an upper-case declared method;
 * the raw path must start with {@code /}, contain no query, no empty segment (no {@code //}, no
 * trailing {@code /}), no {@code .} or {@code ..} segment and no percent-encoding in parameters;
 * literal segments compare case-sensitively; a parameter value is 1..128 unreserved characters
 * (RFC 3986 §2.3). Templates are checked at load to be unambiguous (no request can match two
 * routes), so declaration order never matters. Immutable and thread-safe.
 */
public final class RouteCatalog {

    /** The classpath resource holding the routes. */
    public static final String RESOURCE = "/io/tollgate/authz/routes.json";

    private static final Pattern PARAMETER_VALUE = Pattern.compile("[A-Za-z0-9._~-]{1,128}");
    private static final Pattern LITERAL = Pattern.compile("[A-Za-z0-9._~-]+");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z][a-zA-Z0-9]*)}");

    /** A route with its template split into segments ({@code null} = parameter). */
    private record Compiled(Route route, String[] literals, String[] parameterNames) {
    }

    private final List<Route> routes;
    private final Map<String, List<Compiled>> byMethod;

    private RouteCatalog(List<Compiled> compiled) {
        this.routes = compiled.stream().map(Compiled::route).toList();
        Map<String, List<Compiled>> grouped = new HashMap<>();
        for (Compiled c : compiled) {
            grouped.computeIfAbsent(c.route().method(), m -> new ArrayList<>()).add(c);
        }
        grouped.replaceAll((m, list) -> List.copyOf(list));
        this.byMethod = Map.copyOf(grouped);
    }

    record TargetFile(String tenant, String org, String user) {
    }

    record RouteFile(String method, String path, @JsonProperty("public") Boolean isPublic, Boolean self,
            String permission, String credential, TargetFile target, List<String> audiences) {
    }

    record RoutesFile(String source, List<RouteFile> routes) {
    }

    /** The bundled catalog. */
    public static RouteCatalog load() {
        try (InputStream in = RouteCatalog.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("Missing classpath resource " + RESOURCE);
            }
            return fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + RESOURCE, e);
        }
    }

    /** A catalog from a routes document (same format as {@link #RESOURCE}); refuses any ambiguity. */
    public static RouteCatalog fromJson(String json) {
        RoutesFile file;
        try {
            file = Json.mapper().readValue(json, RoutesFile.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Routes are not valid JSON of the expected shape", e);
        }
        if (file.routes() == null || file.routes().isEmpty()) {
            throw new IllegalArgumentException("No routes declared");
        }
        List<Compiled> compiled = new ArrayList<>();
        for (RouteFile declared : file.routes()) {
            Compiled route = compile(declared);
            for (Compiled other : compiled) {
                if (overlaps(route, other)) {
                    throw new IllegalArgumentException("Ambiguous routes: " + route.route().key() + " and "
                            + other.route().key());
                }
            }
            compiled.add(route);
        }
        return new RouteCatalog(compiled);
    }

    private static Compiled compile(RouteFile declared) {
        String where = declared.method() + " " + declared.path();
        if (declared.method() == null || !Set.of("GET", "POST", "PUT", "PATCH", "DELETE").contains(declared.method())
                || declared.path() == null || !declared.path().startsWith("/")) {
            throw new IllegalArgumentException("Invalid route " + where);
        }
        String[] segments = declared.path().substring(1).split("/", -1);
        String[] literals = new String[segments.length];
        String[] names = new String[segments.length];
        Set<String> parameters = new HashSet<>();
        for (int i = 0; i < segments.length; i++) {
            var placeholder = PLACEHOLDER.matcher(segments[i]);
            if (placeholder.matches()) {
                names[i] = placeholder.group(1);
                if (!parameters.add(names[i])) {
                    throw new IllegalArgumentException(where + ": parameter {" + names[i] + "} repeated");
                }
            } else if (LITERAL.matcher(segments[i]).matches()) {
                literals[i] = segments[i];
            } else {
                throw new IllegalArgumentException(where + ": invalid segment '" + segments[i] + "'");
            }
        }
        boolean isPublic = Boolean.TRUE.equals(declared.isPublic());
        boolean self = Boolean.TRUE.equals(declared.self());
        boolean permission = declared.permission() != null;
        if ((isPublic ? 1 : 0) + (self ? 1 : 0) + (permission ? 1 : 0) != 1) {
            throw new IllegalArgumentException(where + ": exactly one of public, self, permission");
        }
        if (!permission && declared.target() != null) {
            throw new IllegalArgumentException(where + ": only permission routes declare a target");
        }
        Route.Access access = isPublic ? Route.Access.PUBLIC : self ? Route.Access.SELF : Route.Access.PERMISSION;
        Route.Credential credential = isPublic ? Route.Credential.NONE
                : declared.credential() == null || declared.credential().equals("bearer") ? Route.Credential.BEARER
                : declared.credential().equals("api_key") ? Route.Credential.API_KEY : null;
        if (credential == null || (isPublic && declared.credential() != null)) {
            throw new IllegalArgumentException(where + ": credential must be bearer or api_key, and absent on public routes");
        }
        Route.TargetRule target = permission ? target(where, declared.target(), parameters)
                : Route.TargetRule.callerTenant();
        List<String> audiences = declared.audiences() == null ? List.of() : declared.audiences();
        if (declared.audiences() != null && (audiences.isEmpty() || new HashSet<>(audiences).size() != audiences.size()
                || audiences.stream().anyMatch(a -> a == null || !TokenResponses.AUDIENCE.matcher(a).matches()))) {
            throw new IllegalArgumentException(where + ": audiences, when given, are distinct audience names");
        }
        Route route = new Route(declared.method(), declared.path(), access,
                permission ? Optional.of(Permission.required(declared.permission())) : Optional.empty(), credential, target,
                Set.copyOf(audiences));
        return new Compiled(route, literals, names);
    }

    private static Route.TargetRule target(String where, TargetFile file, Set<String> parameters) {
        if (file == null) {
            return Route.TargetRule.callerTenant();
        }
        String tenant = file.tenant() == null ? "token" : file.tenant();
        Route.TargetRule.TenantSource source = switch (tenant) {
            case "token" -> Route.TargetRule.TenantSource.TOKEN;
            case "none" -> Route.TargetRule.TenantSource.NONE;
            default -> Route.TargetRule.TenantSource.PATH;
        };
        Optional<String> tenantParam = source == Route.TargetRule.TenantSource.PATH
                ? Optional.of(parameter(where, tenant, parameters)) : Optional.empty();
        Optional<String> org = Optional.ofNullable(file.org()).map(p -> parameter(where, p, parameters));
        Optional<String> user = Optional.ofNullable(file.user()).map(p -> parameter(where, p, parameters));
        return new Route.TargetRule(source, tenantParam, org, user);
    }

    private static String parameter(String where, String reference, Set<String> parameters) {
        var placeholder = PLACEHOLDER.matcher(reference);
        if (!placeholder.matches() || !parameters.contains(placeholder.group(1))) {
            throw new IllegalArgumentException(where + ": target " + reference + " is not a path parameter");
        }
        return placeholder.group(1);
    }

    /** Whether some request path could match both (same method, same length, compatible segments). */
    private static boolean overlaps(Compiled a, Compiled b) {
        if (!a.route().method().equals(b.route().method()) || a.literals().length != b.literals().length) {
            return false;
        }
        for (int i = 0; i < a.literals().length; i++) {
            String x = a.literals()[i];
            String y = b.literals()[i];
            if (x != null && y != null && !x.equals(y)) {
                return false;
            }
        }
        return true;
    }

    /** Every declared route, in declaration order. */
    public List<Route> routes() {
        return routes;
    }

    /**
     * The route a request is for, with its path parameters; empty (deny) for an undeclared method
     * or path, or a path that is not in canonical form.
     *
     * @param method  the HTTP method as sent (API Gateway {@code requestContext.http.method})
     * @param rawPath the path as sent, without query ({@code rawPath})
     */
    public Optional<RouteMatch> match(String method, String rawPath) {
        if (method == null || rawPath == null || rawPath.isEmpty() || rawPath.charAt(0) != '/') {
            return Optional.empty();
        }
        List<Compiled> candidates = byMethod.get(method);
        if (candidates == null) {
            return Optional.empty();
        }
        String[] segments = split(rawPath);
        if (segments == null) {
            return Optional.empty();
        }
        for (Compiled candidate : candidates) {
            Map<String, String> parameters = bind(candidate, segments);
            if (parameters != null) {
                return Optional.of(new RouteMatch(candidate.route(), parameters));
            }
        }
        return Optional.empty();
    }

    /** The segments after the leading slash, or null when any is empty or a dot segment. */
    private static String[] split(String rawPath) {
        int count = 1;
        for (int i = 1; i < rawPath.length(); i++) {
            if (rawPath.charAt(i) == '/') {
                count++;
            }
        }
        String[] segments = new String[count];
        int start = 1;
        for (int s = 0; s < count; s++) {
            int end = rawPath.indexOf('/', start);
            if (end < 0) {
                end = rawPath.length();
            }
            if (end == start) {
                return null;
            }
            String segment = rawPath.substring(start, end);
            if (segment.equals(".") || segment.equals("..")) {
                return null;
            }
            segments[s] = segment;
            start = end + 1;
        }
        return segments;
    }

    private static Map<String, String> bind(Compiled candidate, String[] segments) {
        String[] literals = candidate.literals();
        if (literals.length != segments.length) {
            return null;
        }
        for (int i = 0; i < literals.length; i++) {
            if (literals[i] != null && !literals[i].equals(segments[i])) {
                return null;
            }
        }
        Map<String, String> parameters = Map.of();
        for (int i = 0; i < literals.length; i++) {
            if (literals[i] == null) {
                if (!PARAMETER_VALUE.matcher(segments[i]).matches()) {
                    return null;
                }
                if (parameters.isEmpty()) {
                    parameters = new HashMap<>(2);
                }
                parameters.put(candidate.parameterNames()[i], segments[i]);
            }
        }
        return parameters;
    }

    @Override
    public String toString() {
        return "RouteCatalog[" + routes.size() + " routes]";
    }

    /** For callers that want to assert a declared route exists, e.g. template checks. */
    public Optional<Route> declared(String method, String pathTemplate) {
        Objects.requireNonNull(method, "method");
        return routes.stream().filter(r -> r.method().equals(method) && r.path().equals(pathTemplate)).findFirst();
    }
}
