package io.tollgate.bench;

import io.tollgate.devkit.DynamoDbLocalServer;
import io.tollgate.devkit.FunctionSpec;
import io.tollgate.devkit.SamTemplate;
import io.tollgate.devkit.TableProvisioner;
import io.tollgate.platform.TollgateServices;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Cold start of EVERY handler of {@code template.yaml}: for each, {@code forks} fresh JVMs with
 * Lambda's flags ({@code -XX:TieredStopAtLevel=1}), each timing the no-arg constructor from the
 * function's template environment (init) and the first {@code handleRequest} with the handler's
 * {@code events/} sample ({@link HandlerColdStartProbe}). The baseline of the same run is a bare
 * {@code DynamoDbClient} creation in a fresh JVM, so results are recorded as ratios.
 *
 * <p>No AWS call leaves the machine: every SDK client is pointed ({@code AWS_ENDPOINT_URL}) at a
 * DynamoDB Local server on loopback holding the template's tables (empty). Calls to other
 * services (Secrets Manager, KMS, SQS) reach that endpoint too and fail fast, so a first invoke
 * that needs them is measured up to that failure; the outcome column says how each ended. The two
 * secrets fetched at init (MFA pepper, e-mail index key) are left out of the environment.
 *
 * <p>Handlers with SnapStart priming (ADR 0049: their own {@code SnapStartPriming} hook, and/or
 * the SDK read {@code TollgateServices.fromEnvironment} registers when the template names a
 * {@code SNAPSTART_PRIMING_TABLE}) are measured a second time with every hook run before the
 * first invoke ({@code primed ms}), unprimed and primed
 * shots alternating fork by fork so both see the same machine load; {@code primed/} is the
 * ratio of their medians. The baseline is measured at the start and at the end of the run.
 *
 * <pre>./tollgate bench-cold-start [forks] [HandlerSimpleName...]</pre>
 */
public final class HandlerColdStart {

    /** The sample each handler's first invoke uses. */
    static final Map<String, String> SAMPLES = Map.ofEntries(
            Map.entry("LoginHandler", "login-password.json"),
            Map.entry("TokenRefreshHandler", "token-refresh.json"),
            Map.entry("AccountHandler", "me.json"),
            Map.entry("AdminHandler", "admin-users-list.json"),
            Map.entry("AuthorizerHandler", "authorizer-request.json"),
            Map.entry("MfaVerifyHandler", "mfa-verify-totp.json"),
            Map.entry("WebAuthnHandler", "passkey-options.json"),
            Map.entry("JwksHandler", "jwks.json"),
            Map.entry("KeyRotationHandler", "key-rotation-create-secret.json"),
            Map.entry("AuditIngestHandler", "audit-sqs-batch.json"),
            Map.entry("AuditSubmitHandler", "audit-submit.json"),
            Map.entry("AuditDigestHandler", "audit-digest-schedule.json"),
            Map.entry("RetentionHandler", "retention-dry-run.json"),
            Map.entry("RetentionAdminHandler", "retention-settings-get.json"),
            Map.entry("PrivacyHandler", "privacy-request-get.json"),
            Map.entry("AuditQueryHandler", "audit-events-query.json"),
            Map.entry("AuditVerificationWorker", "audit-verification-sqs.json"),
            Map.entry("AnomalyDetectionHandler", "anomaly-credential-stuffing-stream.json"),
            Map.entry("AnomalySweepHandler", "anomaly-sweep-schedule.json"),
            Map.entry("AlertDigestHandler", "alert-digest-schedule.json"),
            Map.entry("IncidentDeadlineHandler", "incident-deadline-schedule.json"));

    /** Read at init from Secrets Manager (one call each): not served by the loopback endpoint. */
    private static final Set<String> LEFT_OUT = Set.of("MFA_PEPPER_SECRET_ID", "EMAIL_INDEX_SECRET_ID");

