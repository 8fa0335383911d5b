package io.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.devkit.DynamoDbLocalServer;
import io.tollgate.mail.MailMessage;
import io.tollgate.mail.SesMailSender;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/**
 * {@link AuthFlowScenario} against an emulator nobody here wrote: moto ({@code moto_server}) serves KMS (data key,
 * ECDSA audit digest signing), Secrets Manager (the signing key set, and a rotation through its version stages)
 * and SQS FIFO (the audit queue and its dead-letter queue); DynamoDB Local serves DynamoDB. SES v2 is checked
 * through the production {@link SesMailSender}. Skipped without moto, failed under {@code CI=true}.
 */
class AuthFlowMotoIT {

    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));

    private static MotoServer moto;
    private static DynamoDbLocalServer dynamoDb;
    private static AuthFlowScenario scenario;

    @BeforeAll
    static void deploy() throws Exception {
        moto = MotoServer.start();
        dynamoDb = DynamoDbLocalServer.inMemory();
        scenario = AuthFlowScenario.deploy(new AwsEndpoints(dynamoDb.endpoint(), moto.endpoint(), moto.endpoint(),
                moto.endpoint(), Region.US_EAST_1, CREDENTIALS), "moto");
    }

    @AfterAll
    static void close() {
        if (scenario != null) {
            scenario.close();
        }
        if (dynamoDb != null) {
            dynamoDb.close();
        }
        if (moto != null) {
            moto.close();
        }
    }

    @Test
    void loginMfaRefreshAuthorizeAuditVerifyAndKeyRotationWhenOnMotoThenEveryStepSucceedsThroughTheSdkAdapters()
            throws Exception {
        scenario.run();

        // RotateSecret stages a new version AWSPENDING and enables rotation, then invokes the rotation Lambda.
        // moto has no such Lambda here: it answers ResourceNotFound after staging, which leaves the secret exactly
        // as AWS leaves it when it invokes the function. The four steps are then driven as Secrets Manager would.
        String secretId = scenario.signingKeySecretId();
        assertThrows(ResourceNotFoundException.class, () -> scenario.secretsManager().rotateSecret(r -> r.secretId(secretId)
                .rotationLambdaARN("arn:aws:lambda:us-east-1:123456789012:function:KeyRotationFunction")
                .rotationRules(rules -> rules.automaticallyAfterDays(30L))));
        var described = scenario.secretsManager().describeSecret(r -> r.secretId(secretId));
        assertEquals(Boolean.TRUE, described.rotationEnabled(), "moto enables rotation before invoking the function");
        String token = described.versionIdsToStages().entrySet().stream()
                .filter(version -> version.getValue().equals(List.of("AWSPENDING"))).map(Map.Entry::getKey)
                .findFirst().orElseThrow(() -> new AssertionError("no AWSPENDING version: " + described.versionIdsToStages()));
        scenario.rotateSigningKeys(token);
    }

    @Test
    void sesMailSenderWhenSendingFromAVerifiedIdentityThenMotoAcceptsTheMessage() throws Exception {
        try (SesV2Client ses = SesV2Client.builder().endpointOverride(moto.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS).httpClient(UrlConnectionHttpClient.create()).build()) {
            ses.createEmailIdentity(r -> r.emailIdentity("tollgate.test"));
            new SesMailSender(ses, "no-reply@tollgate.test").send(new MailMessage("ops@bank.example",
                    "Your Tollgate code", "Your code is 123456. It expires in 10 minutes."));
        }
        String data = moto.data();
        assertTrue(data.contains("ops@bank.example"), "moto recorded the message to its recipient");
    }
}
