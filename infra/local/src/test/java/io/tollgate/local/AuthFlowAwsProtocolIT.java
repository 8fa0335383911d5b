package io.tollgate.local;

import io.tollgate.devkit.DynamoDbLocalServer;
import io.tollgate.devkit.KmsLocalServer;
import io.tollgate.devkit.SecretsManagerLocalServer;
import io.tollgate.devkit.SqsLocalServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * {@link AuthFlowScenario} without Docker (issue 11): the same flow as {@link AuthFlowLocalStackIT},
 * over HTTP through the real SDK v2 clients and the production adapters, against AWS-protocol
 * endpoints on loopback: DynamoDB Local (the real engine), and the devkit's
 * {@link KmsLocalServer}, {@link SecretsManagerLocalServer} and {@link SqsLocalServer} (AWS JSON
 * protocol servers with real cryptography and SQS FIFO rules). Runs everywhere, in CI too.
 */
class AuthFlowAwsProtocolIT {

    private static DynamoDbLocalServer dynamoDb;
    private static KmsLocalServer kms;
    private static SecretsManagerLocalServer secrets;
    private static SqsLocalServer sqs;
    private static AuthFlowScenario scenario;

    @BeforeAll
    static void deploy() {
        dynamoDb = DynamoDbLocalServer.inMemory();
        kms = KmsLocalServer.start();
        secrets = SecretsManagerLocalServer.inMemory();
        sqs = SqsLocalServer.start();
        scenario = AuthFlowScenario.deploy(new AwsEndpoints(dynamoDb.endpoint(), kms.endpoint(), secrets.endpoint(),
                sqs.endpoint(), Region.US_EAST_1, StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("local", "local"))), "aws-protocol");
    }

    @AfterAll
    static void close() {
        if (scenario != null) {
            scenario.close();
        }
        if (sqs != null) {
            sqs.close();
            secrets.close();
            kms.close();
            dynamoDb.close();
        }
    }

    @Test
    void loginMfaRefreshAuthorizeAuditVerifyWhenOnAwsProtocolEndpointsThenEveryStepSucceedsThroughTheSdkAdapters()
            throws Exception {
        scenario.run();
    }
}
