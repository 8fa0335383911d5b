package io.tollgate.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.tollgate.audit.chain.LocalDigestSigner;
import io.tollgate.audit.platform.AuditConfig;
import io.tollgate.audit.platform.AuditServices;
import io.tollgate.audit.verification.SqsVerificationJobQueue;
import io.tollgate.crypto.EnvelopeEncryptor;
import io.tollgate.crypto.LocalKeyRing;
import io.tollgate.devkit.DynamoDbLocalServer;
import io.tollgate.devkit.LocalQueue;
import io.tollgate.devkit.LocalStream;
import io.tollgate.devkit.StreamSubscription;
import io.tollgate.devkit.LocalScheduler;
import io.tollgate.devkit.QueueSpec;
import io.tollgate.devkit.QueueSubscription;
import io.tollgate.devkit.FunctionSpec;
import io.tollgate.devkit.LocalGateway;
import io.tollgate.devkit.SamTemplate;
import io.tollgate.devkit.TableProvisioner;
import io.tollgate.platform.TollgateConfig;
import io.tollgate.platform.TollgateServices;
import io.tollgate.devkit.LocalLambdaContext;
import io.tollgate.devkit.SecretsManagerLocalServer;
import io.tollgate.json.Json;
import io.tollgate.keyrotation.KeyRotationHandler;
import io.tollgate.token.SecretsManagerSigningKeyStore;
import io.tollgate.token.SigningKeyRotation;
import io.tollgate.token.SigningKeyRotationPlan;
import io.tollgate.crypto.EnvelopeEncryptor;
import io.tollgate.crypto.LocalKeyRing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.time.Clock;
import java.time.Duration;
import java.lang.reflect.Method;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * {@code ./tollgate local}: the whole Tollgate API on one laptop, in one process.
 *
 * <p>Starts DynamoDB Local (the real engine, on loopback), creates the tables of
 * template.yaml, seeds tenants and users, and serves every {@code HttpApi} route of the
 * template on 127.0.0.1, invoking each function's handler in-process as Lambda would. KMS,
 * Secrets Manager and SES are replaced by local stand-ins behind the same interfaces.
 */
public final class LocalRuntime implements AutoCloseable {

    /**
     * DynamoDB Local's bundled AWS SDK v1 logs through {@code java.util.logging}; at start it warns that JAXB is
     * absent (its Base64 falls back to its own codec, which is correct). Held here so the level set in
     * {@link #main} is not lost when the logger is garbage-collected.
     */
    private static final java.util.logging.Logger EMBEDDED_SDK_V1_LOG = java.util.logging.Logger.getLogger("com.amazonaws");


    /** The scheduled function {@code ./tollgate retention --dry-run} runs with {@code detail.dry_run}. */
    static final String RETENTION_FUNCTION = "RetentionFunction";

    private final DynamoDbLocalServer dynamoDbServer;
    private final SecretsManagerLocalServer secretsServer;
    private final DynamoDbClient dynamoDb;
    private final LocalGateway gateway;
    private final TollgateServices services;
    private final Seeder.Outcome seeded;
    private final LocalOutbox outbox;
    private final EventSources events;

    private LocalRuntime(DynamoDbLocalServer dynamoDbServer, SecretsManagerLocalServer secretsServer,
            DynamoDbClient dynamoDb, LocalGateway gateway, TollgateServices services, Seeder.Outcome seeded,
            LocalOutbox outbox, EventSources events) {
        this.outbox = outbox;
        this.dynamoDbServer = dynamoDbServer;
        this.secretsServer = secretsServer;
        this.dynamoDb = dynamoDb;
        this.gateway = gateway;
        this.services = services;
        this.seeded = seeded;
        this.events = events;
    }

    /** How often an idle DynamoDB stream is polled (Lambda polls each shard about four times a second). */
    static final Duration STREAM_POLL_INTERVAL = Duration.ofMillis(250);

    /** How long a failed queue message waits before its next delivery (times its receive count). */
    static final Duration QUEUE_RETRY_DELAY = Duration.ofMillis(200);

