package io.tollgate.local;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;

/**
 * {@link AuthFlowScenario} on LocalStack: DynamoDB, KMS, Secrets Manager and SQS as
 * LocalStack emulates them, so the flow meets another implementation of each service than the
 * moto's ({@link AuthFlowMotoIT}) — in particular LocalStack's own SQS FIFO semantics,
 * KMS ciphertext format and Secrets Manager version stages.
 *
 * <p>Runs where a Docker engine exists; skipped (not failed) elsewhere:
 * {@code @Testcontainers(disabledWithoutDocker = true)}. The image is pinned to
 * {@code localstack/localstack:4.4.0}: since March 2026 newer tags and {@code latest} require a
 * {@code LOCALSTACK_AUTH_TOKEN}, which 4.x community tags do not. When the variable is set in the
 * environment it is passed to the container, so a licensed image works too.
 */
@Testcontainers(disabledWithoutDocker = true)
class AuthFlowLocalStackIT {

    static final String IMAGE = "localstack/localstack:4.4.0";
    static final String AUTH_TOKEN = "LOCALSTACK_AUTH_TOKEN";

    @Container
    static final LocalStackContainer LOCALSTACK = withAuthToken(new LocalStackContainer(IMAGE)
            .withServices("dynamodb", "kms", "secretsmanager", "sqs"));

    private static AuthFlowScenario scenario;

    private static LocalStackContainer withAuthToken(LocalStackContainer container) {
        String token = System.getenv(AUTH_TOKEN);
        return token == null || token.isBlank() ? container : container.withEnv(AUTH_TOKEN, token);
    }

    @BeforeAll
    static void deploy() {
        scenario = AuthFlowScenario.deploy(AwsEndpoints.single(LOCALSTACK.getEndpoint(), LOCALSTACK.getRegion(),
                LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey()), "localstack");
    }

    @AfterAll
    static void close() {
        if (scenario != null) {
            scenario.close();
        }
    }

    @Test
    void loginMfaRefreshAuthorizeAuditVerifyWhenOnLocalStackThenEveryStepSucceedsThroughTheSdkAdapters()
            throws Exception {
        scenario.run();
    }
}
