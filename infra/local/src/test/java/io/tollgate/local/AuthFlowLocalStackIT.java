package io.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SimpleIAMPolicyResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.audit.SqsAuditPublisher;
import io.tollgate.audit.chain.KmsDigestSigner;
import io.tollgate.audit.ingest.SqsRejectedEventSink;
import io.tollgate.audit.platform.AuditServices;
import io.tollgate.auditingest.AuditIngestHandler;
import io.tollgate.auditquery.AuditQueryHandler;
import io.tollgate.authorizer.AuthorizerHandler;
import io.tollgate.crypto.EnvelopeEncryptor;
import io.tollgate.crypto.KmsDataKeyProvider;
import io.tollgate.devkit.FunctionSpec;
import io.tollgate.devkit.SamTemplate;
import io.tollgate.devkit.TableProvisioner;
import io.tollgate.json.Json;
import io.tollgate.keyrotation.KeyRotationHandler;
import io.tollgate.login.LoginHandler;
import io.tollgate.mfaverify.MfaVerifyHandler;
import io.tollgate.otp.Base32;
import io.tollgate.otp.TotpVerifier;
import io.tollgate.platform.TollgateConfig;
import io.tollgate.platform.TollgateServices;
import io.tollgate.token.SecretsManagerSigningKeyStore;
import io.tollgate.tokenrefresh.TokenRefreshHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The whole authentication path against the real AWS SDK adapters on LocalStack (issue 11): the
 * template's tables (provisioned from {@code template.yaml} by the devkit's
 * {@link TableProvisioner}), a KMS data key and audit signing key, the JWT signing-key secret in
 * Secrets Manager (created by the rotation function itself) and the FIFO audit queue; then login →
 * MFA (TOTP enrolment and activation) → refresh → authorizer → audit ingest from the queue →
 * chain verification, each through its Lambda handler.
 *
 * <p>Runs where a Docker engine exists; skipped (not failed) elsewhere:
 * {@code @Testcontainers(disabledWithoutDocker = true)}.
 */
@Testcontainers(disabledWithoutDocker = true)
class AuthFlowLocalStackIT {

    @Container
    static final LocalStackContainer LOCALSTACK = new LocalStackContainer("localstack/localstack:4.4")
            .withServices("dynamodb", "kms", "secretsmanager", "sqs");

    private static final Clock CLOCK = Clock.systemUTC();
    private static final SecureRandom RANDOM = new SecureRandom();

    private static DynamoDbClient dynamoDb;
    private static KmsClient kms;
    private static SecretsManagerClient secrets;
    private static SqsClient sqs;
    private static String queueUrl;
    private static TollgateServices services;
    private static AuditServices audit;
    private static String password;

    @BeforeAll
    static void deploy() {
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(LOCALSTACK.getAccessKey(),
                LOCALSTACK.getSecretKey()));
        Region region = Region.of(LOCALSTACK.getRegion());
        dynamoDb = DynamoDbClient.builder().endpointOverride(LOCALSTACK.getEndpoint()).region(region)
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
        kms = KmsClient.builder().endpointOverride(LOCALSTACK.getEndpoint()).region(region)
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
        secrets = SecretsManagerClient.builder().endpointOverride(LOCALSTACK.getEndpoint()).region(region)
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
        sqs = SqsClient.builder().endpointOverride(LOCALSTACK.getEndpoint()).region(region)
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();

        SamTemplate template = SamTemplate.findFrom(Path.of("").toAbsolutePath());
        TableProvisioner.provision(dynamoDb, template);
        String dataKey = kms.createKey(r -> r.description("tollgate data key")).keyMetadata().arn();
        String auditSigningKey = kms.createKey(r -> r.keySpec(KeySpec.ECC_NIST_P256)
                .keyUsage(KeyUsageType.SIGN_VERIFY)).keyMetadata().arn();
        queueUrl = sqs.createQueue(r -> r.queueName("tollgate-audit.fifo").attributes(Map.of(
                QueueAttributeName.FIFO_QUEUE, "true", QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "false")))
                .queueUrl();
        String deadLetterUrl = sqs.createQueue(r -> r.queueName("tollgate-audit-dlq.fifo").attributes(Map.of(
                QueueAttributeName.FIFO_QUEUE, "true"))).queueUrl();

        FunctionSpec login = template.functions().stream()
                .filter(f -> f.handlerClass().equals(LoginHandler.class.getName())).findFirst().orElseThrow();
        Map<String, String> environment = new LinkedHashMap<>(login.environment());
        environment.put(TollgateConfig.DATA_KEY_ID, dataKey);
        environment.put(TollgateConfig.AUDIT_QUEUE_URL, queueUrl);
        TollgateConfig config = TollgateConfig.fromEnvironment(environment);
        String secretId = config.signingKeySecretId().orElseThrow();
        services = TollgateServices.builder()
                .config(config)
                .dynamoDb(dynamoDb)
                .secretsManager(secrets)
                .signingKeys(new SecretsManagerSigningKeyStore(secrets, secretId, CLOCK, Duration.ofMinutes(5)))
                .encryptor(EnvelopeEncryptor.withDefaultCache(new KmsDataKeyProvider(kms, dataKey), CLOCK, RANDOM))
                .auditPublisher(new SqsAuditPublisher(sqs, queueUrl))
                .backupCodePepper(randomKey())
                .emailIndexKey(randomKey())
                .clock(CLOCK)
                .random(RANDOM)
                .mailSender(new LocalOutbox(Path.of("target", "localstack-outbox"), "no-reply@tollgate.test", CLOCK))
                .build();
        String auditTable = template.functions().stream()
                .filter(f -> f.handlerClass().equals(AuditIngestHandler.class.getName())).findFirst().orElseThrow()
                .environment().get("AUDIT_TABLE");
        audit = AuditServices.of(services, auditTable,
                EnvelopeEncryptor.withDefaultCache(new KmsDataKeyProvider(kms, dataKey), CLOCK, RANDOM),
                new KmsDigestSigner(kms, auditSigningKey), new SqsRejectedEventSink(sqs, deadLetterUrl));

