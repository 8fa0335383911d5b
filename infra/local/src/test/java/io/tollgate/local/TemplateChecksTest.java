package io.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.devkit.FunctionSpec;
import io.tollgate.devkit.SamTemplate;
import io.tollgate.platform.TollgateServices;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * template.yaml is the single wiring diagram; these checks keep it honest: handlers exist,
 * references resolve, tables are durable and encrypted, IAM names its resources.
 */
class TemplateChecksTest {

    private static SamTemplate template;
    private static Map<String, Map<String, Object>> resources;

    @BeforeAll
    static void load() {
        template = SamTemplate.findFrom(Path.of("").toAbsolutePath());
        resources = template.resources();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> properties(Map<String, Object> resource) {
        return (Map<String, Object>) resource.getOrDefault("Properties", Map.of());
    }

    @Test
    void everyFunctionHandlerClassExistsWithLambdaAndLocalConstructors() throws Exception {
        assertFalse(template.functions().isEmpty());
        for (FunctionSpec function : template.functions()) {
            String[] handler = function.handler().split("::");
            assertEquals(2, handler.length, function.logicalId());
            Class<?> type = Class.forName(handler[0]);
            type.getConstructor();
            type.getConstructor(TollgateServices.class);
            assertTrue(List.of(type.getMethods()).stream().anyMatch(m -> m.getName().equals(handler[1])),
                    function.logicalId() + " has no method " + handler[1]);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void globalsPinJava21Arm64AndSnapStart() {
        Map<String, Object> globals = (Map<String, Object>) ((Map<String, Object>) rawTemplate().get("Globals")).get("Function");
        assertEquals("java21", globals.get("Runtime"));
        assertEquals(List.of("arm64"), globals.get("Architectures"));
        assertEquals("PublishedVersions", ((Map<String, Object>) globals.get("SnapStart")).get("ApplyOn"));
        assertTrue(globals.containsKey("AutoPublishAlias"), "SnapStart applies to published versions only");
        assertEquals(true, globals.get("AutoPublishAliasAllProperties"), "a configuration-only change must reach the alias too");
    }

    @Test
    @SuppressWarnings("unchecked")
    void authorizerAndRotationInvokeTheLiveAliasSoSnapStartApplies() {
        Map<String, Object> authorizer = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) properties(
                resources.get("TollgateHttpApi")).get("Auth")).get("Authorizers")).get("TollgateAuthorizer");
        assertEquals(Map.of("Ref", "AuthorizerFunction.Alias"), authorizer.get("FunctionArn"));
        assertEquals(Map.of("Ref", "KeyRotationFunction.Alias"), properties(resources.get("SigningKeysRotation")).get("RotationLambdaARN"));
    }

    @Test
    void rotationScheduleWaitsForItsInvokePermissionWhichOnlyTheSigningKeySecretMayUse() {
        Map<String, Object> rotation = resources.get("SigningKeysRotation");
        Object dependsOn = rotation.get("DependsOn");
        assertTrue(dependsOn != null && (dependsOn.equals("KeyRotationInvokePermission")
                || dependsOn instanceof List<?> list && list.contains("KeyRotationInvokePermission")),
                "RotateImmediatelyOnUpdate invokes the function while the stack is created: " + dependsOn);
        Map<String, Object> permission = properties(resources.get("KeyRotationInvokePermission"));
        assertEquals(Map.of("Ref", "SigningKeysSecret"), permission.get("SourceArn"));
        assertEquals(properties(rotation).get("RotationLambdaARN"), permission.get("FunctionName"), "the permission is on what is invoked");
    }

    @Test
    @SuppressWarnings("unchecked")
    void alarmTopicIsEncryptedWithAKeyCloudWatchMayUseAndThatIsNotTheDataKey() {
        Object keyRef = properties(resources.get("AlarmTopic")).get("KmsMasterKeyId");
        assertTrue(keyRef instanceof Map<?, ?> ref && ref.get("Ref") instanceof String, String.valueOf(keyRef));
        String key = (String) ((Map<String, Object>) keyRef).get("Ref");
        assertFalse("DataKey".equals(key), "CloudWatch would need DataKey, which protects every table");
        List<Map<String, Object>> statements = (List<Map<String, Object>>) ((Map<String, Object>) properties(resources.get(key))
                .get("KeyPolicy")).get("Statement");
        assertTrue(statements.stream().anyMatch(s -> Map.of("Service", "cloudwatch.amazonaws.com").equals(s.get("Principal"))
                && listed(s, "Action").containsAll(List.of("kms:Decrypt", "kms:GenerateDataKey*"))),
                "CloudWatch may encrypt alarm notifications with " + key);
    }

    @Test
    void keysAreRetainedAndTheBackupVaultHasItsOwnKeyAndAStackUniqueName() {
        for (var entry : resources.entrySet()) {
            if ("AWS::KMS::Key".equals(entry.getValue().get("Type"))) {
                assertEquals("Retain", entry.getValue().get("DeletionPolicy"), entry.getKey());
                assertEquals("Retain", entry.getValue().get("UpdateReplacePolicy"), entry.getKey());
            }
        }
        Map<String, Object> vault = properties(resources.get("TableBackupVault"));
        assertFalse(String.valueOf(vault.get("EncryptionKeyArn")).contains("DataKey"), "the vault has its own key");
        assertTrue(String.valueOf(vault.get("BackupVaultName")).contains("AWS::StackId"),
                "a retained vault named after the stack name alone blocks re-creating the stack: " + vault.get("BackupVaultName"));
    }

