package io.tollgate.devkit;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * API Gateway HTTP API route selection: a request goes to the most specific matching route. Paths are compared
 * segment by segment from the left, and at the first difference a static segment beats a {@code {param}}, which
 * beats a greedy {@code {proxy+}}; on equal paths a route for the exact method beats {@code ANY}; the
 * {@code $default} route comes last. Greedy variables match one or more trailing segments, as in API Gateway.
 */
final class RouteTable {

    /** A selected route and its decoded path parameters. */
    record Match(HttpRoute route, Map<String, String> pathParameters) {
    }

    private enum Kind { STATIC, PARAMETER, GREEDY }

    private record Segment(Kind kind, String text) {
        static Segment of(String raw) {
            if (raw.startsWith("{") && raw.endsWith("+}")) {
                return new Segment(Kind.GREEDY, raw.substring(1, raw.length() - 2));
            }
            if (raw.startsWith("{") && raw.endsWith("}")) {
                return new Segment(Kind.PARAMETER, raw.substring(1, raw.length() - 1));
            }
            return new Segment(Kind.STATIC, raw);
        }
    }

    private record CompiledRoute(HttpRoute route, List<Segment> segments, boolean catchAll) {
    }

    private static final Comparator<CompiledRoute> MOST_SPECIFIC_FIRST = RouteTable::compareSpecificity;

    private final List<CompiledRoute> routes;

    RouteTable(List<HttpRoute> routes) {
        Set<String> keys = new HashSet<>();
        List<CompiledRoute> compiled = new ArrayList<>();
        for (HttpRoute route : routes) {
            if (!keys.add(route.routeKey())) {
                throw new IllegalArgumentException("Route " + route.routeKey() + " is declared twice");
            }
            compiled.add(compile(route));
        }
        compiled.sort(MOST_SPECIFIC_FIRST);
        this.routes = List.copyOf(compiled);
    }

    /** The route API Gateway would pick for {@code method} and the raw (still percent-encoded) path. */
    Optional<Match> match(String method, String rawPath) {
        String[] requested = rawPath.startsWith("/") ? rawPath.substring(1).split("/", -1) : null;
        for (CompiledRoute candidate : routes) {
            if (!candidate.route().method().equals("ANY") && !candidate.route().method().equals(method)) {
                continue;
            }
            if (candidate.catchAll()) {
                return Optional.of(new Match(candidate.route(), Map.of()));
            }
            if (requested != null) {
                Map<String, String> parameters = bind(candidate.segments(), requested);
                if (parameters != null) {
                    return Optional.of(new Match(candidate.route(), parameters));
                }
            }
        }
        return Optional.empty();
    }

    private static CompiledRoute compile(HttpRoute route) {
        if (route.path().equals(HttpRoute.DEFAULT_ROUTE)) {
            return new CompiledRoute(route, List.of(), true);
        }
        if (!route.path().startsWith("/")) {
            throw new IllegalArgumentException("Route path must start with '/': " + route.routeKey());
        }
        List<Segment> segments = Arrays.stream(route.path().substring(1).split("/", -1)).map(Segment::of).toList();
        for (int i = 0; i < segments.size() - 1; i++) {
            if (segments.get(i).kind() == Kind.GREEDY) {
                throw new IllegalArgumentException("A greedy {name+} segment must be last: " + route.routeKey());
            }
        }
        return new CompiledRoute(route, segments, false);
    }

    /** Path parameters when {@code requested} fits {@code template}, else {@code null}. */
    private static Map<String, String> bind(List<Segment> template, String[] requested) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i < template.size(); i++) {
            Segment segment = template.get(i);
            if (segment.kind() == Kind.GREEDY) {
                if (i >= requested.length) {
                    return null;
                }
                String rest = String.join("/", Arrays.copyOfRange(requested, i, requested.length));
                if (rest.isEmpty()) {
                    return null;
                }
                parameters.put(segment.text(), decode(rest));
                return parameters;
            }
            if (i >= requested.length) {
                return null;
            }
            String value = decode(requested[i]);
            if (segment.kind() == Kind.STATIC ? !segment.text().equals(value) : value.isEmpty()) {
                return null;
            }
            if (segment.kind() == Kind.PARAMETER) {
                parameters.put(segment.text(), value);
            }
        }
        return template.size() == requested.length ? parameters : null;
    }

    /** Percent-decoding of a path segment; '+' is a literal plus in a path. */
    static String decode(String raw) {
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static int compareSpecificity(CompiledRoute a, CompiledRoute b) {
        if (a.catchAll() != b.catchAll()) {
            return a.catchAll() ? 1 : -1;
        }
        int common = Math.min(a.segments().size(), b.segments().size());
        for (int i = 0; i < common; i++) {
            int byKind = a.segments().get(i).kind().compareTo(b.segments().get(i).kind());
            if (byKind != 0) {
                return byKind;
            }
        }
        boolean aAny = a.route().method().equals("ANY");
        boolean bAny = b.route().method().equals("ANY");
        if (aAny != bAny) {
            return aAny ? 1 : -1;
        }
        return a.route().routeKey().compareTo(b.route().routeKey());
    }
}
