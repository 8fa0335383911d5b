package io.tollgate.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.SimpleIAMPolicyResponse;
import io.tollgate.authorizer.AuthorizerHandler;
import io.tollgate.devkit.DynamoDbLocalServer;
import io.tollgate.devkit.SamTemplate;
import io.tollgate.devkit.TableProvisioner;
import io.tollgate.login.LoginCommand;
import io.tollgate.login.LoginResult;
import io.tollgate.login.LoginServices;
import io.tollgate.password.CommonPasswords;
import io.tollgate.observability.EmbeddedMetrics;
import io.tollgate.platform.TollgateConfig;
import io.tollgate.platform.TollgateServices;
import io.tollgate.settings.SecuritySettings;
import io.tollgate.storage.TableNames;
import io.tollgate.tenant.Tenant;
import io.tollgate.token.LocalSigningKeyStore;
import io.tollgate.token.PublishedSigningKeys;
import io.tollgate.user.UserDirectory;
import io.tollgate.user.UserProvisioning;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
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
 * The whole authorizer Lambda handler on a warm container — event in, simple response out:
 * route match, strict RS256 validation against the published keys, revocation cache hit, RBAC
 * decision, rate-limit token — beside the bare JDK verification of the same token (baseline),
 * in one run. Real login token, real published keys and session items in DynamoDB Local; an SDK
 * interceptor counts the DynamoDB calls per warm request (printed at tear-down).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED",
        "-Dlog4j2.configurationFile=classpath:log4j2-bench.xml", "-Djmh.shutdownTimeout=1"})
public class AuthorizerHandlerBenchmark {

    private static final String PASSWORD = "Velvet-Orbit-Quarry-82";

    private DynamoDbLocalServer server;
    private DynamoDbClient dynamoDb;
    private AuthorizerHandler handler;
    private APIGatewayV2CustomAuthorizerEvent event;
    private Rs256Baseline baseline;
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private long callsAtStart;

    @Setup(Level.Trial)
    public void setUp() {
        server = DynamoDbLocalServer.inMemory();
        dynamoDb = CountedDynamoDb.create(server.endpoint(), calls);
        TableProvisioner.provision(dynamoDb, SamTemplate.findFrom(Path.of("").toAbsolutePath()));
        TableNames tables = new TableNames("IdentityTable", "SessionsTable", "SecurityTable");
        LocalSigningKeyStore keys = LocalSigningKeyStore.inMemory(Clock.systemUTC(), new SecureRandom());
        TollgateServices services = TollgateServices.builder()
                .config(new TollgateConfig(tables, "https://auth.bench", Optional.empty(), Optional.empty()))
                .dynamoDb(dynamoDb).signingKeys(keys).auditPublisher(e -> { })
                // As in AWS: one EMF metric line per decision (written to a discarding stream here).
                .metrics(new EmbeddedMetrics(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()),
                        Clock.systemUTC(), "AuthorizerFunction"))
                .build();
        new PublishedSigningKeys(dynamoDb, tables).publish(keys.signingKeys(), "bench", Clock.systemUTC().instant());
        SecuritySettings d = SecuritySettings.defaults();
        SecuritySettings unthrottled = new SecuritySettings(d.password(), d.passwordHash(), d.lockout(), d.ipBlock(),
                d.tokens(), d.sessions(), 1_000_000);
        UserProvisioning provisioning = new UserProvisioning(new UserDirectory(dynamoDb, tables), services.passwordHasher(),
                CommonPasswords.load(), services.audit(), services.clock());
        Tenant tenant = provisioning.createTenant("bench", "Bench", unthrottled, UserProvisioning.Requester.system("bench"));
        provisioning.createUser(tenant, new UserProvisioning.NewUserRequest("alice@bench.test", null, PASSWORD,
                List.of("user"), null), UserProvisioning.Requester.system("bench"));
        String token = ((LoginResult.Authenticated) LoginServices.create(services).login(new LoginCommand("bench",
                "alice@bench.test", PASSWORD, "10.0.0.1", "jmh"))).tokens().accessToken();
        baseline = new Rs256Baseline(token, keys.signingKeys().current().publicKey());

        handler = new AuthorizerHandler(services);
        event = new APIGatewayV2CustomAuthorizerEvent();
        event.setRawPath("/v1/me");
        event.setHeaders(Map.of("authorization", "Bearer " + token, "user-agent", "jmh"));
        APIGatewayV2CustomAuthorizerEvent.RequestContext context = new APIGatewayV2CustomAuthorizerEvent.RequestContext();
        APIGatewayV2CustomAuthorizerEvent.Http http = new APIGatewayV2CustomAuthorizerEvent.Http();
        http.setMethod("GET");
        http.setPath("/v1/me");
        context.setHttp(http);
        event.setRequestContext(context);
        if (!"allow".equals(handler.handleRequest(event, null).getContext().get("decision")) || !bareJdkVerify()) {
            throw new IllegalStateException("benchmark fixture is not allowed");
        }
        callsAtStart = calls.get();
    }

    /** Baseline: the RSA verification alone. */
    @Benchmark
    public boolean bareJdkVerify() {
        return baseline.verify();
    }

    /** The warm authorizer Lambda: event in, decision out. */
    @Benchmark
    public SimpleIAMPolicyResponse authorizerHandlerWarm() {
        requests.incrementAndGet();
        SimpleIAMPolicyResponse response = handler.handleRequest(event, null);
        if (!"allow".equals(response.getContext().get("decision"))) {
            throw new IllegalStateException("refused: " + response.getContext());
        }
        return response;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (requests.get() > 0) {
            System.out.printf("%nDynamoDB calls per warm authorizer request: %.5f (%d calls / %d requests)%n",
                    (double) (calls.get() - callsAtStart) / requests.get(), calls.get() - callsAtStart, requests.get());
        }
        dynamoDb.close();
        server.close();
    }
}
