package io.tollgate.token;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.PutSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.UpdateSecretVersionStageRequest;

/**
 * Rotates the signing key set with Secrets Manager's four rotation steps (docs/contract.md §Tokens and keys), each
 * idempotent because Secrets Manager may retry any of them:
 *
 * <ol>
 *   <li>{@code createSecret}: computes the next key set with {@link SigningKeyRotationPlan} from
 *       the {@code AWSCURRENT} version and stores it as {@code AWSPENDING} under the rotation's
 *       client request token;</li>
 *   <li>{@code setSecret}: publishes the pending set's public keys ({@link PublishedSigningKeys}),
 *       so verifiers know every key before the pending set can sign with it;</li>
 *   <li>{@code testSecret}: signs with the pending current key and verifies with the published
 *       copy of it, and checks that every pending key is published;</li>
 *   <li>{@code finishSecret}: moves {@code AWSCURRENT} to the pending version.</li>
 * </ol>
 */
public final class SigningKeyRotation {

    public static final String CURRENT = "AWSCURRENT";
    public static final String PENDING = "AWSPENDING";
    private static final Logger LOG = LoggerFactory.getLogger(SigningKeyRotation.class);

    private final SecretsManagerClient secrets;
    private final PublishedSigningKeys published;
    private final SigningKeyRotationPlan plan;
    private final Clock clock;
    private final SecureRandom random;

    public SigningKeyRotation(SecretsManagerClient secrets, PublishedSigningKeys published, SigningKeyRotationPlan plan,
            Clock clock, SecureRandom random) {
        this.secrets = Objects.requireNonNull(secrets, "secrets");
        this.published = Objects.requireNonNull(published, "published");
        this.plan = Objects.requireNonNull(plan, "plan");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** The rotation steps, named as Secrets Manager names them in the rotation event. */
    public enum Step {
        CREATE_SECRET("createSecret"), SET_SECRET("setSecret"), TEST_SECRET("testSecret"), FINISH_SECRET("finishSecret");

        private final String wireName;

        Step(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        public static Step fromWireName(String name) {
            for (Step step : values()) {
                if (step.wireName.equals(name)) {
                    return step;
                }
            }
            throw new IllegalArgumentException("Unknown rotation step " + name);
        }
    }

    /** Runs one step of the rotation identified by {@code token} on {@code secretId}. */
    public void run(String secretId, String token, Step step) {
        Map<String, List<String>> versions = versionStages(secretId, token);
        if (versions.getOrDefault(token, List.of()).contains(CURRENT)) {
            LOG.info("Rotation step {} skipped: version {} is already AWSCURRENT", step.wireName(), token);
            return;
        }
        switch (step) {
            case CREATE_SECRET -> createSecret(secretId, token, versions);
            case SET_SECRET -> setSecret(secretId, token);
            case TEST_SECRET -> testSecret(secretId, token);
            case FINISH_SECRET -> finishSecret(secretId, token, versions);
        }
        LOG.info("Rotation step {} done for version {}", step.wireName(), token);
    }

    private Map<String, List<String>> versionStages(String secretId, String token) {
        DescribeSecretResponse description = secrets.describeSecret(r -> r.secretId(secretId));
        if (Boolean.FALSE.equals(description.rotationEnabled())) {
            throw new IllegalStateException("Rotation is not enabled on the signing key secret");
        }
        Map<String, List<String>> versions = description.hasVersionIdsToStages()
                ? description.versionIdsToStages() : Map.of();
        if (!versions.containsKey(token)) {
            throw new IllegalStateException("Rotation token " + token + " is not a version of the signing key secret");
        }
        return versions;
    }

    private void createSecret(String secretId, String token, Map<String, List<String>> versions) {
        if (pendingValue(secretId, token).isPresent()) {
            return;
        }
        Optional<SigningKeySet> inForce = currentValue(secretId);
        SigningKeySet next = plan.rotate(inForce, clock.instant(), random);
        secrets.putSecretValue(PutSecretValueRequest.builder().secretId(secretId).clientRequestToken(token)
                .secretString(SigningKeySetCodec.encode(next)).versionStages(PENDING).build());
    }

    private void setSecret(String secretId, String token) {
        SigningKeySet pending = pending(secretId, token);
        published.publish(pending, token, clock.instant());
    }

    private void testSecret(String secretId, String token) {
        SigningKeySet pending = pending(secretId, token);
        PublishedSigningKeys.Publication publication = published.load()
                .orElseThrow(() -> new IllegalStateException("No signing keys are published"));
        Set<String> publishedKids = publication.keys().keys().stream().map(SigningKey::kid).collect(Collectors.toSet());
        for (SigningKey key : pending.keys()) {
            if (!publishedKids.contains(key.kid())) {
                throw new IllegalStateException("Pending signing key " + key.kid() + " is not published");
            }
        }
        SigningKey signer = pending.current();
        SigningKey verifier = publication.keys().published(signer.kid()).orElseThrow();
        byte[] probe = ("tollgate-rotation-test:" + token).getBytes(StandardCharsets.UTF_8);
        try {
            Signature sign = Signature.getInstance("SHA256withRSA");
            sign.initSign(signer.privateKey().orElseThrow(
                    () -> new IllegalStateException("Pending current key has no private key")));
            sign.update(probe);
            byte[] signature = sign.sign();
            Signature verify = Signature.getInstance("SHA256withRSA");
            verify.initVerify(verifier.publicKey());
            verify.update(probe);
            if (!verify.verify(signature)) {
                throw new IllegalStateException("Published key " + signer.kid() + " does not verify the pending key's signature");
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Signing test of pending key " + signer.kid() + " failed", e);
        }
    }

    private void finishSecret(String secretId, String token, Map<String, List<String>> versions) {
        String currentVersion = versions.entrySet().stream().filter(e -> e.getValue().contains(CURRENT))
                .map(Map.Entry::getKey).findFirst().orElse(null);
        UpdateSecretVersionStageRequest.Builder move = UpdateSecretVersionStageRequest.builder().secretId(secretId)
                .versionStage(CURRENT).moveToVersionId(token);
        if (currentVersion != null) {
            move.removeFromVersionId(currentVersion);
        }
        secrets.updateSecretVersionStage(move.build());
    }

    private Optional<SigningKeySet> currentValue(String secretId) {
        try {
            String value = secrets.getSecretValue(GetSecretValueRequest.builder().secretId(secretId)
                    .versionStage(CURRENT).build()).secretString();
            return Optional.of(SigningKeySetCodec.decode(value, true));
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        } catch (IllegalStateException | IllegalArgumentException e) {
            LOG.warn("The current signing key secret holds no valid key set; a new one is created");
            return Optional.empty();
        }
    }

    private Optional<String> pendingValue(String secretId, String token) {
        try {
            return Optional.ofNullable(secrets.getSecretValue(GetSecretValueRequest.builder().secretId(secretId)
                    .versionId(token).versionStage(PENDING).build()).secretString());
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        }
    }

    private SigningKeySet pending(String secretId, String token) {
        return SigningKeySetCodec.decode(pendingValue(secretId, token).orElseThrow(
                () -> new IllegalStateException("No pending signing key set for rotation " + token)), true);
    }
}
