package io.tollgate.local;

import io.tollgate.devkit.DynamoDbLocalServer;
import io.tollgate.devkit.FunctionSpec;
import io.tollgate.devkit.LocalGateway;
import io.tollgate.devkit.SamTemplate;
import io.tollgate.devkit.TableProvisioner;
import io.tollgate.platform.TollgateConfig;
import io.tollgate.platform.TollgateServices;
import io.tollgate.token.LocalSigningKeyStore;
import io.tollgate.token.SigningKeyStore;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

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
    private final DynamoDbClient dynamoDb;
    private final LocalGateway gateway;
    private final TollgateServices services;
    private final Seeder.Outcome seeded;

    private LocalRuntime(DynamoDbLocalServer dynamoDbServer, DynamoDbClient dynamoDb, LocalGateway gateway,
            TollgateServices services, Seeder.Outcome seeded) {
        this.dynamoDbServer = dynamoDbServer;
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
        try {
            DynamoDbClient dynamoDb = server.client();
            TableProvisioner.provision(dynamoDb, template);
            Map<String, String> environment = template.functions().stream().findFirst()
                    .map(FunctionSpec::environment)
                    .orElseThrow(() -> new IllegalStateException("The template declares no function"));
            SecureRandom random = new SecureRandom();
            SigningKeyStore keys = options.data()
                    .map(dir -> (SigningKeyStore) LocalSigningKeyStore.persistent(dir.resolve("signing-keys.json"),
                            Clock.systemUTC(), random))
                    .orElseGet(() -> LocalSigningKeyStore.inMemory(Clock.systemUTC(), random));
            TollgateServices built = services
                    .config(TollgateConfig.fromEnvironment(environment))
                    .dynamoDb(dynamoDb)
                    .signingKeys(keys)
                    .build();
            Seeder seeder = new Seeder(built);
            Seeder.Outcome seeded = options.seed().map(SeedFile::read).map(seeder::seed).orElseGet(seeder::seedDemo);
            LocalGateway gateway = new LocalGateway(template, spec -> instantiate(spec, built), options.port());
            return new LocalRuntime(server, dynamoDb, gateway, built, seeded);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
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
        dynamoDb.close();
        dynamoDbServer.close();
    }
}
