package io.tollgate.devkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The AWS SAM {@code template.yaml}, read once and queried by the local runtime and by template-check tests.
 * The template is the single wiring diagram of Tollgate: functions, routes, authorizers and tables are read
 * from it rather than repeated in code, so what runs locally is what deploys.
 *
 * <p>Parsing uses SnakeYAML's safe constructor extended with the CloudFormation short-form tags, which become
 * their long form ({@code !Ref X} → {@code {"Ref": "X"}}, {@code !GetAtt A.B} → {@code {"Fn::GetAtt": [A, B]}}).
 * Duplicate keys are refused, as CloudFormation does. The parsed tree is immutable; every query recomputes from
 * it, so an instance is thread-safe and a bad function does not break queries about tables.
 */
public final class SamTemplate {

    /** The file name {@link #findFrom(Path)} looks for. */
    public static final String FILE_NAME = "template.yaml";

    static final String FUNCTION_TYPE = "AWS::Serverless::Function";
    static final String HTTP_API_TYPE = "AWS::Serverless::HttpApi";
    static final String TABLE_TYPE = "AWS::DynamoDB::Table";
    static final String QUEUE_TYPE = "AWS::SQS::Queue";
    /** The logical id SAM gives the HTTP API it creates for events that name no {@code ApiId}. */
    static final String IMPLICIT_HTTP_API = "ServerlessHttpApi";

    private final String source;
    private final Optional<Path> location;
    private final Map<String, Object> document;
    private final Map<String, Map<String, Object>> resources;

    private SamTemplate(String source, Optional<Path> location, Map<String, Object> document) {
        this.source = source;
        this.location = location;
        this.document = document;
        Map<String, Map<String, Object>> byId = new LinkedHashMap<>();
        map(document.get("Resources"), "Resources").forEach((id, resource) ->
                byId.put(id, map(resource, "resource " + id)));
        this.resources = Collections.unmodifiableMap(byId);
    }

    /** Reads and parses {@code file}. */
    public static SamTemplate load(Path file) {
        Objects.requireNonNull(file, "file");
        String yaml;
        try {
            yaml = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read SAM template " + file, e);
        }
        Path absolute = file.toAbsolutePath().normalize();
        return new SamTemplate(absolute.toString(), Optional.of(absolute), parseDocument(yaml, absolute.toString()));
    }

    /** Parses template text; {@code sourceName} only appears in error messages. */
    public static SamTemplate parse(String yaml, String sourceName) {
        return new SamTemplate(sourceName, Optional.empty(), parseDocument(yaml, sourceName));
    }

