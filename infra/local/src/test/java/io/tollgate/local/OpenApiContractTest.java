package io.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.authz.RouteCatalog;
import io.tollgate.devkit.FunctionSpec;
import io.tollgate.devkit.HttpRoute;
import io.tollgate.devkit.SamTemplate;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * docs/openapi.yaml documents exactly the routes template.yaml serves, and says which
 * ones need no credential exactly as the route catalog does.
 */
class OpenApiContractTest {

    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");
    /** Served only by the local runtime, documented for it. */
    private static final Set<String> LOCAL_ONLY = Set.of("GET /health");

    @Test
    @SuppressWarnings("unchecked")
    void openApiWhenComparedWithTemplateThenSameRoutesAndSamePublicOnes() throws Exception {
        SamTemplate template = SamTemplate.findFrom(Path.of("").toAbsolutePath());
        Path root = template.location().orElseThrow().getParent();
        Map<String, Object> openApi = new org.yaml.snakeyaml.Yaml(new org.yaml.snakeyaml.constructor.SafeConstructor(
                new org.yaml.snakeyaml.LoaderOptions())).load(java.nio.file.Files.readString(root.resolve("docs/openapi.yaml")));
        boolean securedByDefault = openApi.containsKey("security");

        Set<String> documented = new TreeSet<>();
        Set<String> documentedPublic = new TreeSet<>();
        ((Map<String, Object>) openApi.get("paths")).forEach((path, item) -> ((Map<String, Object>) item)
                .forEach((method, operation) -> {
                    if (!METHODS.contains(method)) {
                        return;
                    }
                    String key = method.toUpperCase(java.util.Locale.ROOT) + " " + path;
                    documented.add(key);
                    Object security = ((Map<String, Object>) operation).get("security");
                    if (security instanceof java.util.List<?> list && list.isEmpty() || !securedByDefault && security == null) {
                        documentedPublic.add(key);
                    }
                }));
        Set<String> served = new TreeSet<>();
        for (FunctionSpec function : template.functions()) {
            for (HttpRoute route : function.httpRoutes()) {
                served.add(route.method() + " " + route.path());
            }
        }
        Set<String> undocumented = new TreeSet<>(served);
        undocumented.removeAll(documented);
        Set<String> unserved = new TreeSet<>(documented);
        unserved.removeAll(served);
        unserved.removeAll(LOCAL_ONLY);
        assertEquals(Set.of(), undocumented, "served by template.yaml but not in docs/openapi.yaml");
        assertEquals(Set.of(), unserved, "in docs/openapi.yaml but served by no function");

        Set<String> publicInCatalog = new TreeSet<>();
        RouteCatalog.load().routes().stream().filter(r -> r.access() == io.tollgate.authz.Route.Access.PUBLIC)
                .map(io.tollgate.authz.Route::key).filter(served::contains).forEach(publicInCatalog::add);
        documentedPublic.removeAll(LOCAL_ONLY);
        assertEquals(publicInCatalog, documentedPublic, "security: [] exactly on the public routes");
        assertTrue(documented.size() > 30, "the whole API is documented");
    }
}