    /**
     * The log configuration of every shot: the functions' own ({@code shared/core}
     * {@code log4j2.xml}, JSON lines) unless {@code -Dtollgate.bench.logConfig=...} names
     * another, so logging's share of init is measured as Lambda pays it.
     */
    private static final String LOG_CONFIGURATION = System.getProperty("tollgate.bench.logConfig",
            functionsLogConfiguration());

    /** shared/core's {@code log4j2.xml}: by location, since DynamoDB Local's jar has one of that name too. */
    private static String functionsLogConfiguration() {
        try {
            return java.util.Collections.list(HandlerColdStart.class.getClassLoader().getResources("log4j2.xml"))
                    .stream().map(java.net.URL::toString)
                    .filter(url -> url.contains("tollgate-core") || url.contains("shared/core"))
                    .findFirst().orElseThrow(() -> new IllegalStateException("shared/core log4j2.xml not on the classpath"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private HandlerColdStart() {
    }

    record Sample(long initNanos, long firstNanos, String outcome) {
    }

    public static void main(String[] args) throws Exception {
        int forks = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Set<String> only = Set.of(args).stream().filter(arg -> !arg.matches("\\d+"))
                .collect(java.util.stream.Collectors.toSet());
        SamTemplate template = SamTemplate.findFrom(Path.of("").toAbsolutePath());
        Path events = template.location().orElseThrow().getParent().resolve("events");
        String classpath = System.getProperty("java.class.path");
        try (DynamoDbLocalServer dynamoDb = DynamoDbLocalServer.inMemory()) {
            TableProvisioner.provision(dynamoDb.client(), template);
            Map<String, String> base = new LinkedHashMap<>();
            base.put("AWS_ENDPOINT_URL", dynamoDb.endpoint().toString());
            base.put("AWS_REGION", "eu-west-1");
            base.put("AWS_ACCESS_KEY_ID", "cold");
            base.put("AWS_SECRET_ACCESS_KEY", "start");
            base.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
            List<Sample> baseline = new ArrayList<>(run(classpath, base, List.of("baseline"), forks));
            System.out.printf(Locale.ROOT, "%-26s %5s %9s %9s %9s %10s %9s %8s  %s%n", "handler", "forks", "init ms",
                    "init/base", "first ms", "total/base", "primed ms", "primed/", "first-invoke outcome");
            List<Row> rows = new ArrayList<>();
            for (FunctionSpec function : template.functions()) {
                String simpleName = function.handlerClass().substring(function.handlerClass().lastIndexOf('.') + 1);
                if (!only.isEmpty() && !only.contains(simpleName)) {
                    continue;
                }
                String sample = SAMPLES.get(simpleName);
                if (sample == null) {
                    throw new IllegalStateException(function.logicalId() + ": no sample event for " + simpleName);
                }
                Map<String, String> env = new LinkedHashMap<>(base);
                function.environment().forEach((key, value) -> {
                    if (!LEFT_OUT.contains(key) && !key.equals("JAVA_TOOL_OPTIONS")) {
                        env.put(key, value);
                    }
                });
                declaredVariables(template, function.logicalId()).forEach(key -> {
                    if (!LEFT_OUT.contains(key) && env.getOrDefault(key, "").isBlank()) {
                        // A template parameter the local resolution leaves unset (e.g. MailFrom).
                        env.put(key, key.equals("MAIL_FROM") ? "no-reply@tollgate.local" : "cold-start");
                    }
                });
                if (env.containsKey("AUDIT_QUEUE_URL")) {
                    env.put("AUDIT_QUEUE_URL", dynamoDb.endpoint() + "/000000000000/tollgate-audit.fifo");
                }
                env.put("AWS_LAMBDA_FUNCTION_NAME", function.logicalId());
                boolean primable = HandlerColdStartProbe.primingField(Class.forName(function.handlerClass())).isPresent()
                        || env.containsKey(TollgateServices.SNAPSTART_PRIMING_TABLE);
                List<String> unprimedArgs = List.of(function.handlerClass(), events.resolve(sample).toString());
                List<String> primedArgs = List.of(function.handlerClass(), events.resolve(sample).toString(), "primed");
                // Unprimed and primed shots alternate, so both see the same load of the shared machine.
                List<Sample> samples = new ArrayList<>();
                List<Sample> primedSamples = new ArrayList<>();
                for (int fork = 0; fork < forks; fork++) {
                    samples.addAll(run(classpath, env, unprimedArgs, 1));
                    if (primable) {
                        primedSamples.addAll(run(classpath, env, primedArgs, 1));
                    }
                }
                double init = median(samples.stream().map(Sample::initNanos).toList());
                double first = median(samples.stream().map(Sample::firstNanos).toList());
                double primedFirst = primable ? median(primedSamples.stream().map(Sample::firstNanos).toList()) : -1;
                Row row = new Row(simpleName, forks, init, first, primedFirst, samples.get(0).outcome());
                rows.add(row);
                System.out.println(row.format(median(baseline.stream().map(Sample::initNanos).toList())));
            }
            // The baseline again at the end: the machine's load may have changed during the run.
            baseline.addAll(run(classpath, base, List.of("baseline"), forks));
            double floor = median(baseline.stream().map(Sample::initNanos).toList());
            System.out.printf(Locale.ROOT, "%nbaseline DynamoDbClient: median %.0f ms over %d forks (start and end of run)%n",
                    floor / 1e6, baseline.size());
            rows.forEach(row -> System.out.println(row.format(floor)));
        }
        // DynamoDB Local leaves a non-daemon job thread behind.
        System.exit(0);
    }

    /** One handler's medians (nanoseconds; {@code primedFirst} negative when it has no priming). */
    record Row(String handler, int forks, double init, double first, double primedFirst, String outcome) {
        String format(double floor) {
            String primed = primedFirst < 0 ? "-" : String.format(Locale.ROOT, "%.0f", primedFirst / 1e6);
            String ratio = primedFirst < 0 ? "-" : String.format(Locale.ROOT, "%.2f", primedFirst / first);
            return String.format(Locale.ROOT, "%-26s %5d %9.0f %9.2f %9.0f %10.2f %9s %8s  %s", handler, forks,
                    init / 1e6, init / floor, first / 1e6, (init + first) / floor, primed, ratio, outcome);
        }
    }

    /** The names of the variables the function itself declares in the template. */
    @SuppressWarnings("unchecked")
    private static Set<String> declaredVariables(SamTemplate template, String logicalId) {
        Object properties = template.resources().get(logicalId).get("Properties");
        Object environment = properties instanceof Map<?, ?> map ? map.get("Environment") : null;
        Object variables = environment instanceof Map<?, ?> map ? map.get("Variables") : null;
        return variables instanceof Map<?, ?> map ? ((Map<String, Object>) map).keySet() : Set.of();
    }

    private static List<Sample> run(String classpath, Map<String, String> env, List<String> args, int forks)
            throws IOException, InterruptedException {
        List<Sample> samples = new ArrayList<>();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        for (int fork = 0; fork < forks; fork++) {
            List<String> command = new ArrayList<>(List.of(java.toString(), "-XX:+TieredCompilation",
                    "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED",
                    "-Dlog4j2.configurationFile=" + LOG_CONFIGURATION, "-cp", classpath,
                    HandlerColdStartProbe.class.getName()));
            command.addAll(args);
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().clear();
            builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin"));
            builder.environment().putAll(env);
            Process process = builder.start();
            String result = null;
            StringBuilder output = new StringBuilder();
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.startsWith("RESULT ")) {
                        result = line;
                    } else if (output.length() < 4000) {
                        output.append(line).append('\n');
                    }
                }
            }
            if (process.waitFor() != 0 || result == null) {
                throw new IllegalStateException("probe " + args + " failed:\n" + output);
            }
            String[] parts = result.split(" ", 4);
            samples.add(new Sample(Long.parseLong(parts[1]), Long.parseLong(parts[2]), parts[3]));
        }
        return samples;
    }

    private static double median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2.0;
    }
}
