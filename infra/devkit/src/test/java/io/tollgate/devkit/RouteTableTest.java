package io.tollgate.devkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RouteTableTest {

    private static HttpRoute route(String method, String path) {
        return new HttpRoute(method, path, "Fn", Optional.empty());
    }

    private static String selected(RouteTable table, String method, String path) {
        return table.match(method, path).map(m -> m.route().routeKey()).orElse("none");
    }

    @Test
    void routeWhenStaticAndParamSegmentsCompeteThenStaticWins() {
        RouteTable table = new RouteTable(List.of(route("GET", "/v1/users/{id}"), route("GET", "/v1/users/me")));
        assertEquals("GET /v1/users/me", selected(table, "GET", "/v1/users/me"));
        assertEquals("GET /v1/users/{id}", selected(table, "GET", "/v1/users/42"));
    }

    @Test
    void routeWhenParamAndGreedyCompeteThenParamWins() {
        RouteTable table = new RouteTable(List.of(route("GET", "/pets/{proxy+}"), route("GET", "/pets/{id}")));
        assertEquals("GET /pets/{id}", selected(table, "GET", "/pets/1"));
        assertEquals("GET /pets/{proxy+}", selected(table, "GET", "/pets/1/toys"));
    }

    @Test
    void routeWhenAwsDocumentedExampleThenSameSelection() {
        RouteTable table = new RouteTable(List.of(route("GET", "/pets/dog/1"), route("GET", "/pets/dog/{id}"),
                route("GET", "/pets/{proxy+}"), route("ANY", "/{proxy+}"), route("ANY", "$default")));
        assertEquals("GET /pets/dog/1", selected(table, "GET", "/pets/dog/1"));
        assertEquals("GET /pets/dog/{id}", selected(table, "GET", "/pets/dog/2"));
        assertEquals("GET /pets/{proxy+}", selected(table, "GET", "/pets/cat/1"));
        assertEquals("ANY /{proxy+}", selected(table, "POST", "/pets/dog/1"));
        assertEquals("$default", selected(table, "GET", "/"));
    }

    @Test
    void routeWhenExactMethodAndAnyCompeteThenExactMethodWins() {
        RouteTable table = new RouteTable(List.of(route("ANY", "/items"), route("POST", "/items")));
        assertEquals("POST /items", selected(table, "POST", "/items"));
        assertEquals("ANY /items", selected(table, "DELETE", "/items"));
    }

    @Test
    void routeWhenMethodDiffersThenNoMatch() {
        RouteTable table = new RouteTable(List.of(route("POST", "/v1/auth/login")));
        assertEquals("none", selected(table, "GET", "/v1/auth/login"));
    }

    @Test
    void routeWhenSegmentCountDiffersThenNoMatch() {
        RouteTable table = new RouteTable(List.of(route("GET", "/v1/users/{id}")));
        assertEquals("none", selected(table, "GET", "/v1/users"));
        assertEquals("none", selected(table, "GET", "/v1/users/"));
        assertEquals("none", selected(table, "GET", "/v1/users/1/roles"));
    }

    @Test
    void routeWhenGreedyHasNothingToMatchThenNoMatch() {
        RouteTable table = new RouteTable(List.of(route("ANY", "/files/{proxy+}")));
        assertEquals("none", selected(table, "GET", "/files"));
        assertEquals("none", selected(table, "GET", "/files/"));
    }

    @Test
    void routeWhenParametersThenDecodedValues() {
        RouteTable table = new RouteTable(List.of(route("GET", "/t/{tenant}/u/{id}"), route("ANY", "/f/{path+}")));
        assertEquals(Map.of("tenant", "acme corp", "id", "a+b"),
                table.match("GET", "/t/acme%20corp/u/a+b").orElseThrow().pathParameters());
        assertEquals(Map.of("path", "a/b c/d.txt"),
                table.match("PUT", "/f/a/b%20c/d.txt").orElseThrow().pathParameters());
    }

    @Test
    void routeWhenDeclaredTwiceThenRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new RouteTable(List.of(route("GET", "/a"), route("get", "/a"))));
    }

    @Test
    void routeWhenGreedyNotLastThenRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RouteTable(List.of(route("GET", "/a/{p+}/b"))));
        assertTrue(e.getMessage().contains("last"), e.getMessage());
    }
}
