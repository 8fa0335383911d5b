package io.tollgate.keyrotation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import io.tollgate.devkit.SecretsManagerLocalServer;
import io.tollgate.json.Json;
import io.tollgate.testing.Testbed;
import io.tollgate.token.PublishedSigningKeys;
import io.tollgate.token.SigningKeyRotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** The rotation function driven by its sample event (Secrets Manager's shape) against the protocol fake. */
class KeyRotationHandlerIT {

    @Test
    void handleWhenFourStepsOfSampleEventThenKeysPublishedAndCurrentMoved() throws Exception {
        Map<String, String> sample = Json.mapper().readValue(
                Files.readString(Path.of("../../events/key-rotation-create-secret.json")), new TypeReference<>() { });
        try (SecretsManagerLocalServer fake = SecretsManagerLocalServer.inMemory();
                SecretsManagerClient secrets = SecretsManagerClient.builder().endpointOverride(fake.endpoint())
                        .region(Region.EU_WEST_1).httpClient(UrlConnectionHttpClient.create())
                        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
                        .build()) {
            String secretName = "SigningKeysSecret-" + System.nanoTime();
            secrets.createSecret(r -> r.name(secretName));
            String token = secrets.rotateSecret(r -> r.secretId(secretName)).versionId();
            Testbed bed = new Testbed();
            PublishedSigningKeys published = new PublishedSigningKeys(Testbed.dynamoDb(), Testbed.TABLES);
            KeyRotationHandler handler = new KeyRotationHandler(new SigningKeyRotation(secrets, published,
                    io.tollgate.token.SigningKeyRotationPlan.defaults(), bed.clock, new java.security.SecureRandom()),
                    bed.services.audit());
            for (SigningKeyRotation.Step step : SigningKeyRotation.Step.values()) {
                Map<String, String> event = new HashMap<>(sample);
                event.put("SecretId", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:" + secretName);
                event.put("ClientRequestToken", token);
                event.put("Step", step.wireName());
                handler.handleRequest(event, null);
            }
            assertEquals(token, published.load().orElseThrow().versionId());
            assertTrue(secrets.describeSecret(r -> r.secretId(secretName)).versionIdsToStages().get(token)
                    .contains("AWSCURRENT"));
            assertEquals(1, bed.audit.ofType("key_rotation").size());
            assertThrows(IllegalArgumentException.class, () -> handler.handleRequest(Map.of("SecretId", secretName), null),
                    "an event without token and step is refused");
        }
    }
}