        secrets.createSecret(r -> r.name(secretId).description("Tollgate JWT signing key set (LocalStack)"));
        LocalRuntime.rotateSigningKeys(secrets, secretId, new KeyRotationHandler(services));
        password = new Seeder(services).seedDemo().demoPassword().orElseThrow();
    }

    @AfterAll
    static void close() {
        if (dynamoDb != null) {
            dynamoDb.close();
            kms.close();
            secrets.close();
            sqs.close();
        }
    }

    private static byte[] randomKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key).getBytes(StandardCharsets.UTF_8);
    }

    private static APIGatewayV2HTTPEvent sample(String file, String body) {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent("../../events/" + file);
        event.setBody(body);
        return event;
    }

    private static JsonNode json(APIGatewayV2HTTPResponse response) throws Exception {
        return Json.mapper().readTree(response.getBody());
    }

    @Test
    void loginMfaRefreshAuthorizeAuditVerifyWhenOnLocalStackThenEveryStepSucceedsThroughTheSdkAdapters()
            throws Exception {
        LoginHandler login = new LoginHandler(services);
        JsonNode answer = json(login.handleRequest(sample("login-password.json", "{\"tenant\":\"" + Seeder.DEMO_TENANT
                + "\",\"username\":\"" + Seeder.DEMO_ADMIN + "\",\"password\":\"" + password + "\"}"), null));
        String mfaToken = answer.path("mfa_token").asText();
        JsonNode tokens = answer;
        MfaVerifyHandler mfa = new MfaVerifyHandler(services);
        if (answer.path("mfa_enrolment_required").asBoolean()) {
            APIGatewayV2HTTPResponse started = mfa.handleRequest(sample("mfa-enrolment-totp.json",
                    "{\"mfa_token\":\"" + mfaToken + "\"}"), null);
            assertEquals(200, started.getStatusCode(), started.getBody());
            byte[] secret = Base32.decode(json(started).get("secret").asText());
            APIGatewayV2HTTPResponse activated = mfa.handleRequest(sample("mfa-enrolment-totp-activate.json",
                    "{\"mfa_token\":\"" + mfaToken + "\",\"code\":\"" + new TotpVerifier(CLOCK).codeAt(secret,
                            CLOCK.instant()) + "\"}"), null);
            assertEquals(200, activated.getStatusCode(), activated.getBody());
            tokens = json(activated);
        }
        String accessToken = tokens.get("access_token").asText();
        String refreshToken = tokens.get("refresh_token").asText();

        APIGatewayV2HTTPResponse refreshed = new TokenRefreshHandler(services).handleRequest(
                sample("token-refresh.json", "{\"refresh_token\":\"" + refreshToken + "\"}"), null);
        assertEquals(200, refreshed.getStatusCode(), refreshed.getBody());
        assertFalse(refreshed.getBody().contains(refreshToken), "the refresh token rotates");

        APIGatewayV2CustomAuthorizerEvent request = EventLoader.loadEvent("../../events/authorizer-request.json",
                APIGatewayV2CustomAuthorizerEvent.class);
        Map<String, String> headers = new HashMap<>(request.getHeaders());
        headers.put("authorization", "Bearer " + json(refreshed).get("access_token").asText());
        request.setHeaders(headers);
        SimpleIAMPolicyResponse decision = new AuthorizerHandler(services).handleRequest(request, null);
        assertTrue(decision.getIsAuthorized());
        assertEquals("allow", decision.getContext().get("decision"));
        assertFalse(accessToken.isEmpty());

        List<Message> messages = new ArrayList<>();
        for (int round = 0; round < 10 && messages.size() < 3; round++) {
            messages.addAll(sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10)
                    .messageSystemAttributeNamesWithStrings("MessageGroupId").waitTimeSeconds(1)).messages());
        }
        assertFalse(messages.isEmpty(), "the audit events reached the queue");
        SQSEvent batch = new SQSEvent();
        batch.setRecords(messages.stream().map(message -> {
            SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
            record.setMessageId(message.messageId());
            record.setBody(message.body());
            record.setAttributes(Map.of("MessageGroupId", message.attributesAsStrings().getOrDefault(
                    "MessageGroupId", Seeder.DEMO_TENANT)));
            return record;
        }).toList());
        assertEquals(List.of(), new AuditIngestHandler(audit).handleRequest(batch, null).getBatchItemFailures());

        APIGatewayV2HTTPEvent verify = EventLoader.loadApiGatewayHttpEvent("../../events/audit-verify.json");
        Map<String, Object> caller = new HashMap<>(verify.getRequestContext().getAuthorizer().getLambda());
        caller.put("tenant", Seeder.DEMO_TENANT);
        caller.put("roles", "super_admin");
        verify.getRequestContext().getAuthorizer().setLambda(caller);
        APIGatewayV2HTTPResponse verified = new AuditQueryHandler(audit).handleRequest(verify, null);
        assertEquals(200, verified.getStatusCode(), verified.getBody());
        assertTrue(json(verified).path("valid").asBoolean(), verified.getBody());
    }
}
