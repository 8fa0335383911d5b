package io.tollgate.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.tollgate.devkit.DynamoDbLocalServer;
import io.tollgate.devkit.SamTemplate;
import io.tollgate.devkit.TableProvisioner;
import io.tollgate.login.LoginHandler;
import io.tollgate.password.CommonPasswords;
import io.tollgate.platform.TollgateConfig;
import io.tollgate.platform.TollgateServices;
import io.tollgate.settings.SecuritySettings;
import io.tollgate.storage.TableNames;
import io.tollgate.tenant.Tenant;
import io.tollgate.token.LocalSigningKeyStore;
import io.tollgate.user.UserDirectory;
import io.tollgate.user.UserProvisioning;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * One login through the real handler against DynamoDB Local on loopback, beside its baseline in
 * the same run: the bare Argon2id verification that every login must pay. The ratio
 * login / baseline is what docs/performance.md records; the DynamoDB calls per login are
 * counted by an SDK interceptor and printed at tear-down.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED",
        "-Dlog4j2.configurationFile=classpath:log4j2-bench.xml", "-Djmh.shutdownTimeout=1"})
public class LoginBenchmark {

    private static final String PASSWORD = "Velvet-Orbit-Quarry-82";

    private DynamoDbLocalServer server;
    private DynamoDbClient dynamoDb;
    private LoginHandler handler;
    private TollgateServices services;
    private String storedHash;
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong logins = new AtomicLong();
    private final AtomicLong ips = new AtomicLong();

    @Setup(Level.Trial)
    public void setUp() {
        server = DynamoDbLocalServer.inMemory();
        dynamoDb = CountedDynamoDb.create(server.endpoint(), calls);
        TableProvisioner.provision(dynamoDb, SamTemplate.findFrom(Path.of("").toAbsolutePath()));
        TableNames tables = new TableNames("IdentityTable", "SessionsTable", "SecurityTable");
        services = TollgateServices.builder()
                .config(new TollgateConfig(tables, "https://auth.bench", Optional.empty(), Optional.empty()))
                .dynamoDb(dynamoDb)
                .signingKeys(LocalSigningKeyStore.inMemory(Clock.systemUTC(), new SecureRandom()))
                .auditPublisher(event -> { })
                .build();
        UserProvisioning provisioning = new UserProvisioning(new UserDirectory(dynamoDb, tables),
                services.passwordHasher(), CommonPasswords.load(), services.audit(), services.clock());
        Tenant tenant = provisioning.createTenant("bench", "Bench", SecuritySettings.defaults(),
                UserProvisioning.Requester.system("bench"));
        provisioning.createUser(tenant, new UserProvisioning.NewUserRequest("alice@bench.test", null, PASSWORD,
                List.of("user"), null), UserProvisioning.Requester.system("bench"));
        storedHash = services.passwordHasher().hash(PASSWORD);
        handler = new LoginHandler(services);
        calls.set(0);
    }

    private APIGatewayV2HTTPEvent event(String password) {
        return APIGatewayV2HTTPEvent.builder()
                .withBody("{\"tenant\":\"bench\",\"username\":\"alice@bench.test\",\"password\":\"" + password + "\"}")
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder().withRequestId("bench")
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withSourceIp("10.0." + (ips.get() / 200 % 250) + "." + (ips.incrementAndGet() % 200))
                                .withUserAgent("jmh").build()).build())
                .build();
    }

    /** Baseline: the Argon2id verification alone (m=19 MiB, t=2, p=1). */
    @Benchmark
    public boolean argon2idVerifyBaseline() {
        return services.passwordHasher().verify(PASSWORD, storedHash).matches();
    }

    /** A successful login: parse, 1 BatchGetItem, Argon2id, 1 TransactWriteItems, RS256 sign. */
    @Benchmark
    public APIGatewayV2HTTPResponse loginSuccess() {
        logins.incrementAndGet();
        APIGatewayV2HTTPResponse response = handler.handleRequest(event(PASSWORD), null);
        if (response.getStatusCode() != 200) {
            throw new IllegalStateException("login failed: " + response.getBody());
        }
        return response;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (logins.get() > 0) {
            System.out.printf("%nDynamoDB calls per successful login: %.2f (%d calls / %d logins)%n",
                    (double) calls.get() / logins.get(), calls.get(), logins.get());
        }
        dynamoDb.close();
        server.close();
    }
}
