package io.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.devkit.SamTemplate;
import io.tollgate.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deploy rehearsal: what {@code sam build} and {@code sam deploy} would do to {@code template.yaml}, done
 * without an AWS account. cfn-lint reads the template, the SAM translator turns it into the CloudFormation that
 * would be deployed (so the roles and policies SAM adds are checked too), and the Makefile that {@code sam build}
 * calls is checked target by target and run for one function.
 *
 * <p>The Python tools (cfn-lint, aws-sam-translator) run through {@code infra/rehearsal/rehearse.py}. Where they
 * are missing a test says what to install and is skipped; with {@code CI=true} it fails instead, so CI never
 * passes without the rehearsal. Accepted findings and IAM exceptions are listed, each with its reason, in
 * {@code infra/rehearsal/accepted-findings.txt}.
 */
class DeployRehearsalTest {

    private static final Pattern ACCEPTED = Pattern.compile("^(cfn-lint|managed-policy|statement) (\\S+)(?: (\\S+))?: (.+)$");
    private static final Pattern MAKE_TARGET = Pattern.compile("^build-([A-Za-z0-9]+):", Pattern.MULTILINE);

    private static Path root;
    private static SamTemplate template;

    @BeforeAll
    static void locate() {
        template = SamTemplate.findFrom(Path.of("").toAbsolutePath());
        root = template.location().orElseThrow().getParent();
    }

    @Test
    void cfnLintWhenRunOnTheTemplateThenNoErrorsNoWarningsAndOnlyAcceptedInformationalFindings() throws Exception {
        String output = rehearse("lint");
        Map<String, String> accepted = accepted("cfn-lint");
        Set<String> used = new TreeSet<>();
        List<String> refused = new ArrayList<>();
        for (String line : output.lines().filter(l -> !l.isBlank()).toList()) {
            JsonNode finding = Json.mapper().readTree(line);
            String rule = finding.get("rule").asText();
            String resource = finding.get("resource").asText();
            String where = "template.yaml:" + finding.get("line").asInt() + " " + rule + " " + resource + " "
                    + finding.get("message").asText();
            if (!rule.startsWith("I")) {
                refused.add(where);
                continue;
            }
            String match = accepted.keySet().stream()
                    .filter(key -> key.startsWith(rule + " ") && glob(key.substring(rule.length() + 1)).matcher(resource).matches())
                    .findFirst().orElse(null);
            if (match == null) {
                refused.add(where + " (not in infra/rehearsal/accepted-findings.txt)");
            } else {
                used.add(match);
            }
        }
        assertEquals(List.of(), refused, "cfn-lint: errors, warnings and unlisted informational findings");
        Set<String> stale = new TreeSet<>(accepted.keySet());
        stale.removeAll(used);
        assertEquals(Set.of(), stale, "accepted cfn-lint findings that no longer occur: remove them");
    }

    @Test
    @SuppressWarnings("unchecked")
    void samTransformWhenRunThenNoRoleGrantsResourceStarBeyondTheStatedExceptions() throws Exception {
        SamTemplate deployed = transformed();
        Map<String, String> managed = accepted("managed-policy");
        Map<String, String> statements = accepted("statement");
        List<String> refused = new ArrayList<>();
        int roles = 0;
        for (var entry : deployed.resources().entrySet()) {
            if (!"AWS::IAM::Role".equals(entry.getValue().get("Type"))) {
                continue;
            }
            roles++;
            Map<String, Object> properties = (Map<String, Object>) entry.getValue().get("Properties");
            for (Object arn : (List<Object>) properties.getOrDefault("ManagedPolicyArns", List.of())) {
                String name = managedPolicyName(arn);
                if (!managed.containsKey(name)) {
                    refused.add(entry.getKey() + " attaches managed policy " + name);
                }
            }
            for (Map<String, Object> policy : (List<Map<String, Object>>) properties.getOrDefault("Policies", List.of())) {
                Map<String, Object> document = (Map<String, Object>) policy.get("PolicyDocument");
                for (Map<String, Object> statement : (List<Map<String, Object>>) document.get("Statement")) {
                    Object resources = statement.get("Resource");
                    boolean star = resources instanceof List<?> list ? list.contains("*") : "*".equals(resources);
                    if (star && "Allow".equals(statement.get("Effect"))
                            && !statements.containsKey(entry.getKey() + "/" + statement.get("Sid"))) {
                        refused.add(entry.getKey() + " statement " + statement.get("Sid") + " allows Resource *");
                    }
                }
            }
        }
        assertTrue(roles >= template.functions().size(), "the transform creates a role per function: " + roles);
        assertEquals(List.of(), refused, "Resource * beyond infra/rehearsal/accepted-findings.txt");
    }

    /** {@code arn:aws:iam::aws:policy/service-role/X} or its {@code !Sub} with the partition: X. */
    private static String managedPolicyName(Object arn) {
        String text = arn instanceof Map<?, ?> sub ? String.valueOf(sub.get("Fn::Sub")) : String.valueOf(arn);
        assertTrue(text.contains(":iam::aws:policy/"), "only AWS managed policies are attached by ARN: " + text);
        return text.substring(text.lastIndexOf('/') + 1);
    }

