package io.tollgate.local;

import io.tollgate.devkit.DynamoDbLocalServer;
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
import java.util.Map;
import java.util.Optional;
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

    private final DynamoDbLocalServer dynamoDbServer;
    private final SecretsManagerLocalServer secretsServer;
    private final DynamoDbClient dynamoDb;
    private final LocalGateway gateway;
    private final TollgateServices services;
    private final Seeder.Outcome seeded;
    private final LocalOutbox outbox;

    private LocalRuntime(DynamoDbLocalServer dynamoDbServer, SecretsManagerLocalServer secretsServer,
            DynamoDbClient dynamoDb, LocalGateway gateway, TollgateServices services, Seeder.Outcome seeded,
            LocalOutbox outbox) {
        this.outbox = outbox;
        this.dynamoDbServer = dynamoDbServer;
        this.secretsServer = secretsServer;
        this.dynamoDb = dynamoDb;
        this.gateway = gateway;
        this.services = services;
        this.seeded = seeded;
    }

    public static void main(String[] args) throws InterruptedException {
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
                    .mailSender(outbox)
                    .backupCodePepper(localPepper(secrets, random));
            TollgateServices built = preset
                    .signingKeys(new SecretsManagerSigningKeyStore(secrets, secretId, clock, SIGNING_KEY_CACHE))
                    .build();
            KeyRotationHandler rotation = new KeyRotationHandler(built);
            bootstrapSigningKeys(secrets, secretId, rotation);
            Seeder seeder = new Seeder(built);
            Seeder.Outcome seeded = options.seed().map(SeedFile::read).map(seeder::seed).orElseGet(seeder::seedDemo);
            LocalGateway gateway = new LocalGateway(template, spec -> instantiate(spec, built), options.port(), clock);
            gateway.addLocalRoute("POST", "/_local/rotate-keys", () -> {
                try {
                    String version = rotateSigningKeys(secrets, secretId, rotation);
                    return new LocalGateway.LocalResponse(200, "{\"rotated\":true,\"version_id\":\"" + version + "\"}");
                } catch (SigningKeyRotationPlan.RotationRefusedException e) {
                    return new LocalGateway.LocalResponse(409, "{\"rotated\":false,\"reason\":"
                            + jsonString(e.getMessage()) + "}");
                }
            });
            gateway.addLocalRoute("GET", "/_local/outbox", () -> new LocalGateway.LocalResponse(200, outbox.json()));
            return new LocalRuntime(server, secretsServer, dynamoDb, gateway, built, seeded, outbox);
        } catch (RuntimeException e) {
            secretsServer.close();
            server.close();
            throw e;
        }
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

    /** The backup-code pepper, from the local Secrets Manager as in AWS (created with 256 random bits if absent). */
    private static byte[] localPepper(SecretsManagerClient secrets, SecureRandom random) {
        try {
            return secrets.getSecretValue(r -> r.secretId(LOCAL_PEPPER_SECRET)).secretString()
                    .getBytes(StandardCharsets.UTF_8);
        } catch (ResourceNotFoundException absent) {
            byte[] bytes = new byte[32];
            random.nextBytes(bytes);
            String pepper = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            secrets.createSecret(r -> r.name(LOCAL_PEPPER_SECRET).description("Tollgate backup-code pepper (local)")
                    .secretString(pepper));
            return pepper.getBytes(StandardCharsets.UTF_8);
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

    /** Creates a handler the way its Lambda container would, but with the local services. */
    static Object instantiate(FunctionSpec spec, TollgateServices services) {
        String className = spec.handler().split("::", 2)[0];
        try {
            Class<?> type = Class.forName(className);
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
        gateway.close();
        secretsServer.close();
        dynamoDb.close();
        dynamoDbServer.close();
    }
}
