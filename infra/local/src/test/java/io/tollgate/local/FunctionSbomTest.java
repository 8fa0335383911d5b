package io.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Every deployable function module leaves a CycloneDX SBOM in {@code target/<artifactId>-bom.json}
 * during {@code package}, and that SBOM lists what the function really ships: each dependency the
 * module's pom declares for runtime, and none of the test tooling (JUnit, DynamoDB Local, devkit). The function modules are built
 * before this module in the reactor, so the files exist when this test runs. (Maven skips the
 * CycloneDX goal in {@code -o} offline mode; see SECURITY.md.)
 */
class FunctionSbomTest {

    private static final Path FUNCTIONS = Path.of("../../functions").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void packageWhenFunctionModuleBuiltThenSbomListsItsDeclaredRuntimeDependencies() throws Exception {
        List<Path> modules = functionModules();
        assertTrue(modules.size() >= 10, "function modules found under " + FUNCTIONS);
        for (Path module : modules) {
            Document pom = parse(module.resolve("pom.xml"));
            String artifactId = childText(pom.getDocumentElement(), "artifactId");
            Path bom = module.resolve("target").resolve(artifactId + "-bom.json");
            assertTrue(Files.isRegularFile(bom), bom + " is missing: the function's `package` must write its SBOM "
                    + "(the CycloneDX goal does not run in Maven offline mode -o)");
            JsonNode sbom = JSON.readTree(bom.toFile());
            assertEquals("CycloneDX", sbom.path("bomFormat").asText(), bom.toString());
            assertEquals(artifactId, sbom.path("metadata").path("component").path("name").asText(), bom.toString());
            Set<String> components = new HashSet<>();
            for (JsonNode component : sbom.path("components")) {
                components.add(component.path("group").asText() + ":" + component.path("name").asText());
                assertTrue(component.path("purl").asText().startsWith("pkg:maven/"), bom + " " + component);
                assertTrue(hasSha256(component), bom + ": no SHA-256 for " + component.path("name").asText());
            }
            for (String runtime : declaredRuntime(pom)) {
                assertTrue(components.contains(runtime), bom + " does not list its runtime dependency " + runtime);
            }
            // A test-scoped declaration may still ship as someone's transitive dependency (a module's
            // test-jar next to its main jar); these three are only ever used by tests.
            assertFalse(components.contains("io.tollgate:tollgate-devkit"), bom + " lists the test devkit");
            assertFalse(components.contains("org.junit.jupiter:junit-jupiter-api"), bom + " lists JUnit");
            assertFalse(components.contains("com.amazonaws:DynamoDBLocal"), bom + " lists DynamoDB Local");
        }
    }

    @Test
    void loginSbomWhenBuiltThenListsTheDynamoDbClientAndJwtLibrary() throws IOException {
        JsonNode sbom = JSON.readTree(FUNCTIONS.resolve("login/target/tollgate-login-bom.json").toFile());
        Set<String> components = new HashSet<>();
        sbom.path("components").forEach(c -> components.add(c.path("group").asText() + ":" + c.path("name").asText()));
        assertTrue(components.contains("software.amazon.awssdk:dynamodb"), "login reads and writes DynamoDB");
        assertTrue(components.contains("io.jsonwebtoken:jjwt-api"), "login signs JWTs");
        assertTrue(components.contains("io.tollgate:tollgate-core"), "login's rules live in tollgate-core");
    }

    private static boolean hasSha256(JsonNode component) {
        for (JsonNode hash : component.path("hashes")) {
            if ("SHA-256".equals(hash.path("alg").asText()) && hash.path("content").asText().length() == 64) {
                return true;
            }
        }
        return false;
    }

    private static List<Path> functionModules() throws IOException {
        try (Stream<Path> dirs = Files.list(FUNCTIONS)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("pom.xml"))).sorted().toList();
        }
    }

    private static Document parse(Path pom) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(pom.toFile());
    }

    /** groupId:artifactId of the dependencies the pom declares in compile or runtime scope. */
    private static Set<String> declaredRuntime(Document pom) {
        Set<String> result = new HashSet<>();
        Element dependencies = child(pom.getDocumentElement(), "dependencies");
        if (dependencies == null) {
            return result;
        }
        for (Element dependency : children(dependencies, "dependency")) {
            String scope = childText(dependency, "scope");
            if (scope == null || "compile".equals(scope) || "runtime".equals(scope)) {
                result.add(childText(dependency, "groupId") + ":" + childText(dependency, "artifactId"));
            }
        }
        return result;
    }

    private static Element child(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? null : found.get(0);
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> result = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node node = nodes.item(i);
            if (node instanceof Element element && element.getTagName().equals(name)) {
                result.add(element);
            }
        }
        return result;
    }

    private static String childText(Element parent, String name) {
        Element element = child(parent, name);
        return element == null ? null : element.getTextContent().trim();
    }
}
