package io.tollgate.bench;

import io.tollgate.authorizer.AuthorizerHandler;
import io.tollgate.platform.TollgateConfig;
import io.tollgate.platform.TollgateServices;
import io.tollgate.storage.TableNames;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Cold start of the authorizer's init phase, one shot per fresh JVM (10 forks, no warm-up), beside
 * its baseline in the same run: creating the DynamoDB client alone, which every Java function
 * pays. The difference is Tollgate's own init (route catalog, RBAC profile, validator, caches).
 * Run with the Lambda JVM flags ({@code -XX:TieredStopAtLevel=1}). No AWS call is made.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(value = 10, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-XX:+TieredCompilation",
        "-XX:TieredStopAtLevel=1", "-Dlog4j2.configurationFile=classpath:log4j2-bench.xml"})
public class AuthorizerColdStartBenchmark {

    private static DynamoDbClient client() {
        return DynamoDbClient.builder().endpointOverride(URI.create("http://127.0.0.1:9"))
                .region(Region.EU_WEST_1).httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b"))).build();
    }

    /** Baseline: the SDK client every function creates at init. */
    @Benchmark
    public Object dynamoDbClientInit() {
        return client();
    }

    /** The authorizer's whole init phase: services, client, catalog, policy, validator, caches. */
    @Benchmark
    public Object authorizerInit() {
        TollgateServices services = TollgateServices.builder()
                .config(new TollgateConfig(new TableNames("I", "S", "X"), "https://auth.bench", Optional.empty(),
                        Optional.empty()))
                .dynamoDb(client())
                .signingKeys(() -> {
                    throw new IllegalStateException("the authorizer never signs");
                })
                .build();
        return new AuthorizerHandler(services);
    }
}