    private static Map<String, Object> rawTemplate() {
        return io.tollgate.devkit.SamTemplate.findFrom(Path.of("").toAbsolutePath()).document();
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyTableIsOnDemandWithPitrKmsSseAndTtl() {
        int tables = 0;
        for (var entry : resources.entrySet()) {
            if (!"AWS::DynamoDB::Table".equals(entry.getValue().get("Type"))) {
                continue;
            }
            tables++;
            Map<String, Object> p = properties(entry.getValue());
            String id = entry.getKey();
            assertEquals("PAY_PER_REQUEST", p.get("BillingMode"), id);
            assertEquals(true, ((Map<String, Object>) p.get("PointInTimeRecoverySpecification")).get("PointInTimeRecoveryEnabled"), id);
            Map<String, Object> sse = (Map<String, Object>) p.get("SSESpecification");
            assertEquals("KMS", sse.get("SSEType"), id);
            assertEquals(Map.of("Ref", "DataKey"), sse.get("KMSMasterKeyId"), id);
            Map<String, Object> ttl = (Map<String, Object>) p.get("TimeToLiveSpecification");
            assertEquals("ttl", ttl.get("AttributeName"), id);
            assertEquals(true, ttl.get("Enabled"), id);
        }
        assertEquals(4, tables);
    }

    @Test
    void everyRefAndGetAttNamesAResourceOrParameter() {
        Set<String> known = new java.util.HashSet<>(resources.keySet());
        template.functions().forEach(function -> known.add(function.logicalId() + "Role"));
        Object parameters = rawTemplate().get("Parameters");
        if (parameters instanceof Map<?, ?> map) {
            map.keySet().forEach(k -> known.add(k.toString()));
        }
        List<String> dangling = new ArrayList<>();
        collectReferences(resources, dangling, known);
        assertEquals(List.of(), dangling);
    }

    private static void collectReferences(Object node, List<String> dangling, Set<String> known) {
        if (node instanceof Map<?, ?> map) {
            for (var entry : map.entrySet()) {
                if ("Ref".equals(entry.getKey()) && entry.getValue() instanceof String ref
                        && !ref.startsWith("AWS::") && !known.contains(ref.replaceFirst("\\.Alias$", ""))) {
                    dangling.add(ref);
                } else if ("Fn::GetAtt".equals(entry.getKey()) && entry.getValue() instanceof List<?> list
                        && !known.contains(String.valueOf(list.get(0)))) {
                    dangling.add(String.valueOf(list.get(0)));
                } else {
                    collectReferences(entry.getValue(), dangling, known);
                }
            }
        } else if (node instanceof List<?> list) {
            list.forEach(item -> collectReferences(item, dangling, known));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void functionPoliciesNameTheirActionsAndResources() {
        for (var entry : resources.entrySet()) {
            if (!"AWS::Serverless::Function".equals(entry.getValue().get("Type"))) {
                continue;
            }
            List<Object> policies = (List<Object>) properties(entry.getValue()).get("Policies");
            if (policies != null) {
                for (Object policy : policies) {
                    assertTrue(policy instanceof Map, entry.getKey() + ": use inline statements, not managed policies");
                }
            }
            List<Map<String, Object>> statements = statements(entry.getKey());
            assertFalse(statements.isEmpty(), entry.getKey() + " has no policy");
            for (Map<String, Object> statement : statements) {
                for (Object action : listed(statement, "Action")) {
                    assertFalse(String.valueOf(action).contains("*"), entry.getKey() + " action " + action);
                }
                for (Object target : listed(statement, "Resource")) {
                    assertFalse("*".equals(target), entry.getKey() + " has Resource *");
                }
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void mfaFunctionsGenerateDataKeysOnlyForTotpAndPhonesAndSendMailFromOneIdentity() {
        Map<String, Object> viaSqs = Map.of("StringEquals", Map.of("kms:ViaService",
                Map.of("Fn::Sub", "sqs.${AWS::Region}.amazonaws.com")));
        Map<String, Object> purposes = Map.of("AccountFunction", List.of("totp", "phone"), "MfaVerifyFunction", "totp");
        for (String function : List.of("AccountFunction", "MfaVerifyFunction")) {
            List<Map<String, Object>> generate = statements(function).stream()
                    .filter(s -> String.valueOf(s.get("Action")).contains("kms:GenerateDataKey"))
                    .filter(s -> !viaSqs.equals(s.get("Condition"))).toList();
            assertEquals(1, generate.size(), function);
            assertEquals(Map.of("StringEquals", Map.of("kms:EncryptionContext:purpose", purposes.get(function))),
                    generate.getFirst().get("Condition"), function + " encrypts TOTP secrets (and phone numbers) only");
        }
        for (String function : List.of("AccountFunction", "MfaVerifyFunction")) {
            List<Object> secrets = statements(function).stream()
                    .filter(s -> "secretsmanager:GetSecretValue".equals(s.get("Action")))
                    .flatMap(s -> s.get("Resource") instanceof List<?> l ? l.stream() : java.util.stream.Stream.of(s.get("Resource")))
                    .map(Object.class::cast).toList();
            assertTrue(secrets.contains(Map.of("Ref", "SmsProviderSecret")), function + " reads the SMS provider secret");
            Map<String, Object> environment = (Map<String, Object>) ((Map<String, Object>) properties(resources.get(function))
                    .get("Environment")).get("Variables");
            assertEquals(Map.of("Ref", "SmsProviderSecret"), environment.get("SMS_PROVIDER_SECRET_ID"), function);
            assertEquals(Map.of("Ref", "SmsFrom"), environment.get("SMS_FROM"), function);
        }
        for (String function : resources.keySet()) {
            if (!"AWS::Serverless::Function".equals(resources.get(function).get("Type"))) {
                continue;
            }
            for (Map<String, Object> statement : statements(function)) {
                if (String.valueOf(statement.get("Action")).contains("kms:GenerateDataKey")) {
                    assertTrue(statement.get("Condition") != null, function + " generates data keys only under a condition");
                }
            }
        }
        List<Map<String, Object>> ses = statements("MfaVerifyFunction").stream()
                .filter(s -> String.valueOf(s.get("Action")).contains("ses:")).toList();
        assertEquals(1, ses.size());
        assertEquals("ses:SendEmail", ses.getFirst().get("Action"));
        assertEquals(Map.of("StringEquals", Map.of("ses:FromAddress", Map.of("Ref", "MailFrom"))),
                ses.getFirst().get("Condition"));
        assertTrue(statements("LoginFunction").stream().noneMatch(s -> String.valueOf(s.get("Action")).contains("ses:")
                || String.valueOf(s.get("Action")).contains("GenerateDataKey") && !viaSqs.equals(s.get("Condition"))),
                "login neither mails nor encrypts (other than the SQS audit messages)");
        Map<String, Object> routes = (Map<String, Object>) properties(resources.get("MfaVerifyFunction")).get("Events");
        assertEquals(6, routes.size());
    }

    /** The key-material secrets a function's code may need, by the variable that names each (ADR 0009, 0046). */
    private static final Map<String, String> KEY_SECRETS = Map.of(
            io.tollgate.platform.TollgateConfig.MFA_PEPPER_SECRET_ID, "MfaPepperSecret",
            io.tollgate.platform.TollgateConfig.EMAIL_INDEX_SECRET_ID, "EmailIndexSecret");

    /**
     * The backup-code pepper and the e-mail blind-index key: which function needs which is read
     * from the code (its handler, built without that secret, fails at init naming the variable),
     * and exactly those functions get the variable ({@code !Ref} of the secret) and
     * {@code secretsmanager:GetSecretValue} on that secret; no other function gets either.
     */
    @Test
    @SuppressWarnings("unchecked")
    void everyFunctionWhoseCodeNeedsThePepperOrTheEmailIndexKeyGetsThatSecretAndNoOtherFunctionDoes() throws Exception {
        Map<String, List<String>> needing = new java.util.TreeMap<>();
        for (FunctionSpec function : template.functions()) {
            for (var secret : KEY_SECRETS.entrySet()) {
                boolean needs = failsAtInitWithout(function, secret.getKey());
                if (needs) {
                    needing.computeIfAbsent(secret.getKey(), k -> new ArrayList<>()).add(function.logicalId());
                }
                Object environment = properties(resources.get(function.logicalId())).get("Environment");
                Object variables = environment instanceof Map<?, ?> map ? map.get("Variables") : null;
                Object variable = variables instanceof Map<?, ?> map ? map.get(secret.getKey()) : null;
                Map<String, Object> ref = Map.of("Ref", secret.getValue());
                boolean readable = statements(function.logicalId()).stream()
                        .filter(s -> "Allow".equals(s.get("Effect")))
                        .filter(s -> listed(s, "Action").contains("secretsmanager:GetSecretValue"))
                        .anyMatch(s -> listed(s, "Resource").contains(ref));
                boolean mentioned = statements(function.logicalId()).stream()
                        .anyMatch(s -> listed(s, "Resource").contains(ref));
                if (needs) {
                    assertEquals(ref, variable, function.logicalId() + " needs " + secret.getKey());
                    assertTrue(readable, function.logicalId() + " may not read " + secret.getValue());
                } else {
                    assertEquals(null, variable, function.logicalId() + " does not need " + secret.getKey());
                    assertFalse(mentioned, function.logicalId() + " has access to " + secret.getValue()
                            + " it does not need");
                }
            }
        }
        assertEquals(Map.of(io.tollgate.platform.TollgateConfig.MFA_PEPPER_SECRET_ID,
                        List.of("AccountFunction", "MfaVerifyFunction"),
                        io.tollgate.platform.TollgateConfig.EMAIL_INDEX_SECRET_ID, List.of("AdminFunction",
                                "FirstSuperAdminFunction", "PrivacyFunction")),
                needing, "the functions whose code needs each secret");
    }

    /** An AWS client aimed at a closed local port: for wiring that must make no call. */
    private static <C> C unused(software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<?, C> builder) {
        return builder.endpointOverride(java.net.URI.create("http://127.0.0.1:9"))
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("x", "x")))
                .build();
    }

    /** Builds the function's handler with every local stand-in except the secret {@code variable} names. */
    private static boolean failsAtInitWithout(FunctionSpec function, String variable) {
        java.security.SecureRandom random = new java.security.SecureRandom();
        java.time.Clock clock = java.time.Clock.systemUTC();
        TollgateServices.Builder builder = TollgateServices.builder()
                .config(io.tollgate.platform.TollgateConfig.fromEnvironment(template.functions().getFirst().environment()))
                // Never called: building a handler makes no AWS call (ADR 0049 primes only before a snapshot).
                .dynamoDb(unused(software.amazon.awssdk.services.dynamodb.DynamoDbClient.builder()))
                .secretsManager(unused(software.amazon.awssdk.services.secretsmanager.SecretsManagerClient.builder()))
                .signingKeys(io.tollgate.token.LocalSigningKeyStore.inMemory(clock, random))
                .encryptor(io.tollgate.crypto.EnvelopeEncryptor.withDefaultCache(
                        io.tollgate.crypto.LocalKeyRing.inMemory(random), clock, random))
                .mailSender(message -> { })
                .smsSender(message -> { });
        byte[] key = new byte[32];
        random.nextBytes(key);
        if (!variable.equals(io.tollgate.platform.TollgateConfig.MFA_PEPPER_SECRET_ID)) {
            builder.backupCodePepper(key);
        }
        if (!variable.equals(io.tollgate.platform.TollgateConfig.EMAIL_INDEX_SECRET_ID)) {
            builder.emailIndexKey(key);
        }
        TollgateServices services = builder.build();
        try {
            // As the local runtime builds them: audit functions from their AuditServices.
            LocalRuntime.instantiate(function, services, io.tollgate.audit.platform.AuditServices.of(services,
                    "AuditTable", services.encryptor(), io.tollgate.audit.chain.LocalDigestSigner.inMemory(random),
                    (body, group, reason) -> { }));
            return false;
        } catch (IllegalStateException e) {
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                if (String.valueOf(cause.getMessage()).contains(variable)) {
                    return true;
                }
            }
            throw new AssertionError(function.logicalId() + " failed at init for another reason", e);
        }
    }

    /** A statement's {@code Action} or {@code Resource}, which IAM allows as one value or a list. */
    @SuppressWarnings("unchecked")
    private static List<Object> listed(Map<String, Object> statement, String field) {
        return statement.get(field) instanceof List<?> list ? (List<Object>) list : List.of(statement.get(field));
    }

    /**
     * The statements a function's role allows: its {@code Policies}, or, for a function with its own
     * {@code Role: !GetAtt XRole.Arn}, the inline policies of that role.
     */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> statements(String function) {
        List<Map<String, Object>> out = new ArrayList<>();
        List<Object> documents = new ArrayList<>((List<Object>) properties(resources.get(function)).getOrDefault("Policies", List.of()));
        if (properties(resources.get(function)).get("Role") instanceof Map<?, ?> role
                && role.get("Fn::GetAtt") instanceof List<?> getAtt) {
            Map<String, Object> roleResource = resources.get(String.valueOf(getAtt.get(0)));
            assertEquals("AWS::IAM::Role", roleResource.get("Type"), function + " names its role by !GetAtt Role.Arn");
            for (Map<String, Object> policy : (List<Map<String, Object>>) properties(roleResource).getOrDefault("Policies", List.of())) {
                documents.add(policy.get("PolicyDocument"));
            }
        }
        for (Object policy : documents) {
            if (policy instanceof Map<?, ?> document && document.get("Statement") instanceof List<?> statements) {
                out.addAll((List<Map<String, Object>>) statements);
            }
        }
        return out;
    }

    /**
     * SnapStart's SDK priming (ADR 0049) reads one impossible key from the table the function
     * names: every function that may {@code GetItem} a table names one, and only one it may read,
     * so priming never produces an access denial.
     */
    @Test
    @SuppressWarnings("unchecked")
    void everyFunctionThatMayReadATablePrimesTheSdkWithAReadItsPolicyAllows() {
        for (var entry : resources.entrySet()) {
            if (!"AWS::Serverless::Function".equals(entry.getValue().get("Type"))) {
                continue;
            }
            String function = entry.getKey();
            List<String> readable = new ArrayList<>();
            List<String> primable = new ArrayList<>();
            for (Map<String, Object> statement : statements(function)) {
                if ("Allow".equals(statement.get("Effect")) && listed(statement, "Action").contains("dynamodb:GetItem")) {
                    List<String> targets = listed(statement, "Resource").stream().map(String::valueOf)
                            .filter(target -> !target.contains("/index/")).toList();
                    readable.addAll(targets);
                    if (allowsKey(statement.get("Condition"), io.tollgate.platform.SnapStartPriming.PRIMING_KEY)) {
                        primable.addAll(targets);
                    }
                }
            }
            Object environment = properties(entry.getValue()).get("Environment");
            Object variables = environment instanceof Map<?, ?> map ? map.get("Variables") : null;
            Object table = variables instanceof Map<?, ?> map ? map.get(TollgateServices.SNAPSTART_PRIMING_TABLE) : null;
            if (readable.isEmpty()) {
                assertEquals(null, table, function + " may read no table, so it cannot prime with a read");
                continue;
            }
            assertTrue(table instanceof Map<?, ?> ref && ref.get("Ref") instanceof String,
                    function + " names its priming table by Ref: " + table);
            String name = (String) ((Map<String, Object>) table).get("Ref");
            assertTrue(primable.stream().anyMatch(target -> target.matches(".*\\b" + name + "\\b.*")),
                    function + " primes by reading " + io.tollgate.platform.SnapStartPriming.PRIMING_KEY + " in " + name
                            + " but its conditions allow that GetItem only in " + primable + " (of " + readable + ")");
        }
    }

    /**
     * Whether a statement's {@code Condition} lets a request on partition key {@code key} through: none, or
     * only {@code dynamodb:LeadingKeys} patterns of which one matches. Any other condition key counts as not
     * allowing it, so the check errs on the side of a denial.
     */
    @SuppressWarnings("unchecked")
    private static boolean allowsKey(Object condition, String key) {
        if (condition == null) {
            return true;
        }
        for (var operator : ((Map<String, Object>) condition).entrySet()) {
            Map<String, Object> keys = (Map<String, Object>) operator.getValue();
            if (!Set.of("ForAllValues:StringLike", "ForAllValues:StringEquals").contains(operator.getKey())
                    || !keys.keySet().equals(Set.of("dynamodb:LeadingKeys"))) {
                return false;
            }
            Object patterns = keys.get("dynamodb:LeadingKeys");
            List<Object> values = patterns instanceof List<?> list ? (List<Object>) list : List.of(patterns);
            boolean like = operator.getKey().endsWith("StringLike");
            if (values.stream().map(String::valueOf).noneMatch(p -> like ? matches(p, key) : p.equals(key))) {
                return false;
            }
        }
        return true;
    }

    @Test
    void everyFunctionHasALogGroupWithRetention() {
        for (FunctionSpec function : template.functions()) {
            String logGroup = function.logicalId() + "Logs";
            assertTrue(resources.containsKey(logGroup), function.logicalId() + " needs " + logGroup);
            assertTrue(properties(resources.get(logGroup)).containsKey("RetentionInDays"), logGroup);
        }
    }

    @Test
    void loginRouteIsServedWithoutAuthorizer() {
        var login = template.httpRoutes().stream()
                .filter(r -> r.method().equals("POST") && r.path().equals("/v1/auth/login")).findFirst().orElseThrow();
        assertEquals("LoginFunction", login.functionLogicalId());
        assertTrue(login.authorizer().isEmpty());
    }

    @Test
    void everyTemplateRouteIsDeclaredInTheRouteCatalogWithTheMatchingAuthorizer() {
        io.tollgate.authz.RouteCatalog catalog = io.tollgate.authz.RouteCatalog.load();
        for (var route : template.httpRoutes()) {
            var declared = catalog.declared(route.method(), route.path());
            assertTrue(declared.isPresent(), route.method() + " " + route.path() + " is served but not declared");
            boolean isPublic = declared.get().access() == io.tollgate.authz.Route.Access.PUBLIC;
            assertEquals(isPublic ? java.util.Optional.empty() : java.util.Optional.of("TollgateAuthorizer"),
                    route.authorizer(), route.method() + " " + route.path()
                            + ": public routes take no authorizer, every other route takes the Tollgate authorizer");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void securityEventAlarmsAndDashboardNameRealEventTypesWithTheirSeverities() throws Exception {
        Map<String, String> severities = new java.util.HashMap<>();
        for (io.tollgate.audit.AuditEventType type : io.tollgate.audit.AuditEventType.values()) {
            severities.put(type.wireName(), type.severity().name());
        }
        List<List<Map<String, Object>>> dimensionSets = new ArrayList<>();
        for (Map<String, Object> resource : resources.values()) {
            if (!"AWS::CloudWatch::Alarm".equals(resource.get("Type"))) {
                continue;
            }
            Map<String, Object> alarm = properties(resource);
            if ("SecurityEvents".equals(alarm.get("MetricName"))) {
                dimensionSets.add((List<Map<String, Object>>) alarm.get("Dimensions"));
            }
            for (Map<String, Object> query : (List<Map<String, Object>>) alarm.getOrDefault("Metrics", List.of())) {
                Map<String, Object> stat = (Map<String, Object>) query.get("MetricStat");
                if (stat != null && "SecurityEvents".equals(((Map<String, Object>) stat.get("Metric")).get("MetricName"))) {
                    dimensionSets.add((List<Map<String, Object>>) ((Map<String, Object>) stat.get("Metric")).get("Dimensions"));
                }
            }
        }
        assertTrue(dimensionSets.size() >= 4, "the security alarms use the SecurityEvents metric");
        for (List<Map<String, Object>> dimensions : dimensionSets) {
            Map<String, Object> byName = new java.util.HashMap<>();
            dimensions.forEach(d -> byName.put((String) d.get("Name"), d.get("Value")));
            assertEquals(Set.of("Service", "EventType", "Severity"), byName.keySet(), "EMF dimension set of SecurityEventMetrics");
            assertEquals(severities.get((String) byName.get("EventType")), byName.get("Severity"), byName.toString());
        }
        List<Object> sub = (List<Object>) ((Map<String, Object>) properties(resources.get("SecurityDashboard"))
                .get("DashboardBody")).get("Fn::Sub");
        String body = ((String) sub.get(0)).replaceAll("\\$\\{[A-Za-z:]+}", "x");
        com.fasterxml.jackson.databind.JsonNode dashboard = io.tollgate.json.Json.mapper().readTree(body);
        int checked = 0;
        for (com.fasterxml.jackson.databind.JsonNode widget : dashboard.get("widgets")) {
            for (com.fasterxml.jackson.databind.JsonNode metric : widget.get("properties").get("metrics")) {
                if (metric.get(1).asText().equals("SecurityEvents")) {
                    assertEquals(severities.get(metric.get(5).asText()), metric.get(7).asText(), metric.toString());
                    checked++;
                }
            }
        }
        assertTrue(checked >= 8, "the dashboard graphs the security events");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyTableIsInTheBackupPlanWithTheSeedRetention() {
        Map<String, Object> plan = (Map<String, Object>) properties(resources.get("TableBackupPlan")).get("BackupPlan");
        List<Integer> retention = ((List<Map<String, Object>>) plan.get("BackupPlanRule")).stream()
                .map(rule -> ((Number) ((Map<String, Object>) rule.get("Lifecycle")).get("DeleteAfterDays")).intValue())
                .toList();
        assertEquals(List.of(30, 365, 2557), retention, "daily 30 days, monthly 12 months, yearly 7 years (seed 000)");
        List<Object> selected = (List<Object>) ((Map<String, Object>) properties(resources.get("TableBackupSelection"))
                .get("BackupSelection")).get("Resources");
        for (Map.Entry<String, Map<String, Object>> resource : resources.entrySet()) {
            if ("AWS::DynamoDB::Table".equals(resource.getValue().get("Type"))) {
                assertTrue(selected.contains(Map.of("Fn::GetAtt", List.of(resource.getKey(), "Arn"))),
                        resource.getKey() + " is backed up");
            }
        }
        assertEquals("Retain", resources.get("TableBackupVault").get("DeletionPolicy"));
    }

    @Test
    void everySampleEventIsUsedByATestAndEveryFunctionHasASample() throws Exception {
        Path root = template.location().orElseThrow().getParent();
        StringBuilder testSources = new StringBuilder();
        try (var files = java.nio.file.Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java") && f.toString().contains("/src/test/")
                    && !f.toString().contains("/target/")).toList()) {
                testSources.append(java.nio.file.Files.readString(file));
            }
        }
        List<String> samples;
        try (var files = java.nio.file.Files.list(root.resolve("events"))) {
            samples = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted().toList();
        }
        for (String sample : samples) {
            assertTrue(testSources.indexOf(sample + "\"") >= 0, "events/" + sample + " is used by no test");
        }
        String events = String.join("\n", samples.stream().map(name -> {
            try {
                return java.nio.file.Files.readString(root.resolve("events").resolve(name));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList());
        for (FunctionSpec function : template.functions()) {
            boolean covered = function.httpRoutes().stream().anyMatch(route -> events.contains(
                    "\"routeKey\": \"" + route.method() + " " + route.path() + "\""))
                    || function.httpRoutes().isEmpty();
            assertTrue(covered, function.logicalId() + " has no sample event for any of its routes");
        }
    }

    /**
     * A compromised login (or any other) function must not be able to publish its own signing key or API-key
     * look-up: explicit denies on every other function's role, whatever its own statements allow.
     */
    @Test
    @SuppressWarnings("unchecked")
    void onlyKeyRotationWritesSigningKeysAndOnlyAccountAndAdminWriteApiKeyLookups() {
        assertDeniedToAllFunctionsBut("SigningKeysWriteGuard", "SIGNING_KEYS", Set.of("KeyRotationFunction"));
        assertDeniedToAllFunctionsBut("ApiKeyLookupWriteGuard", "APIKEY#k1", Set.of("AccountFunction", "AdminFunction",
                "AuthorizerFunction", "AnomalyDetectionFunction", "AnomalySweepFunction"));
        assertAnomalyFunctionsOnlyRevokeApiKeyLookups();
        List<String> writes = List.of("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem");
        for (Map<String, Object> statement : statements("AuthorizerFunction")) {
            boolean writesSecurity = "Allow".equals(statement.get("Effect"))
                    && listed(statement, "Action").stream().anyMatch(writes::contains)
                    && listed(statement, "Resource").contains(Map.of("Fn::GetAtt", List.of("SecurityTable", "Arn")));
            Map<String, Object> condition = (Map<String, Object>) statement.getOrDefault("Condition", Map.of());
            Object leading = ((Map<String, Object>) condition.getOrDefault("ForAllValues:StringLike", Map.of())).get("dynamodb:LeadingKeys");
            if (!writesSecurity || leading instanceof List<?> patterns && patterns.stream().noneMatch(p -> matches(String.valueOf(p), "APIKEY#k1"))) {
                continue;
            }
            assertEquals(List.of("dynamodb:UpdateItem"), listed(statement, "Action"), "the authorizer only stamps API-key use");
            Object attributes = ((Map<String, Object>) condition.getOrDefault("ForAllValues:StringEquals", Map.of())).get("dynamodb:Attributes");
            assertEquals(List.of("pk", "sk", "last_used_at"), attributes, "the authorizer may set last_used_at and nothing else");
        }
    }

    /** An anomaly lock revokes the account's keys (ADR 0054): status and revoked_at, never a new or replaced look-up. */
    @SuppressWarnings("unchecked")
    private static void assertAnomalyFunctionsOnlyRevokeApiKeyLookups() {
        Map<String, Object> policy = properties(resources.get("ApiKeyRevokeOnlyGuard"));
        assertEquals(List.of(Map.of("Ref", "AnomalyDetectionFunctionRole"), Map.of("Ref", "AnomalySweepFunctionRole")),
                policy.get("Roles"));
        List<Map<String, Object>> denies = (List<Map<String, Object>>) ((Map<String, Object>) policy.get("PolicyDocument"))
                .get("Statement");
        Map<String, Object> writes = denies.get(0);
        assertEquals("Deny", writes.get("Effect"));
        assertTrue(listed(writes, "Action").containsAll(List.of("dynamodb:PutItem", "dynamodb:DeleteItem",
                "dynamodb:BatchWriteItem", "dynamodb:PartiQLInsert", "dynamodb:PartiQLUpdate", "dynamodb:PartiQLDelete")));
        assertFalse(listed(writes, "Action").contains("dynamodb:UpdateItem"));
        Map<String, Object> updates = denies.get(1);
        assertEquals("Deny", updates.get("Effect"));
        assertEquals(List.of("dynamodb:UpdateItem"), listed(updates, "Action"));
        Map<String, Object> condition = (Map<String, Object>) updates.get("Condition");
        assertEquals(List.of("APIKEY#*"), ((Map<String, Object>) condition.get("ForAnyValue:StringLike")).get("dynamodb:LeadingKeys"));
        assertEquals(List.of("pk", "sk", "status", "revoked_at"),
                ((Map<String, Object>) condition.get("ForAnyValue:StringNotEquals")).get("dynamodb:Attributes"));
    }

    @SuppressWarnings("unchecked")
    private static void assertDeniedToAllFunctionsBut(String guard, String protectedKey, Set<String> exempt) {
        Map<String, Object> policy = properties(resources.get(guard));
        assertEquals("AWS::IAM::ManagedPolicy", resources.get(guard).get("Type"));
        Map<String, Object> deny = ((List<Map<String, Object>>) ((Map<String, Object>) policy.get("PolicyDocument")).get("Statement")).getFirst();
        assertEquals("Deny", deny.get("Effect"));
        assertTrue(listed(deny, "Action").containsAll(List.of("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                "dynamodb:BatchWriteItem", "dynamodb:PartiQLInsert", "dynamodb:PartiQLUpdate", "dynamodb:PartiQLDelete")), guard);
        assertEquals(Map.of("Fn::GetAtt", List.of("SecurityTable", "Arn")), deny.get("Resource"));
        List<Object> patterns = (List<Object>) ((Map<String, Object>) ((Map<String, Object>) deny.get("Condition"))
                .get("ForAnyValue:StringLike")).get("dynamodb:LeadingKeys");
        assertTrue(patterns.stream().anyMatch(p -> matches(String.valueOf(p), protectedKey)), guard + " covers " + protectedKey);
        Set<Object> expected = new java.util.HashSet<>();
        template.functions().stream().map(FunctionSpec::logicalId).filter(id -> !exempt.contains(id))
                .forEach(id -> expected.add(Map.of("Ref", id + "Role")));
        assertEquals(expected, Set.copyOf((List<Object>) policy.get("Roles")), guard + " is attached to every function role but " + exempt);
    }

    /** IAM StringLike: {@code *} matches any text. */
    private static boolean matches(String pattern, String value) {
        return value.matches(java.util.regex.Pattern.quote(pattern).replace("*", "\\E.*\\Q"));
    }

    /** Functions nobody calls over HTTP fail silently unless an alarm watches them; the API's 5xx and latency too. */
    @Test
    @SuppressWarnings("unchecked")
    void everyFunctionWithoutAnHttpRouteHasAnErrorsAlarmAndTheHttpApiHas5xxAndLatencyAlarms() {
        Map<String, Set<Object>> watched = new java.util.HashMap<>();
        for (Map<String, Object> resource : resources.values()) {
            if ("AWS::CloudWatch::Alarm".equals(resource.get("Type"))) {
                Map<String, Object> alarm = properties(resource);
                assertEquals(List.of(Map.of("Ref", "AlarmTopic")), alarm.get("AlarmActions"));
                for (Map<String, Object> dimension : (List<Map<String, Object>>) alarm.getOrDefault("Dimensions", List.of())) {
                    watched.computeIfAbsent(alarm.get("Namespace") + "/" + alarm.get("MetricName"), k -> new java.util.HashSet<>())
                            .add(dimension.get("Value"));
                }
            }
        }
        for (FunctionSpec function : template.functions()) {
            // FirstSuperAdminFunction runs only when an operator invokes it, and the operator reads its answer.
            if (function.httpRoutes().isEmpty() && !function.logicalId().equals("FirstSuperAdminFunction")) {
                assertTrue(watched.getOrDefault("AWS/Lambda/Errors", Set.of()).contains(Map.of("Ref", function.logicalId())),
                        function.logicalId() + " has no Errors alarm");
            }
        }
        for (String metric : List.of("AWS/ApiGateway/5xx", "AWS/ApiGateway/Latency")) {
            assertTrue(watched.getOrDefault(metric, Set.of()).contains(Map.of("Ref", "TollgateHttpApi")), metric);
        }
    }

    /** EventBridge Scheduler, not the older rules: retries with a bound, a dead-letter queue, names unique per stack. */
    @Test
    @SuppressWarnings("unchecked")
    void everyScheduleIsAnEventBridgeSchedulerScheduleWithRetriesAndADeadLetterQueue() {
        int schedules = 0;
        for (FunctionSpec function : template.functions()) {
            Map<String, Object> events = (Map<String, Object>) properties(resources.get(function.logicalId())).getOrDefault("Events", Map.of());
            for (var event : events.entrySet()) {
                Map<String, Object> definition = (Map<String, Object>) event.getValue();
                String where = function.logicalId() + "." + event.getKey();
                assertFalse("Schedule".equals(definition.get("Type")), where + ": use ScheduleV2 (EventBridge Scheduler)");
                if (!"ScheduleV2".equals(definition.get("Type"))) {
                    continue;
                }
                schedules++;
                Map<String, Object> p = (Map<String, Object>) definition.get("Properties");
                Map<String, Object> retry = (Map<String, Object>) p.get("RetryPolicy");
                assertTrue(retry != null && ((Number) retry.get("MaximumRetryAttempts")).intValue() > 0, where + " retries");
                assertEquals(Map.of("Arn", Map.of("Fn::GetAtt", List.of("ScheduleDeadLetterQueue", "Arn"))), p.get("DeadLetterConfig"), where);
                assertTrue(String.valueOf(p.get("Name")).contains("${AWS::StackName}"), where + ": schedule names are unique per account and region");
            }
        }
        assertEquals(6, schedules, "audit digest, retention, anomaly sweep, alert digest, SIEM trail, incident deadlines");
    }

    /**
     * The audit stream's filter, evaluated as Lambda evaluates it, against a recorded stream (inserts of chained
     * events, a head update): it lets through exactly the records detection reads (inserted {@code SEQ#n} items).
     */
    @Test
    @SuppressWarnings("unchecked")
    void auditStreamFilterPassesExactlyTheRecordsDetectionReads() throws Exception {
        Map<String, Object> event = (Map<String, Object>) ((Map<String, Object>) properties(resources.get("AnomalyDetectionFunction"))
                .get("Events")).get("AuditStream");
        List<Map<String, Object>> filters = (List<Map<String, Object>>) ((Map<String, Object>) ((Map<String, Object>) event
                .get("Properties")).get("FilterCriteria")).get("Filters");
        assertEquals(1, filters.size());
        com.fasterxml.jackson.databind.JsonNode pattern = io.tollgate.json.Json.mapper().readTree((String) filters.getFirst().get("Pattern"));
        com.fasterxml.jackson.databind.JsonNode stream = io.tollgate.json.Json.mapper().readTree(
                template.location().orElseThrow().getParent().resolve("events/anomaly-credential-stuffing-stream.json").toFile());
        int passed = 0;
        int read = 0;
        for (com.fasterxml.jackson.databind.JsonNode record : stream.get("Records")) {
            boolean detectionReads = "INSERT".equals(record.get("eventName").asText())
                    && record.at("/dynamodb/NewImage/sk/S").asText().startsWith("SEQ#");
            assertEquals(detectionReads, filterMatches(pattern, record), record.at("/dynamodb/NewImage/sk/S").asText());
            passed += filterMatches(pattern, record) ? 1 : 0;
            read += detectionReads ? 1 : 0;
        }
        assertTrue(read > 0 && passed == read && stream.get("Records").size() > read, "the sample has records of both kinds");
    }

    /** Lambda event filtering: every pattern key must be present; a list matches a value equal to one literal or prefix. */
    private static boolean filterMatches(com.fasterxml.jackson.databind.JsonNode pattern, com.fasterxml.jackson.databind.JsonNode value) {
        if (value == null || value.isMissingNode()) {
            return false;
        }
        if (pattern.isArray()) {
            for (com.fasterxml.jackson.databind.JsonNode option : pattern) {
                if (option.isObject() && option.has("prefix") ? value.isTextual() && value.asText().startsWith(option.get("prefix").asText())
                        : option.equals(value)) {
                    return true;
                }
            }
            return false;
        }
        for (var field : pattern.properties()) {
            if (!filterMatches(field.getValue(), value.get(field.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** One host for issuer, JWKS URL, cookies and WebAuthn origins: the custom domain when one is given. */
    @Test
    @SuppressWarnings("unchecked")
    void customDomainServesTheApiAndTheIssuerDerivesFromIt() {
        Map<String, Object> globals = (Map<String, Object>) ((Map<String, Object>) rawTemplate().get("Globals")).get("Function");
        Map<String, Object> variables = (Map<String, Object>) ((Map<String, Object>) globals.get("Environment")).get("Variables");
        assertEquals(Map.of("Fn::If", List.of("HasCustomDomain", Map.of("Fn::Sub", "https://${DomainName}"), Map.of("Ref", "TokenIssuer"))),
                variables.get("TOKEN_ISSUER"));
        Map<String, Object> domain = resources.get("ApiDomain");
        assertEquals("HasCustomDomain", domain.get("Condition"));
        assertEquals(Map.of("Ref", "DomainName"), properties(domain).get("DomainName"));
        Map<String, Object> configuration = ((List<Map<String, Object>>) properties(domain).get("DomainNameConfigurations")).getFirst();
        assertEquals(Map.of("Ref", "CertificateArn"), configuration.get("CertificateArn"));
        assertEquals("TLS_1_2", configuration.get("SecurityPolicy"));
        Map<String, Object> mapping = resources.get("ApiDomainMapping");
        assertEquals("HasCustomDomain", mapping.get("Condition"));
        assertEquals(Map.of("Ref", "TollgateHttpApi"), properties(mapping).get("ApiId"));
        assertEquals(Map.of("Fn::If", List.of("HasCustomDomain", true, false)),
                properties(resources.get("TollgateHttpApi")).get("DisableExecuteApiEndpoint"), "one host when a domain is set");
        assertTrue(((Map<String, Object>) rawTemplate().get("Rules")).containsKey("CustomDomainHasACertificate"));
    }
}