    /**
     * The local runtime's non-HTTP event sources (ADR 0016): in-process SQS queues delivering to
     * their consumer functions, and the scheduler of the template's {@code rate(...)} schedules.
     */
    static final class EventSources implements AutoCloseable {
        final Map<String, LocalQueue> queues = new LinkedHashMap<>();
        final Map<String, Object> handlers = new ConcurrentHashMap<>();
        final java.util.List<LocalStream> streams = new java.util.concurrent.CopyOnWriteArrayList<>();
        LocalScheduler scheduler;

        @Override
        public void close() {
            if (scheduler != null) {
                scheduler.close();
            }
            streams.forEach(LocalStream::close);
            queues.values().forEach(LocalQueue::close);
        }
    }

    public static void main(String[] args) throws InterruptedException {
        EMBEDDED_SDK_V1_LOG.setLevel(java.util.logging.Level.SEVERE);
        RuntimeOptions options;
        try {
            options = RuntimeOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        long started = System.nanoTime();
        LocalRuntime runtime;
        try {
            runtime = start(options, TollgateServices.builder());
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("tollgate local: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            runtime.close();
            stopped.countDown();
        }, "tollgate-shutdown"));
        System.out.println(runtime.banner(options, (System.nanoTime() - started) / 1_000_000));
        System.out.flush();
        stopped.await();
    }