    /**
     * Finds {@value #FILE_NAME} in {@code startDir} or the nearest parent directory that has one, so tests and
     * the local runtime work from any module directory.
     *
     * @throws SamTemplateException when no directory up to the file-system root has one
     */
    public static SamTemplate findFrom(Path startDir) {
        Path start = startDir.toAbsolutePath().normalize();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(FILE_NAME);
            if (Files.isRegularFile(candidate)) {
                return load(candidate);
            }
        }
        throw new SamTemplateException("No " + FILE_NAME + " in " + start + " or any of its parent directories");
    }

    /** Where the template was read from; empty when it was {@linkplain #parse parsed} from text. */
    public Optional<Path> location() {
        return location;
    }

    /** The whole template in long form (immutable), for checks on Globals, Parameters or Outputs. */
    public Map<String, Object> document() {
        return document;
    }

    /** Logical id → resource ({@code Type}, {@code Properties}, ...), in template order, immutable. */
    public Map<String, Map<String, Object>> resources() {
        return resources;
    }

    /** Every {@code AWS::Serverless::Function}, in template order. */
    public List<FunctionSpec> functions() {
        LocalIntrinsics intrinsics = new LocalIntrinsics(optionalMap(document.get("Parameters"), "Parameters"),
                resources, optionalMap(document.get("Conditions"), "Conditions"));
        Map<String, Object> globals = globalsOf("Function");
        List<FunctionSpec> functions = new ArrayList<>();
        resourcesOfType(FUNCTION_TYPE).forEach((id, properties) -> {
            String handler = requiredString(properties.getOrDefault("Handler", globals.get("Handler")),
                    id + ".Properties.Handler");
            String codeUri = requiredString(properties.getOrDefault("CodeUri", globals.get("CodeUri")),
                    id + ".Properties.CodeUri");
            functions.add(new FunctionSpec(id, handler, codeUri, environment(id, globals, properties, intrinsics),
                    httpRoutesOf(id, properties), schedulesOf(id, properties)));
        });
        return List.copyOf(functions);
    }

    /** The function with this logical id. */
    public Optional<FunctionSpec> function(String logicalId) {
        return functions().stream().filter(f -> f.logicalId().equals(logicalId)).findFirst();
    }

    /** Every {@code Type: HttpApi} event of every function, in template order. */
    public List<HttpRoute> httpRoutes() {
        List<HttpRoute> routes = new ArrayList<>();
        resourcesOfType(FUNCTION_TYPE).forEach((id, properties) -> routes.addAll(httpRoutesOf(id, properties)));
        return List.copyOf(routes);
    }

    /** Every Lambda authorizer of every {@code AWS::Serverless::HttpApi}; JWT authorizers are not listed. */
    public List<AuthorizerSpec> authorizers() {
        List<AuthorizerSpec> authorizers = new ArrayList<>();
        resourcesOfType(HTTP_API_TYPE).forEach((apiId, properties) -> {
            Map<String, Object> auth = optionalMap(properties.get("Auth"), apiId + ".Properties.Auth");
            optionalMap(auth.get("Authorizers"), apiId + ".Properties.Auth.Authorizers").forEach((name, value) -> {
                String where = apiId + ".Properties.Auth.Authorizers." + name;
                Map<String, Object> authorizer = map(value, where);
                if (authorizer.containsKey("FunctionArn")) {
                    authorizers.add(new AuthorizerSpec(name, functionOfArn(authorizer.get("FunctionArn"), where),
                            identitySources(optionalMap(authorizer.get("Identity"), where + ".Identity")),
                            String.valueOf(authorizer.getOrDefault("AuthorizerPayloadFormatVersion", "2.0")),
                            Boolean.TRUE.equals(authorizer.get("EnableSimpleResponses"))));
                }
            });
        });
        return List.copyOf(authorizers);
    }

    /** Every {@code AWS::DynamoDB::Table}, in template order. */
    public List<TableSpec> tables() {
        List<TableSpec> tables = new ArrayList<>();
        resourcesOfType(TABLE_TYPE).forEach((id, properties) -> {
            List<TableSpec.AttributeSpec> attributes = new ArrayList<>();
            for (Object element : optionalList(properties.get("AttributeDefinitions"), id + ".AttributeDefinitions")) {
                Map<String, Object> definition = map(element, id + ".AttributeDefinitions[]");
                attributes.add(new TableSpec.AttributeSpec(
                        requiredString(definition.get("AttributeName"), id + ".AttributeDefinitions[].AttributeName"),
                        requiredString(definition.get("AttributeType"), id + ".AttributeDefinitions[].AttributeType")));
            }
            List<TableSpec.Gsi> indexes = new ArrayList<>();
            for (Object element : optionalList(properties.get("GlobalSecondaryIndexes"),
                    id + ".GlobalSecondaryIndexes")) {
                Map<String, Object> gsi = map(element, id + ".GlobalSecondaryIndexes[]");
                String name = requiredString(gsi.get("IndexName"), id + ".GlobalSecondaryIndexes[].IndexName");
                String where = id + ".GlobalSecondaryIndexes." + name;
                Map<String, Object> projection = optionalMap(gsi.get("Projection"), where + ".Projection");
                indexes.add(new TableSpec.Gsi(name, keySchema(gsi.get("KeySchema"), where + ".KeySchema"),
                        String.valueOf(projection.getOrDefault("ProjectionType", "ALL")),
                        strings(projection.get("NonKeyAttributes"), where + ".Projection.NonKeyAttributes")));
            }
            Map<String, Object> ttl = optionalMap(properties.get("TimeToLiveSpecification"),
                    id + ".TimeToLiveSpecification");
            Optional<String> ttlAttribute = Boolean.FALSE.equals(ttl.get("Enabled"))
                    ? Optional.empty()
                    : Optional.ofNullable(ttl.get("AttributeName")).map(String::valueOf);
            Map<String, Object> stream = optionalMap(properties.get("StreamSpecification"), id + ".StreamSpecification");
            tables.add(new TableSpec(id, keySchema(properties.get("KeySchema"), id + ".KeySchema"), attributes, indexes,
                    ttlAttribute, Optional.ofNullable(stream.get("StreamViewType")).map(String::valueOf)));
        });
        return List.copyOf(tables);
    }

    /** Every {@code AWS::SQS::Queue}, in template order. */
    public List<QueueSpec> queues() {
        List<QueueSpec> queues = new ArrayList<>();
        resourcesOfType(QUEUE_TYPE).forEach((id, properties) -> {
            Map<String, Object> redrive = optionalMap(properties.get("RedrivePolicy"), id + ".RedrivePolicy");
            Optional<String> deadLetter = Optional.ofNullable(redrive.get("deadLetterTargetArn"))
                    .map(arn -> arnOf(arn, id + ".RedrivePolicy.deadLetterTargetArn"));
            int maxReceive = Integer.parseInt(requiredString(redrive.getOrDefault("maxReceiveCount", 1_000_000),
                    id + ".RedrivePolicy.maxReceiveCount"));
            int visibility = Integer.parseInt(requiredString(properties.getOrDefault("VisibilityTimeout", 30),
                    id + ".VisibilityTimeout"));
            queues.add(new QueueSpec(id, Boolean.TRUE.equals(properties.get("FifoQueue")), deadLetter, maxReceive,
                    java.time.Duration.ofSeconds(visibility)));
        });
        return List.copyOf(queues);
    }

    /** Every {@code Type: SQS} event of every function, in template order. */
    public List<QueueSubscription> queueSubscriptions() {
        List<QueueSubscription> subscriptions = new ArrayList<>();
        resourcesOfType(FUNCTION_TYPE).forEach((id, properties) -> eventsOf(id, properties).forEach((eventId, event) -> {
            if (!"SQS".equals(event.get("Type"))) {
                return;
            }
            String where = id + ".Events." + eventId + ".Properties";
            Map<String, Object> eventProperties = optionalMap(event.get("Properties"), where);
            String queue = arnOf(eventProperties.get("Queue"), where + ".Queue");
            int batchSize = Integer.parseInt(requiredString(eventProperties.getOrDefault("BatchSize", 10),
                    where + ".BatchSize"));
            boolean partial = strings(eventProperties.get("FunctionResponseTypes"), where + ".FunctionResponseTypes")
                    .contains("ReportBatchItemFailures");
            subscriptions.add(new QueueSubscription(id, queue, batchSize, partial));
        }));
        return List.copyOf(subscriptions);
    }

    /** Every {@code Type: DynamoDB} stream event of every function, in template order. */
    public List<StreamSubscription> streamSubscriptions() {
        List<StreamSubscription> subscriptions = new ArrayList<>();
        resourcesOfType(FUNCTION_TYPE).forEach((id, properties) -> eventsOf(id, properties).forEach((eventId, event) -> {
            if (!"DynamoDB".equals(event.get("Type"))) {
                return;
            }
            String where = id + ".Events." + eventId + ".Properties";
            Map<String, Object> eventProperties = optionalMap(event.get("Properties"), where);
            Object stream = eventProperties.get("Stream");
            if (!(stream instanceof Map<?, ?> getAtt && getAtt.get("Fn::GetAtt") instanceof List<?> pair
                    && pair.size() == 2 && "StreamArn".equals(pair.get(1)) && pair.get(0) instanceof String table)) {
                throw new SamTemplateException(where + ".Stream must be !GetAtt <Table>.StreamArn in " + source
                        + ", got " + stream);
            }
            int batchSize = Integer.parseInt(requiredString(eventProperties.getOrDefault("BatchSize", 100),
                    where + ".BatchSize"));
            String start = requiredString(eventProperties.getOrDefault("StartingPosition", "LATEST"),
                    where + ".StartingPosition");
            int retries = Integer.parseInt(requiredString(eventProperties.getOrDefault("MaximumRetryAttempts", -1),
                    where + ".MaximumRetryAttempts"));
            boolean partial = strings(eventProperties.get("FunctionResponseTypes"), where + ".FunctionResponseTypes")
                    .contains("ReportBatchItemFailures");
            subscriptions.add(new StreamSubscription(id, table, batchSize, start, retries, partial));
        }));
        return List.copyOf(subscriptions);
    }

    /** The logical id named by {@code !GetAtt X.Arn}. */
    private String arnOf(Object value, String where) {
        if (value instanceof Map<?, ?> getAtt && getAtt.get("Fn::GetAtt") instanceof List<?> pair
                && pair.size() == 2 && "Arn".equals(pair.get(1)) && pair.get(0) instanceof String id) {
            return id;
        }
        throw new SamTemplateException(where + " must be !GetAtt <Resource>.Arn in " + source + ", got " + value);
    }

    @Override
    public String toString() {
        return "SamTemplate[" + source + "]";
    }

    // ------------------------------------------------------------------ functions

    private Map<String, String> environment(String functionId, Map<String, Object> globals,
                                            Map<String, Object> properties, LocalIntrinsics intrinsics) {
        Map<String, Object> merged = new LinkedHashMap<>();
        merged.putAll(variables(globals, "Globals.Function"));
        merged.putAll(variables(properties, functionId + ".Properties"));
        Map<String, String> environment = new LinkedHashMap<>();
        for (Map.Entry<String, Object> variable : merged.entrySet()) {
            if (LocalIntrinsics.isNoValue(variable.getValue())) {
                continue;
            }
            try {
                environment.put(variable.getKey(), intrinsics.resolve(variable.getValue()));
            } catch (LocalIntrinsics.Unresolvable e) {
                throw new SamTemplateException("Function " + functionId + ": environment variable "
                        + variable.getKey() + " cannot be resolved locally: " + e.getMessage() + " (in " + source + ")",
                        e);
            }
        }
        return environment;
    }

    private Map<String, Object> variables(Map<String, Object> owner, String where) {
        Map<String, Object> environment = optionalMap(owner.get("Environment"), where + ".Environment");
        return optionalMap(environment.get("Variables"), where + ".Environment.Variables");
    }

    private List<HttpRoute> httpRoutesOf(String functionId, Map<String, Object> properties) {
        List<HttpRoute> routes = new ArrayList<>();
        eventsOf(functionId, properties).forEach((eventId, event) -> {
            if (!"HttpApi".equals(event.get("Type"))) {
                return;
            }
            String where = functionId + ".Events." + eventId;
            Map<String, Object> eventProperties = optionalMap(event.get("Properties"), where + ".Properties");
            String path = String.valueOf(eventProperties.getOrDefault("Path", HttpRoute.DEFAULT_ROUTE));
            String method = String.valueOf(eventProperties.getOrDefault("Method", "ANY"));
            String apiId = apiIdOf(eventProperties.get("ApiId"), where);
            routes.add(new HttpRoute(method.toUpperCase(Locale.ROOT), path, functionId,
                    authorizerOf(eventProperties, apiId, where)));
        });
        return routes;
    }

    private String apiIdOf(Object apiId, String where) {
        if (apiId == null) {
            return IMPLICIT_HTTP_API;
        }
        if (apiId instanceof Map<?, ?> ref && ref.size() == 1 && ref.get("Ref") instanceof String id) {
            return id;
        }
        if (apiId instanceof String id) {
            return id;
        }
        throw new SamTemplateException(where + ".Properties.ApiId must be !Ref <HttpApi>, got " + apiId);
    }

    private Optional<String> authorizerOf(Map<String, Object> eventProperties, String apiId, String where) {
        Map<String, Object> auth = optionalMap(eventProperties.get("Auth"), where + ".Properties.Auth");
        Object authorizer = auth.get("Authorizer");
        if (authorizer == null) {
            Map<String, Object> api = resources.containsKey(apiId) && HTTP_API_TYPE.equals(resources.get(apiId).get("Type"))
                    ? propertiesOf(apiId, resources.get(apiId))
                    : Map.of();
            Map<String, Object> apiAuth = optionalMap(api.get("Auth"), apiId + ".Properties.Auth");
            authorizer = apiAuth.containsKey("DefaultAuthorizer")
                    ? apiAuth.get("DefaultAuthorizer")
                    : optionalMap(globalsOf("HttpApi").get("Auth"), "Globals.HttpApi.Auth").get("DefaultAuthorizer");
        }
        if (authorizer == null || "NONE".equals(authorizer)) {
            return Optional.empty();
        }
        return Optional.of(requiredString(authorizer, where + ".Properties.Auth.Authorizer"));
    }

    private List<ScheduleSpec> schedulesOf(String functionId, Map<String, Object> properties) {
        List<ScheduleSpec> schedules = new ArrayList<>();
        eventsOf(functionId, properties).forEach((eventId, event) -> {
            Object type = event.get("Type");
            if (!"Schedule".equals(type) && !"ScheduleV2".equals(type)) {
                return;
            }
            String where = functionId + ".Events." + eventId + ".Properties";
            Map<String, Object> eventProperties = optionalMap(event.get("Properties"), where);
            String expressionKey = "Schedule".equals(type) ? "Schedule" : "ScheduleExpression";
            Object name = eventProperties.get("Name");
            schedules.add(new ScheduleSpec(name instanceof String literal ? literal : eventId,
                    requiredString(eventProperties.get(expressionKey), where + "." + expressionKey)));
        });
        return schedules;
    }

    private Map<String, Map<String, Object>> eventsOf(String functionId, Map<String, Object> properties) {
        Map<String, Map<String, Object>> events = new LinkedHashMap<>();
        optionalMap(properties.get("Events"), functionId + ".Properties.Events").forEach((eventId, event) ->
                events.put(eventId, map(event, functionId + ".Events." + eventId)));
        return events;
    }

    // ------------------------------------------------------------------ authorizers and tables

    private String functionOfArn(Object functionArn, String where) {
        if (functionArn instanceof Map<?, ?> getAtt && getAtt.get("Fn::GetAtt") instanceof List<?> pair
                && pair.size() == 2 && "Arn".equals(pair.get(1)) && pair.get(0) instanceof String functionId) {
            return functionId;
        }
        if (functionArn instanceof Map<?, ?> ref && ref.get("Ref") instanceof String alias && alias.endsWith(".Alias")) {
            return alias.substring(0, alias.length() - ".Alias".length());
        }
        throw new SamTemplateException(where + ".FunctionArn must be !GetAtt <Function>.Arn or !Ref <Function>.Alias, got "
                + functionArn);
    }

    private List<String> identitySources(Map<String, Object> identity) {
        List<String> sources = new ArrayList<>();
        Map<String, String> prefixes = new LinkedHashMap<>();
        prefixes.put("Headers", "$request.header.");
        prefixes.put("QueryStrings", "$request.querystring.");
        prefixes.put("Context", "$context.");
        prefixes.put("StageVariables", "$stageVariables.");
        prefixes.forEach((key, prefix) -> {
            for (String name : strings(identity.get(key), "Identity." + key)) {
                sources.add(prefix + name);
            }
        });
        return sources;
    }

    private List<TableSpec.KeyElement> keySchema(Object value, String where) {
        List<TableSpec.KeyElement> keys = new ArrayList<>();
        for (Object element : optionalList(value, where)) {
            Map<String, Object> key = map(element, where + "[]");
            keys.add(new TableSpec.KeyElement(requiredString(key.get("AttributeName"), where + "[].AttributeName"),
                    requiredString(key.get("KeyType"), where + "[].KeyType")));
        }
        if (keys.isEmpty()) {
            throw new SamTemplateException(where + " is missing or empty in " + source);
        }
        return keys;
    }

    // ------------------------------------------------------------------ tree helpers

    private Map<String, Map<String, Object>> resourcesOfType(String type) {
        Map<String, Map<String, Object>> matching = new LinkedHashMap<>();
        resources.forEach((id, resource) -> {
            if (type.equals(resource.get("Type"))) {
                matching.put(id, propertiesOf(id, resource));
            }
        });
        return matching;
    }

    private Map<String, Object> propertiesOf(String id, Map<String, Object> resource) {
        return optionalMap(resource.get("Properties"), id + ".Properties");
    }

    private Map<String, Object> globalsOf(String section) {
        Map<String, Object> globals = optionalMap(document.get("Globals"), "Globals");
        return optionalMap(globals.get(section), "Globals." + section);
    }

    private Map<String, Object> map(Object value, String where) {
        if (value instanceof Map<?, ?> map) {
            @SuppressWarnings("unchecked")
            Map<String, Object> typed = (Map<String, Object>) map;
            return typed;
        }
        throw new SamTemplateException(where + " must be a mapping in " + source + ", got " + value);
    }

    private Map<String, Object> optionalMap(Object value, String where) {
        return value == null ? Map.of() : map(value, where);
    }

    private List<?> optionalList(Object value, String where) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> list) {
            return list;
        }
        throw new SamTemplateException(where + " must be a list in " + source + ", got " + value);
    }

    private List<String> strings(Object value, String where) {
        List<String> strings = new ArrayList<>();
        for (Object element : optionalList(value, where)) {
            strings.add(requiredString(element, where + "[]"));
        }
        return strings;
    }

    private String requiredString(Object value, String where) {
        if (value instanceof String text) {
            return text;
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        throw new SamTemplateException(where + " must be a literal string in " + source
                + (value == null ? ", but it is missing" : ", got " + value));
    }

    // ------------------------------------------------------------------ parsing

    private static Map<String, Object> parseDocument(String yaml, String sourceName) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        Object root;
        try {
            root = new Yaml(new CloudFormationConstructor(options)).load(yaml);
        } catch (YAMLException e) {
            throw new SamTemplateException("Cannot parse SAM template " + sourceName + ": " + e.getMessage(), e);
        }
        if (!(root instanceof Map<?, ?> map) || !(map.get("Resources") instanceof Map<?, ?>)) {
            throw new SamTemplateException(sourceName + " is not a CloudFormation template (no Resources mapping)");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> frozen = (Map<String, Object>) freeze(map);
        return frozen;
    }

    /** Deep, immutable copy; keys become strings (YAML allows {@code 200:} as a key). */
    private static Object freeze(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((key, element) -> copy.put(String.valueOf(key), freeze(element)));
            return Collections.unmodifiableMap(copy);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(element -> copy.add(freeze(element)));
            return Collections.unmodifiableList(copy);
        }
        return value;
    }
}
