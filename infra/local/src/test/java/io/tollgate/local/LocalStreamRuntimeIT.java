package io.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.devkit.SamTemplate;
import io.tollgate.platform.TollgateServices;
import io.tollgate.testing.TestClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local runtime delivers the audit table's DynamoDB stream to a function declared with a
 * {@code DynamoDB} event in the template ("needed next" by anomaly detection): a login's
 * audit event travels queue → ingest → audit table → stream → the function.
 */
class LocalStreamRuntimeIT {

    private static final String SEED = """
            {"tenants":[{"id":"acme","name":"Acme","organizations":[{"id":"risk","name":"Risk"}],
              "users":[{"username":"alice@acme.test","password":"Velvet-Orbit-Quarry-82","roles":["user"],"org":"risk"}]}]}""";
    private static final String PROBE = """
              StreamProbeFunction:
                Type: AWS::Serverless::Function
                Properties:
                  CodeUri: .
                  Handler: io.tollgate.local.StreamProbeHandler::handleRequest
                  Events:
                    AuditStream:
                      Type: DynamoDB
                      Properties:
                        Stream: !GetAtt AuditTable.StreamArn
                        StartingPosition: TRIM_HORIZON
                        BatchSize: 100
                        FunctionResponseTypes: [ReportBatchItemFailures]

            """;

    @TempDir
    Path temp;

    @Test
    void streamWhenLoginAuditedThenChainedEventReachesTheStreamFunction() throws Exception {
        Path original = SamTemplate.findFrom(Path.of("").toAbsolutePath()).location().orElseThrow();
        String yaml = Files.readString(original);
        Path template = temp.resolve("template.yaml");
        Files.writeString(template, yaml.replace("\nOutputs:\n", "\n" + PROBE.stripTrailing().indent(0)
                .replaceAll("(?m)^", "") + "\n\nOutputs:\n"));
        Path seed = temp.resolve("seed.json");
        Files.writeString(seed, SEED);
        StreamProbeHandler.IMAGES.clear();
        try (LocalRuntime runtime = LocalRuntime.start(new RuntimeOptions(0, Optional.empty(), Optional.of(seed),
                Optional.of(template)), TollgateServices.builder().clock(TestClock.startingNow()))) {
            new LocalHttp(runtime.baseUri()).login("acme", "alice@acme.test", "Velvet-Orbit-Quarry-82");
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            boolean seen = false;
            while (!seen && System.nanoTime() < deadline) {
                seen = StreamProbeHandler.IMAGES.stream().anyMatch(image -> image != null
                        && image.containsKey("event_type") && "login_success".equals(image.get("event_type").getS())
                        && image.containsKey("hash"));
                Thread.sleep(100);
            }
            assertTrue(seen, "the chained login_success event reached the stream function; images seen: "
                    + StreamProbeHandler.IMAGES.size());
        }
    }
}
