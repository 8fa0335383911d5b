package io.tollgate.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.devkit.DynamoDbLocalServer;
import io.tollgate.devkit.SamTemplate;
import io.tollgate.devkit.SecretsManagerLocalServer;
import io.tollgate.devkit.TableProvisioner;
import io.tollgate.storage.TableNames;
import io.tollgate.testing.TestClock;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The Secrets Manager adapters with the real SDK v2 client against the AWS-protocol fake on
 * loopback, and the publication against DynamoDB Local: the four rotation steps, their
 * idempotency, a refused rotation, and the signing-key store's cache under an outage.
 */
class SigningKeyRotationIT {

    private static DynamoDbLocalServer dynamo;
    private static SecretsManagerLocalServer secretsServer;
    private static SecretsManagerClient secrets;
    private static DynamoDbClient dynamoDb;
    private static final TableNames TABLES = new TableNames("IdentityTable", "SessionsTable", "SecurityTable");
    private final TestClock clock = new TestClock(Instant.parse("2026-03-01T00:00:00Z"));
    private String secretId;
    private PublishedSigningKeys published;
    private SigningKeyRotation rotation;

    @BeforeAll
    static void start() {
        dynamo = DynamoDbLocalServer.inMemory();
        dynamoDb = dynamo.client();
        TableProvisioner.provision(dynamoDb, SamTemplate.findFrom(Path.of("").toAbsolutePath()));
        secretsServer = SecretsManagerLocalServer.inMemory();
        secrets = SecretsManagerClient.builder().endpointOverride(secretsServer.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("k", "s")))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    @AfterAll
    static void stop() {
        secrets.close();
        secretsServer.close();
        dynamoDb.close();
        dynamo.close();
    }

    @BeforeEach
    void newSecret() {
        secretsServer.setAvailable(true);
        secretId = "keys-" + System.nanoTime();
        secrets.createSecret(r -> r.name(secretId));
        published = new PublishedSigningKeys(dynamoDb, TABLES);
        rotation = new SigningKeyRotation(secrets, published, SigningKeyRotationPlan.defaults(), clock, new SecureRandom());
    }

    private String rotate() {
        String token = secrets.rotateSecret(r -> r.secretId(secretId)).versionId();
        for (SigningKeyRotation.Step step : SigningKeyRotation.Step.values()) {
            rotation.run(secretId, token, step);
        }
        return token;
    }

    private SigningKeySet current() {
        return SigningKeySetCodec.decode(secrets.getSecretValue(r -> r.secretId(secretId)).secretString(), true);
    }

    @Test
    void rotateWhenSecretEmptyThenCurrentAndNextStoredAndPublicKeysPublished() {
        String version = rotate();
        SigningKeySet set = current();
        assertEquals(2, set.keys().size());
        PublishedSigningKeys.Publication publication = published.load().orElseThrow();
        assertEquals(version, publication.versionId());
        assertEquals(set.keys().stream().map(SigningKey::kid).sorted().toList(),
                publication.keys().keys().stream().map(SigningKey::kid).sorted().toList());
        assertTrue(publication.keys().keys().stream().allMatch(k -> k.privateKey().isEmpty()));
        Map<String, List<String>> stages = secrets.describeSecret(r -> r.secretId(secretId)).versionIdsToStages();
        assertEquals(List.of("AWSCURRENT"), stages.get(version));
    }

    @Test
    void createSecretWhenRetriedThenSamePendingValue() {
        rotate();
        clock.advance(Duration.ofMinutes(11));
        String token = secrets.rotateSecret(r -> r.secretId(secretId)).versionId();
        rotation.run(secretId, token, SigningKeyRotation.Step.CREATE_SECRET);
        String first = secrets.getSecretValue(r -> r.secretId(secretId).versionId(token)).secretString();
        rotation.run(secretId, token, SigningKeyRotation.Step.CREATE_SECRET);
        assertEquals(first, secrets.getSecretValue(r -> r.secretId(secretId).versionId(token)).secretString());
    }

    @Test
    void rotateWhenNextKeyTooFreshThenRefusedAndCurrentUnchanged() {
        rotate();
        SigningKeySet before = current();
        assertThrows(SigningKeyRotationPlan.RotationRefusedException.class, this::rotate);
        assertEquals(before.current().kid(), current().current().kid());
    }

    @Test
    void finishSecretWhenDoneThenPreviousVersionLabelledPrevious() {
        String first = rotate();
        clock.advance(Duration.ofMinutes(11));
        String second = rotate();
        Map<String, List<String>> stages = secrets.describeSecret(r -> r.secretId(secretId)).versionIdsToStages();
        assertEquals(List.of("AWSCURRENT"), stages.get(second));
        assertEquals(List.of("AWSPREVIOUS"), stages.get(first));
    }

    @Test
    void signingKeyStoreWhenSecretsManagerDownThenCachedSetUntilTwiceTtlThenFailsClosed() {
        rotate();
        SecretsManagerSigningKeyStore store = new SecretsManagerSigningKeyStore(secrets, secretId, clock,
                Duration.ofMinutes(5));
        String kid = store.signingKeys().current().kid();
        secretsServer.setAvailable(false);
        clock.advance(Duration.ofMinutes(6));
        assertEquals(kid, store.signingKeys().current().kid(), "a short outage is bridged by the cache");
        clock.advance(Duration.ofMinutes(5));
        assertThrows(SdkException.class, store::signingKeys);
    }
}