    /**
     * Starts everything; {@code services} may preset a clock, an audit publisher or settings
     * (tests), the rest is filled with local stand-ins.
     */
    public static LocalRuntime start(RuntimeOptions options, TollgateServices.Builder services) {
        SamTemplate template = options.template().map(SamTemplate::load)
                .orElseGet(() -> SamTemplate.findFrom(Path.of("").toAbsolutePath()));
        DynamoDbLocalServer server = options.data()
                .map(dir -> DynamoDbLocalServer.persistent(dir.resolve("dynamodb")))
                .orElseGet(DynamoDbLocalServer::inMemory);
        SecretsManagerLocalServer secretsServer = options.data()
                .map(dir -> SecretsManagerLocalServer.persistent(dir.resolve("secrets.json")))
                .orElseGet(SecretsManagerLocalServer::inMemory);
        EventSources events = new EventSources();
        try {
            DynamoDbClient dynamoDb = server.client();
            TableProvisioner.provision(dynamoDb, template);
            Map<String, String> environment = template.functions().stream().findFirst()
                    .map(FunctionSpec::environment)
                    .orElseThrow(() -> new IllegalStateException("The template declares no function"));
            TollgateConfig config = TollgateConfig.fromEnvironment(environment);
            String secretId = config.signingKeySecretId().orElseThrow(() -> new IllegalStateException(
                    "The template sets no " + TollgateConfig.SIGNING_KEYS_SECRET_ID));
            SecretsManagerClient secrets = SecretsManagerClient.builder()
                    .endpointOverride(secretsServer.endpoint()).region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                    .httpClient(UrlConnectionHttpClient.create()).build();
            TollgateServices.Builder preset = services.config(config).dynamoDb(dynamoDb).secretsManager(secrets);
            Clock clock = preset.clock();
            SecureRandom random = preset.random();
            LocalKeyRing keyRing = options.data().map(dir -> LocalKeyRing.persistent(dir, random))
                    .orElseGet(() -> LocalKeyRing.inMemory(random));
            LocalOutbox outbox = new LocalOutbox(options.data().map(dir -> dir.resolve("outbox"))
                    .orElseGet(LocalRuntime::temporaryOutbox), LOCAL_MAIL_FROM, clock);
            preset.encryptor(EnvelopeEncryptor.withDefaultCache(keyRing, clock, random))
                    // Only here may a tenant's SIEM webhook point at 127.0.0.1 or a private address.
                    .webhookTargets(io.tollgate.net.WebhookTargets.anyAddress())
                    .mailSender(outbox)
                    .smsSender(outbox)
                    .backupCodePepper(localSecret(secrets, random, LOCAL_PEPPER_SECRET, "Tollgate backup-code pepper (local)"))
                    .emailIndexKey(localSecret(secrets, random, LOCAL_EMAIL_INDEX_SECRET,
                            "Tollgate e-mail blind-index key (local)"));
            for (QueueSpec queue : deadLetterQueuesFirst(template)) {
                events.queues.put(queue.logicalId(), new LocalQueue(queue,
                        queue.deadLetterQueue().map(events.queues::get), QUEUE_RETRY_DELAY, Clock.systemUTC()));
            }
            Optional<LocalQueue> auditQueue = config.auditQueueUrl().map(events.queues::get);
            auditQueue.ifPresent(queue -> preset.auditPublisher(new LocalAuditQueue(queue, preset.auditPublisher())));
            TollgateServices built = preset
                    .signingKeys(new SecretsManagerSigningKeyStore(secrets, secretId, clock, SIGNING_KEY_CACHE))
                    .build();
            AuditServices audit = localAudit(template, built, options, auditQueue.flatMap(q -> deadLetterOf(template, q,
                    events))).map(parts -> withVerificationQueue(template, parts, events)).orElse(null);
            KeyRotationHandler rotation = new KeyRotationHandler(built);
            bootstrapSigningKeys(secrets, secretId, rotation);
            Seeder seeder = new Seeder(built);
            Seeder.Outcome seeded = options.seed().map(SeedFile::read).map(seeder::seed).orElseGet(seeder::seedDemo);
            LocalGateway gateway = new LocalGateway(template, spec -> instantiate(spec, built, audit), options.port(), clock);
            startEventSources(template, built, audit, events, server);
            for (FunctionSpec scheduled : template.functions()) {
                if (!scheduled.schedules().isEmpty()) {
                    gateway.addLocalRoute("POST", "/_local/schedules/" + scheduled.logicalId(), () ->
                            new LocalGateway.LocalResponse(200, runScheduled(scheduled, built, audit, events)));
                }
            }
            template.function(RETENTION_FUNCTION).ifPresent(retention -> gateway.addLocalRoute("POST",
                    "/_local/retention/dry-run", () -> new LocalGateway.LocalResponse(200,
                            runScheduled(retention, built, audit, events, Map.of("dry_run", true)))));
            for (FunctionSpec function : template.functions()) {
                gateway.addLocalRoute("POST", "/_local/invoke/" + function.logicalId(), body ->
                        invokeWithEvent(function, built, audit, events, body));
            }
            if (audit != null) {
                gateway.addLocalRoute("POST", "/_local/audit/verify", body -> verifyChain(audit, body));
                LocalQueue auditDeadLetter = auditQueue.flatMap(q -> deadLetterOf(template, q, events)).orElseThrow();
                gateway.addLocalQueryRoute("GET", "/_local/audit/dlq", (query, body) -> new LocalGateway.LocalResponse(
                        200, LocalAuditQueue.listDeadLetters(auditDeadLetter)));
                gateway.addLocalRoute("POST", "/_local/audit/dlq/replay", () -> new LocalGateway.LocalResponse(200,
                        LocalAuditQueue.replayDeadLetters(auditDeadLetter, auditQueue.orElseThrow())));
                io.tollgate.detection.DetectionStore decisions = new io.tollgate.detection.DetectionStore(built.dynamoDb(),
                        built.config().tables().security());
                gateway.addLocalRoute("POST", "/_local/anomaly/explain", body -> explainDecision(
                        new io.tollgate.detection.DecisionReport(decisions, audit.chains()), body));
                gateway.addLocalRoute("POST", "/_local/anomaly/replay", body -> replayDetection(
                        new io.tollgate.detection.DetectionReplay(audit.chains(),
                                io.tollgate.detection.AnomalyDetection.detector(built), decisions), body));
            }
            gateway.addLocalRoute("POST", "/_local/rotate-keys", () -> {
                try {
                    String version = rotateSigningKeys(secrets, secretId, rotation);
                    return new LocalGateway.LocalResponse(200, "{\"rotated\":true,\"version_id\":\"" + version + "\"}");
                } catch (SigningKeyRotationPlan.RotationRefusedException e) {
                    return new LocalGateway.LocalResponse(409, "{\"rotated\":false,\"reason\":"
                            + jsonString(e.getMessage()) + "}");
                }
            });
            gateway.addLocalQueryRoute("GET", "/_local/outbox", (query, body) -> outboxChannel(query)
                    .map(channel -> new LocalGateway.LocalResponse(200, outbox.json(channel)))
                    .orElseGet(() -> new LocalGateway.LocalResponse(400,
                            "{\"error\":\"channel must be mail, sms or all\"}")));
            return new LocalRuntime(server, secretsServer, dynamoDb, gateway, built, seeded, outbox, events);
        } catch (RuntimeException e) {
            events.close();
            secretsServer.close();
            server.close();
            throw e;
        }
    }