    @Test
    void makefileWhenSamBuildsThenEveryMakefileFunctionHasATarget() throws IOException {
        Set<String> targets = new TreeSet<>();
        Matcher matcher = MAKE_TARGET.matcher(Files.readString(root.resolve("Makefile")));
        while (matcher.find()) {
            targets.add(matcher.group(1));
        }
        Set<String> missing = new TreeSet<>();
        for (var entry : template.resources().entrySet()) {
            if (entry.getValue().get("Metadata") instanceof Map<?, ?> metadata && "makefile".equals(metadata.get("BuildMethod"))
                    && !targets.contains(entry.getKey())) {
                missing.add(entry.getKey());
            }
        }
        assertFalse(targets.isEmpty());
        assertEquals(Set.of(), missing, "functions with BuildMethod: makefile but no build-<Function> target");
    }

    /**
     * {@code sam build} runs {@code make build-JwksFunction ARTIFACTS_DIR=...}; the zip it makes of that directory
     * must hold the handler class in a jar under {@code lib/} together with every runtime dependency.
     */
    @Test
    void makeBuildWhenRunForAFunctionThenArtifactsAreALambdaJavaLayout(@TempDir Path artifacts) throws Exception {
        requireTools("make and mvn", "apt-get install make maven", List.of("make", "--version"), List.of("mvn", "--version"));
        String handler = template.function("JwksFunction").orElseThrow().handler().split("::")[0];
        Process make = new ProcessBuilder("make", "-s", "build-JwksFunction", "ARTIFACTS_DIR=" + artifacts,
                "JAVA_HOME=" + System.getProperty("java.home"))
                .directory(root.toFile()).redirectErrorStream(true).start();
        String log = new String(make.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(make.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, make.exitValue(), log);
        List<Path> top;
        try (var files = Files.list(artifacts)) {
            top = files.toList();
        }
        assertEquals(List.of(artifacts.resolve("lib")), top, "a Lambda Java zip holds lib/ (and nothing loose)");
        List<Path> jars;
        try (var files = Files.list(artifacts.resolve("lib"))) {
            jars = files.filter(f -> f.toString().endsWith(".jar")).toList();
        }
        Set<String> classes = new TreeSet<>();
        for (Path jar : jars) {
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                zip.stream().map(e -> e.getName()).filter(n -> n.endsWith(".class")).forEach(classes::add);
            }
        }
        for (String required : List.of(handler, "io.tollgate.platform.TollgateServices",
                "com.amazonaws.services.lambda.runtime.RequestHandler", "software.amazon.awssdk.services.secretsmanager.SecretsManagerClient")) {
            assertTrue(classes.contains(required.replace('.', '/') + ".class"), required + " is not in lib/");
        }
    }

    /** The CloudFormation {@code sam deploy} would submit, parsed like the template itself. */
    static SamTemplate transformed() throws Exception {
        return SamTemplate.parse(rehearse("transform"), "SAM transform of template.yaml");
    }

    /** Runs {@code infra/rehearsal/rehearse.py <command> template.yaml}; skips (or, under CI, fails) without the tools. */
    static String rehearse(String command) throws Exception {
        String python = pythonWithTools();
        Process process = new ProcessBuilder(python, "infra/rehearsal/rehearse.py", command, "template.yaml")
                .directory(root().toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(3, TimeUnit.MINUTES), "rehearse.py " + command + " timed out");
        assertEquals(0, process.exitValue(), "rehearse.py " + command + " failed");
        return output;
    }

    private static Path root() {
        return root != null ? root : SamTemplate.findFrom(Path.of("").toAbsolutePath()).location().orElseThrow().getParent();
    }

    private static String pythonWithTools() {
        return ExternalTools.pythonWith("cfnlint, samtranslator", "cfn-lint and aws-sam-translator (Python 3.11)",
                "pip install cfn-lint==1.51.0 aws-sam-translator==1.110.0");
    }

    private static void requireTools(String what, String install, List<String>... probes) {
        for (List<String> probe : probes) {
            if (!ExternalTools.succeeds(probe)) {
                ExternalTools.unavailable(what, install);
            }
        }
    }

    /**
     * The {@code kind} entries of {@code infra/rehearsal/accepted-findings.txt}: key (rule and resource for cfn-lint,
     * policy name, or Role/Sid) to reason. Every entry must give a reason.
     */
    static Map<String, String> accepted(String kind) throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        for (String line : Files.readAllLines(root().resolve("infra/rehearsal/accepted-findings.txt"))) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher matcher = ACCEPTED.matcher(line);
            assertTrue(matcher.matches(), "accepted-findings.txt: '<kind> <key>: <reason>' expected, got " + line);
            if (matcher.group(1).equals(kind)) {
                String key = matcher.group(3) == null ? matcher.group(2) : matcher.group(2) + " " + matcher.group(3);
                assertTrue(matcher.group(4).length() > 20, "give a reason: " + line);
                entries.put(key, matcher.group(4));
            }
        }
        return entries;
    }

    private static Pattern glob(String resource) {
        return Pattern.compile(Pattern.quote(resource).replace("*", "\\E.*\\Q"));
    }
}