    /** The {@code channel} of {@code GET /_local/outbox} ({@code mail} when absent); empty when unknown. */
    static Optional<String> outboxChannel(String rawQuery) {
        String channel = LocalOutbox.MAIL;
        for (String pair : rawQuery == null ? new String[0] : rawQuery.split("&")) {
            if (pair.startsWith("channel=")) {
                channel = pair.substring("channel=".length());
            }
        }
        return java.util.Set.of(LocalOutbox.MAIL, LocalOutbox.SMS, "all").contains(channel)
                ? Optional.of(channel) : Optional.empty();
    }

    private static String jsonString(String value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("Cannot write a JSON string", e);
        }
    }

    /** Sender of the local runtime's mail. */
    static final String LOCAL_MAIL_FROM = "no-reply@tollgate.local";
    /** The local Secrets Manager secret holding the backup-code pepper (ADR 0009), created at first start. */
    static final String LOCAL_PEPPER_SECRET = "tollgate-local-mfa-pepper";
    /** The local secret holding the e-mail blind-index key (ADR 0046), created at first start. */
    static final String LOCAL_EMAIL_INDEX_SECRET = "tollgate-local-email-index-key";

    /** A local secret (the pepper, the index key), from the local Secrets Manager as in AWS; 256 random bits if absent. */
    private static byte[] localSecret(SecretsManagerClient secrets, SecureRandom random, String name,
            String description) {
        try {
            return secrets.getSecretValue(r -> r.secretId(name)).secretString().getBytes(StandardCharsets.UTF_8);
        } catch (ResourceNotFoundException absent) {
            byte[] bytes = new byte[32];
            random.nextBytes(bytes);
            String value = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            secrets.createSecret(r -> r.name(name).description(description).secretString(value));
            return value.getBytes(StandardCharsets.UTF_8);
        }
    }

    private static Path temporaryOutbox() {
        try {
            return Files.createTempDirectory("tollgate-outbox-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary outbox folder", e);
        }
    }

    /** How long a login container caches the signing key set (as in AWS: 5 minutes). */
    static final Duration SIGNING_KEY_CACHE = Duration.ofMinutes(5);

    /** First start: creates the secret and runs one rotation, which creates the current and next keys. */
    private static void bootstrapSigningKeys(SecretsManagerClient secrets, String secretId, KeyRotationHandler rotation) {
        try {
            secrets.describeSecret(r -> r.secretId(secretId));
        } catch (ResourceNotFoundException e) {
            secrets.createSecret(r -> r.name(secretId).description("Tollgate JWT signing key set (local)"));
            rotateSigningKeys(secrets, secretId, rotation);
        }
    }

    /**
     * One rotation as Secrets Manager drives it: {@code RotateSecret} opens a pending version,
     * then the rotation function runs its four steps with that version's token.
     */
    static String rotateSigningKeys(SecretsManagerClient secrets, String secretId, KeyRotationHandler rotation) {
        String token = secrets.rotateSecret(r -> r.secretId(secretId)).versionId();
        for (SigningKeyRotation.Step step : SigningKeyRotation.Step.values()) {
            rotation.handleRequest(Map.of("SecretId", secretId, "ClientRequestToken", token, "Step", step.wireName()),
                    new LocalLambdaContext(token + "-" + step.wireName(), "KeyRotationFunction", Duration.ofMinutes(1),
                            Clock.systemUTC()));
        }
        return token;
    }

    /**
     * Creates a handler the way its Lambda container would, but with the local services: through
     * its {@code (AuditServices)} constructor when it has one (the audit functions, which need the
     * local key ring, digest key and dead-letter queue), else its {@code (TollgateServices)} one.
     */
    static Object instantiate(FunctionSpec spec, TollgateServices services, AuditServices audit) {
        String className = spec.handler().split("::", 2)[0];
        try {
            Class<?> type = Class.forName(className);
            if (audit != null) {
                try {
                    return type.getConstructor(AuditServices.class).newInstance(audit);
                } catch (NoSuchMethodException notAnAuditFunction) {
                    // falls through to the platform constructor
                }
            }
            Constructor<?> constructor = type.getConstructor(TollgateServices.class);
            return constructor.newInstance(services);
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            throw new IllegalStateException("Function " + spec.logicalId() + ": handler " + className
                    + " is not on the classpath or has no (TollgateServices) constructor", e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("Function " + spec.logicalId() + " failed to initialise", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Function " + spec.logicalId() + " cannot be created", e);
        }
    }

    /** Queues in an order where every dead-letter queue comes before the queues that use it. */
    private static java.util.List<QueueSpec> deadLetterQueuesFirst(SamTemplate template) {
        java.util.List<QueueSpec> ordered = new java.util.ArrayList<>();
        java.util.List<QueueSpec> pending = new java.util.ArrayList<>(template.queues());
        while (!pending.isEmpty()) {
            boolean progress = pending.removeIf(queue -> {
                boolean ready = queue.deadLetterQueue().map(dlq -> ordered.stream()
                        .anyMatch(q -> q.logicalId().equals(dlq))).orElse(true);
                if (ready) {
                    ordered.add(queue);
                }
                return ready;
            });
            if (!progress) {
                throw new IllegalStateException("Queues " + pending + " name a dead-letter queue the template lacks");
            }
        }
        return ordered;
    }

    private static Optional<LocalQueue> deadLetterOf(SamTemplate template, LocalQueue queue, EventSources events) {
        return template.queues().stream().filter(q -> q.logicalId().equals(queue.name())).findFirst()
                .flatMap(QueueSpec::deadLetterQueue).map(events.queues::get);
    }

    /**
     * The audit functions' services with local stand-ins: the local master key (envelope
     * encryption), a local EC P-256 digest key (both in the data folder when there is one), and the
     * audit queue's dead-letter queue; empty when the template has no audit table.
     */
    private static Optional<AuditServices> localAudit(SamTemplate template, TollgateServices services,
            RuntimeOptions options, Optional<LocalQueue> deadLetter) {
        Optional<String> table = template.functions().stream()
                .map(f -> f.environment().get(AuditConfig.AUDIT_TABLE)).filter(java.util.Objects::nonNull).findFirst();
        if (table.isEmpty()) {
            return Optional.empty();
        }
        SecureRandom random = services.random();
        LocalDigestSigner signer = options.data().map(dir -> LocalDigestSigner.persistent(dir, random))
                .orElseGet(() -> LocalDigestSigner.inMemory(random));
        LocalQueue rejects = deadLetter.orElseThrow(() -> new IllegalStateException(
                "The audit queue has no dead-letter queue in the template"));
        return Optional.of(AuditServices.of(services, table.get(), services.encryptor(), signer,
                LocalAuditQueue.deadLetterSink(rejects)));
    }

    /**
     * Verification jobs (ADR 0071) handed to the in-process queue named by {@code AUDIT_VERIFICATION_QUEUE_URL}
     * (locally a queue's {@code Ref} is its logical id), whose worker the template subscribes like in AWS.
     */
    private static AuditServices withVerificationQueue(SamTemplate template, AuditServices audit, EventSources events) {
        return template.functions().stream()
                .map(f -> f.environment().get(AuditConfig.AUDIT_VERIFICATION_QUEUE_URL))
                .filter(java.util.Objects::nonNull).findFirst().map(events.queues::get)
                .map(queue -> audit.withVerificationQueue(message -> queue.send(SqsVerificationJobQueue.body(message),
                        Optional.empty(), java.util.UUID.randomUUID().toString(), Map.of())))
                .orElse(audit);
    }

    /** Subscribes each queue's consumer function and starts the schedules. */
    private static void startEventSources(SamTemplate template, TollgateServices services, AuditServices audit,
            EventSources events, DynamoDbLocalServer server) {
        for (StreamSubscription subscription : template.streamSubscriptions()) {
            FunctionSpec function = template.function(subscription.functionLogicalId()).orElseThrow();
            // Locally every table is named by its logical id (TableProvisioner).
            events.streams.add(new LocalStream(services.dynamoDb(), server.streamsClient(), subscription.tableLogicalId(),
                    subscription, event -> (StreamsEventResponse) invoke(function, services, audit, events, event,
                    DynamodbEvent.class), STREAM_POLL_INTERVAL));
        }
        for (QueueSubscription subscription : template.queueSubscriptions()) {
            LocalQueue queue = events.queues.get(subscription.queueLogicalId());
            FunctionSpec function = template.function(subscription.functionLogicalId()).orElseThrow();
            if (queue == null) {
                throw new IllegalStateException("Function " + function.logicalId() + " reads a queue the template lacks");
            }
            queue.subscribe(subscription.batchSize(), subscription.reportBatchItemFailures(), event ->
                    (SQSBatchResponse) invoke(function, services, audit, events, event, SQSEvent.class));
        }
        events.scheduler = new LocalScheduler(template.functions(),
                function -> runScheduled(function, services, audit, events));
    }

    /** Runs a scheduled function now with an EventBridge "Scheduled Event"; returns its answer as JSON. */
    static String runScheduled(FunctionSpec function, TollgateServices services, AuditServices audit,
            EventSources events) {
        return runScheduled(function, services, audit, events, Map.of());
    }

    /** As {@link #runScheduled(FunctionSpec, TollgateServices, AuditServices, EventSources)}, with this event {@code detail}. */
    static String runScheduled(FunctionSpec function, TollgateServices services, AuditServices audit,
            EventSources events, Map<String, Object> detail) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("version", "0");
        event.put("id", java.util.UUID.randomUUID().toString());
        event.put("detail-type", "Scheduled Event");
        event.put("source", "aws.events");
        event.put("account", "000000000000");
        event.put("time", java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        event.put("region", "us-east-1");
        event.put("resources", java.util.List.of("arn:aws:events:us-east-1:000000000000:rule/" + function.logicalId()));
        event.put("detail", detail);
        Object answer = invoke(function, services, audit, events, event, Map.class);
        try {
            return Json.mapper().writeValueAsString(answer == null ? Map.of() : answer);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("Function " + function.logicalId() + " answered something not JSON", e);
        }
    }

    /**
     * {@code ./tollgate invoke <function> --event <file>}: runs the function once with the event
     * file, read into its handler's event type; 200 with the answer, 400 for an event that does not
     * fit, 500 with the Lambda-style {@code errorType}/{@code errorMessage} when the handler throws.
     */
    static LocalGateway.LocalResponse invokeWithEvent(FunctionSpec function, TollgateServices services,
            AuditServices audit, EventSources events, byte[] body) {
        Object handler = events.handlers.computeIfAbsent(function.logicalId(), id -> instantiate(function, services, audit));
        Method method = LocalInvocation.handlerMethod(handler.getClass(), function.handlerMethod(), function.logicalId());
        Object event;
        try {
            event = LocalInvocation.readEvent(body, method.getParameterTypes()[0]);
        } catch (IllegalArgumentException e) {
            return new LocalGateway.LocalResponse(400, LocalInvocation.error(e));
        }
        Object[] arguments = method.getParameterCount() == 2
                ? new Object[] {event, new LocalLambdaContext(java.util.UUID.randomUUID().toString(),
                        function.logicalId(), Duration.ofMinutes(1), Clock.systemUTC())}
                : new Object[] {event};
        try {
            return new LocalGateway.LocalResponse(200, LocalInvocation.writeAnswer(method.invoke(handler, arguments)));
        } catch (InvocationTargetException e) {
            return new LocalGateway.LocalResponse(500, LocalInvocation.error(e.getCause()));
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("Function " + function.logicalId() + " cannot be invoked", e);
        }
    }

    /**
     * {@code ./tollgate audit verify --tenant T [--from I] [--to I]}: body
     * {@code {"tenant":"T","from":"2026-01-01T00:00:00Z","to":...}}; answers the verification
     * report (as {@code GET /v1/audit/verify} does for the caller's tenant), 400 for bad input.
     */
    static LocalGateway.LocalResponse verifyChain(AuditServices audit, byte[] body) {
        com.fasterxml.jackson.databind.JsonNode request;
        try {
            request = Json.mapper().readTree(body);
        } catch (IOException e) {
            return badVerifyRequest("body", "the body must be a JSON object");
        }
        if (request == null || !request.isObject()) {
            return badVerifyRequest("body", "the body must be a JSON object");
        }
        com.fasterxml.jackson.databind.JsonNode tenant = request.path("tenant");
        if (!tenant.isTextual() || tenant.asText().isBlank()) {
            return badVerifyRequest("tenant", "tenant is required");
        }
        TimeRange range = TimeRange.of(request);
        if (range.refusal() != null) {
            return range.refusal();
        }
        Optional<java.time.Instant> from = range.from();
        Optional<java.time.Instant> to = range.to();
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("tenant", tenant.asText());
        report.putAll(audit.verifier().verify(tenant.asText(), from, to).wire());
        return new LocalGateway.LocalResponse(200, jsonObject(report));
    }

    /** The optional {@code from} / {@code to} instants of a local command's body, or the 400 that refuses them. */
    private record TimeRange(Optional<java.time.Instant> from, Optional<java.time.Instant> to,
            LocalGateway.LocalResponse refusal) {
        static TimeRange of(com.fasterxml.jackson.databind.JsonNode request) {
            Optional<java.time.Instant> from;
            try {
                from = optionalInstant(request, "from");
            } catch (java.time.format.DateTimeParseException e) {
                return refused("from");
            }
            try {
                return new TimeRange(from, optionalInstant(request, "to"), null);
            } catch (java.time.format.DateTimeParseException e) {
                return refused("to");
            }
        }

        private static TimeRange refused(String field) {
            return new TimeRange(Optional.empty(), Optional.empty(), badVerifyRequest(field,
                    field + " must be an ISO-8601 UTC instant, e.g. 2026-01-31T00:00:00Z"));
        }
    }

    /**
     * {@code ./tollgate explain <decision-id> --tenant T}: body {@code {"tenant":"T","decision_id":"dd_…"}};
     * answers the stored decision with its triggering event, 404 when there is none, 400 for bad input.
     */
    static LocalGateway.LocalResponse explainDecision(io.tollgate.detection.DecisionReport report, byte[] body) {
        com.fasterxml.jackson.databind.JsonNode request = jsonBody(body);
        if (request == null) {
            return badVerifyRequest("body", "the body must be a JSON object");
        }
        com.fasterxml.jackson.databind.JsonNode tenant = request.path("tenant");
        com.fasterxml.jackson.databind.JsonNode id = request.path("decision_id");
        if (!tenant.isTextual() || tenant.asText().isBlank()) {
            return badVerifyRequest("tenant", "tenant is required");
        }
        if (!id.isTextual() || !id.asText().matches("dd_[0-9a-f]{32}")) {
            return badVerifyRequest("decision_id", "decision_id must be dd_ followed by 32 hex digits");
        }
        return report.explain(tenant.asText(), id.asText())
                .map(found -> new LocalGateway.LocalResponse(200, jsonObject(found)))
                .orElseGet(() -> new LocalGateway.LocalResponse(404, jsonObject(Map.of("field", "decision_id",
                        "detail", "no such decision in this tenant"))));
    }

    /**
     * {@code ./tollgate replay --from T --to T [--tenant X]}: body {@code {"from":…,"to":…,"tenant":…}};
     * answers the replayed decisions, each compared with the stored one; 400 for bad input.
     */
    static LocalGateway.LocalResponse replayDetection(io.tollgate.detection.DetectionReplay replay, byte[] body) {
        com.fasterxml.jackson.databind.JsonNode request = jsonBody(body);
        if (request == null) {
            return badVerifyRequest("body", "the body must be a JSON object");
        }
        TimeRange range = TimeRange.of(request);
        if (range.refusal() != null) {
            return range.refusal();
        }
        Optional<java.time.Instant> from = range.from();
        Optional<java.time.Instant> to = range.to();
        if (from.isEmpty()) {
            return badVerifyRequest("from", "from is required");
        }
        if (to.isEmpty()) {
            return badVerifyRequest("to", "to is required");
        }
        if (!from.get().isBefore(to.get())) {
            return badVerifyRequest("to", "to must be after from");
        }
        com.fasterxml.jackson.databind.JsonNode tenant = request.path("tenant");
        if (!tenant.isMissingNode() && !tenant.isNull() && (!tenant.isTextual() || tenant.asText().isBlank())) {
            return badVerifyRequest("tenant", "tenant must be a tenant id");
        }
        String tenantId = tenant.isTextual() ? tenant.asText() : null;
        return new LocalGateway.LocalResponse(200, jsonObject(replay.replay(tenantId, from.get(), to.get()).wire()));
    }

    private static com.fasterxml.jackson.databind.JsonNode jsonBody(byte[] body) {
        try {
            com.fasterxml.jackson.databind.JsonNode node = Json.mapper().readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static Optional<java.time.Instant> optionalInstant(com.fasterxml.jackson.databind.JsonNode request,
            String name) {
        com.fasterxml.jackson.databind.JsonNode value = request.path(name);
        return value.isMissingNode() || value.isNull() ? Optional.empty()
                : Optional.of(java.time.Instant.parse(value.asText()));
    }

    private static LocalGateway.LocalResponse badVerifyRequest(String field, String detail) {
        return new LocalGateway.LocalResponse(400, jsonObject(Map.of("field", field, "detail", detail)));
    }

    private static String jsonObject(Map<String, Object> value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("Cannot write a JSON object", e);
        }
    }

    private static Object invoke(FunctionSpec function, TollgateServices services, AuditServices audit,
            EventSources events, Object event, Class<?> eventType) {
        Object handler = events.handlers.computeIfAbsent(function.logicalId(), id -> instantiate(function, services, audit));
        try {
            Method method = handler.getClass().getMethod(function.handlerMethod(), eventType, Context.class);
            return method.invoke(handler, event, new LocalLambdaContext(java.util.UUID.randomUUID().toString(),
                    function.logicalId(), Duration.ofMinutes(1), Clock.systemUTC()));
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("Function " + function.logicalId() + " has no "
                    + function.handlerMethod() + "(" + eventType.getSimpleName() + ", Context)", e);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("Function " + function.logicalId() + " failed", e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("Function " + function.logicalId() + " cannot be invoked", e);
        }
    }

    /** The in-process queue with this logical id (e.g. {@code AuditQueue}), for tests and the outbox view. */
    public Optional<LocalQueue> queue(String logicalId) {
        return Optional.ofNullable(events.queues.get(logicalId));
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + gateway.port());
    }

    public TollgateServices services() {
        return services;
    }

    public DynamoDbClient dynamoDb() {
        return dynamoDb;
    }

    /** The demo administrator's password, when this start created it. */
    public Optional<String> demoPassword() {
        return seeded.demoPassword();
    }

    String banner(RuntimeOptions options, long startMillis) {
        StringBuilder out = new StringBuilder();
        out.append("\nTollgate local runtime ready in ").append(startMillis).append(" ms\n");
        out.append("  API        ").append(baseUri()).append('\n');
        out.append("  health     ").append(baseUri()).append("/health\n");
        out.append("  DynamoDB   ").append(dynamoDbServer.endpoint()).append(" (DynamoDB Local, ")
                .append(options.data().map(d -> "data in " + d.toAbsolutePath()).orElse("in memory")).append(")\n");
        out.append("  Secrets    ").append(secretsServer.endpoint()).append(" (local Secrets Manager; rotate keys: ")
                .append("curl -X POST ").append(baseUri()).append("/_local/rotate-keys)\n");
        out.append("  Outbox     ").append(baseUri()).append("/_local/outbox (mail files in ")
                .append(outbox.folder().toAbsolutePath()).append(")\n");
        out.append("  users\n");
        seeded.lines().forEach(line -> out.append(line).append('\n'));
        seeded.demoPassword().ifPresent(password -> {
            out.append("\n  demo super_admin password (shown once): ").append(password).append("\n\n");
            out.append("  curl -s ").append(baseUri()).append("/v1/auth/login -H 'content-type: application/json' \\\n")
                    .append("    -d '{\"tenant\":\"").append(Seeder.DEMO_TENANT).append("\",\"username\":\"")
                    .append(Seeder.DEMO_ADMIN).append("\",\"password\":\"").append(password).append("\"}'\n");
        });
        out.append("\nCtrl-C stops.");
        return out.toString();
    }

    @Override
    public void close() {
        events.close();
        gateway.close();
        secretsServer.close();
        dynamoDb.close();
        dynamoDbServer.close();
    }
}
