package io.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SimpleIAMPolicyResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.audit.SqsAuditPublisher;
import io.tollgate.audit.chain.KmsDigestSigner;
import io.tollgate.audit.ingest.SqsRejectedEventSink;
import io.tollgate.audit.platform.AuditServices;
import io.tollgate.auditingest.AuditDigestHandler;
import io.tollgate.auditingest.AuditIngestHandler;
import io.tollgate.auditquery.AuditQueryHandler;
import io.tollgate.authorizer.AuthorizerHandler;
import io.tollgate.crypto.EncryptionContext;
import io.tollgate.crypto.EnvelopeEncryptor;
import io.tollgate.crypto.KmsDataKeyProvider;
import io.tollgate.devkit.FunctionSpec;
import io.tollgate.devkit.SamTemplate;
import io.tollgate.devkit.TableProvisioner;
import io.tollgate.json.Json;
import io.tollgate.jwks.JwksHandler;
import io.tollgate.login.LoginHandler;
import io.tollgate.mfaverify.MfaVerifyHandler;
import io.tollgate.otp.Base32;
import io.tollgate.otp.TotpVerifier;
import io.tollgate.platform.TollgateConfig;
import io.tollgate.platform.TollgateServices;
import io.tollgate.settings.SecuritySettings;
import io.tollgate.storage.Keys;
import io.tollgate.token.PublishedSigningKeys;
import io.tollgate.token.SecretsManagerSigningKeyStore;
import io.tollgate.token.SigningKeyRotationPlan;
import io.tollgate.token.SigningKeySet;
import io.tollgate.token.SigningKeySetCodec;
import io.tollgate.tokenrefresh.TokenRefreshHandler;
import io.tollgate.user.EmailProtection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The whole authentication path through the real AWS SDK v2 clients and the production adapters
 * ({@link SecretsManagerSigningKeyStore}, {@link KmsDataKeyProvider}, {@link KmsDigestSigner},
 * {@link SqsAuditPublisher}, {@link SqsRejectedEventSink}), written once for every environment that
 * speaks the AWS protocols ({@link AuthFlowLocalStackIT}, {@link AuthFlowMotoIT}).
 *
 * <p>{@link #deploy} creates what the stack would: the template's tables (from {@code template.yaml},
 * by the devkit's {@link TableProvisioner}), a KMS data key and an audit digest signing key, the FIFO
 * audit queue and its dead-letter queue, and the JWT signing-key secret holding the first key set
 * (see {@link #bootstrapSigningKeys}); then it seeds the demo tenant, whose settings require MFA. {@link #run}
 * goes login → TOTP enrolment and activation → login → TOTP challenge → refresh → authorizer → audit
 * ingest from the queue (as the event source mapping does: receive, ingest, delete) → hourly digest
 * signed by KMS → chain verification, each through its Lambda handler, and checks where each piece
 * of state came from: the token's key from the secret, the e-mail address opened through KMS, the
 * login, MFA and refresh events in the tenant's trail.
 */
final class AuthFlowScenario implements AutoCloseable {

    private static final Clock CLOCK = Clock.systemUTC();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Path EVENTS = Path.of("../../events");

    private final DynamoDbClient dynamoDb;
    private final KmsClient kms;
    private final SecretsManagerClient secrets;
    private final SqsClient sqs;
    private final String dataKey;
    private final String secretId;
    private final String queueUrl;
    private final String deadLetterUrl;
    private final TollgateServices services;
    private final AuditServices audit;
    private final String password;

    private AuthFlowScenario(AwsEndpoints endpoints, String environment) {
        dynamoDb = DynamoDbClient.builder().endpointOverride(endpoints.dynamoDb()).region(endpoints.region())
                .credentialsProvider(endpoints.credentials()).httpClient(UrlConnectionHttpClient.create()).build();
        kms = KmsClient.builder().endpointOverride(endpoints.kms()).region(endpoints.region())
                .credentialsProvider(endpoints.credentials()).httpClient(UrlConnectionHttpClient.create()).build();
        secrets = SecretsManagerClient.builder().endpointOverride(endpoints.secretsManager()).region(endpoints.region())
                .credentialsProvider(endpoints.credentials()).httpClient(UrlConnectionHttpClient.create()).build();
        sqs = SqsClient.builder().endpointOverride(endpoints.sqs()).region(endpoints.region())
                .credentialsProvider(endpoints.credentials()).httpClient(UrlConnectionHttpClient.create()).build();

        SamTemplate template = SamTemplate.findFrom(Path.of("").toAbsolutePath());
        TableProvisioner.provision(dynamoDb, template);
        dataKey = kms.createKey(r -> r.description("tollgate data key")).keyMetadata().arn();
        String auditSigningKey = kms.createKey(r -> r.description("tollgate audit digest key")
                .keySpec(KeySpec.ECC_NIST_P256).keyUsage(KeyUsageType.SIGN_VERIFY)).keyMetadata().arn();
        queueUrl = sqs.createQueue(r -> r.queueName("tollgate-audit.fifo").attributes(Map.of(
                QueueAttributeName.FIFO_QUEUE, "true", QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "false")))
                .queueUrl();
        deadLetterUrl = sqs.createQueue(r -> r.queueName("tollgate-audit-dlq.fifo").attributes(Map.of(
                QueueAttributeName.FIFO_QUEUE, "true"))).queueUrl();

        Map<String, String> environmentVariables = new LinkedHashMap<>(function(template, LoginHandler.class)
                .environment());
        environmentVariables.put(TollgateConfig.DATA_KEY_ID, dataKey);
        environmentVariables.put(TollgateConfig.AUDIT_QUEUE_URL, queueUrl);
        TollgateConfig config = TollgateConfig.fromEnvironment(environmentVariables);
        secretId = config.signingKeySecretId().orElseThrow();
        services = TollgateServices.builder()
                .config(config)
                .dynamoDb(dynamoDb)
                .secretsManager(secrets)
                .signingKeys(new SecretsManagerSigningKeyStore(secrets, secretId, CLOCK, Duration.ofMinutes(5)))
                .encryptor(EnvelopeEncryptor.withDefaultCache(new KmsDataKeyProvider(kms, dataKey), CLOCK, RANDOM))
                .auditPublisher(new SqsAuditPublisher(sqs, queueUrl, new java.security.SecureRandom()))
                .backupCodePepper(randomKey())
                .emailIndexKey(randomKey())
                .clock(CLOCK)
                .random(RANDOM)
                .defaultSettings(SecuritySettings.defaults().withMfa(new SecuritySettings.MfaSettings(true)))
                .mailSender(new LocalOutbox(Path.of("target", environment + "-outbox"), "no-reply@tollgate.test", CLOCK))
                .build();
        audit = AuditServices.of(services, function(template, AuditIngestHandler.class).environment().get("AUDIT_TABLE"),
                EnvelopeEncryptor.withDefaultCache(new KmsDataKeyProvider(kms, dataKey), CLOCK, RANDOM),
                new KmsDigestSigner(kms, auditSigningKey), new SqsRejectedEventSink(sqs, deadLetterUrl));

        bootstrapSigningKeys(environment);
        password = new Seeder(services).seedDemo().demoPassword().orElseThrow();
    }

    /**
     * The first signing key set, as the stack's first rotation leaves it: {@code AWSCURRENT} of the
     * secret, its public keys published. In AWS, {@code RotateSecret} invokes the rotation Lambda,
     * and LocalStack refuses it unless that Lambda exists (it has no Lambda here), so the deploy
     * writes what the rotation's steps would: the plan's first set as the secret's value (through
     * the SDK) and its publication. Rotation itself is covered by {@code KeyRotationIT} and
     * {@code KeyRotationHandlerIT}.
     */
    private void bootstrapSigningKeys(String environment) {
        SigningKeySet first = SigningKeyRotationPlan.defaults().rotate(Optional.empty(), CLOCK.instant(), RANDOM);
        String version = secrets.createSecret(r -> r.name(secretId)
                .description("Tollgate JWT signing key set (" + environment + ")")
                .secretString(SigningKeySetCodec.encode(first))).versionId();
        new PublishedSigningKeys(dynamoDb, services.config().tables()).publish(first, version, CLOCK.instant());
    }

    /** Creates the stack's resources on {@code endpoints} and seeds the demo tenant. */
    static AuthFlowScenario deploy(AwsEndpoints endpoints, String environment) {
        return new AuthFlowScenario(endpoints, environment);
    }

    /**
     * Login → TOTP enrolment (the tenant requires MFA) → login → TOTP challenge → refresh →
     * authorizer → audit ingest → digest → verify, with every check.
     */
    void run() throws Exception {
        MfaVerifyHandler mfa = new MfaVerifyHandler(services);
        JsonNode first = login();
        assertTrue(first.path("mfa_enrolment_required").asBoolean(),
                "the tenant requires MFA: the demo super_admin must enrol a second factor first: " + first);
        String enrolmentToken = first.path("mfa_token").asText();
        APIGatewayV2HTTPResponse started = mfa.handleRequest(sample("mfa-enrolment-totp.json",
                "{\"mfa_token\":\"" + enrolmentToken + "\"}"), null);
        assertEquals(200, started.getStatusCode(), started.getBody());
        byte[] totpSecret = Base32.decode(json(started).get("secret").asText());
        TotpVerifier totp = new TotpVerifier(CLOCK);
        APIGatewayV2HTTPResponse activated = mfa.handleRequest(sample("mfa-enrolment-totp-activate.json",
                "{\"mfa_token\":\"" + enrolmentToken + "\",\"code\":\"" + totp.codeAt(totpSecret, CLOCK.instant())
                        + "\"}"), null);
        assertEquals(200, activated.getStatusCode(), activated.getBody());
        assertTrue(json(activated).has("access_token"), activated.getBody());

        JsonNode second = login();
        assertTrue(second.path("mfa_required").asBoolean(), "an enrolled user is challenged: " + second);
        // The activation consumed the current time step (replay protection): answer with the next one.
        APIGatewayV2HTTPResponse challenged = mfa.handleRequest(sample("mfa-verify-totp.json",
                "{\"mfa_token\":\"" + second.path("mfa_token").asText() + "\",\"code\":\""
                        + totp.codeAt(totpSecret, CLOCK.instant().plusSeconds(30)) + "\"}"), null);
        assertEquals(200, challenged.getStatusCode(), challenged.getBody());
        JsonNode tokens = json(challenged);
        String refreshToken = tokens.get("refresh_token").asText();

        APIGatewayV2HTTPResponse refreshed = new TokenRefreshHandler(services).handleRequest(
                sample("token-refresh.json", "{\"refresh_token\":\"" + refreshToken + "\"}"), null);
        assertEquals(200, refreshed.getStatusCode(), refreshed.getBody());
        JsonNode rotated = json(refreshed);
        assertNotEquals(refreshToken, rotated.get("refresh_token").asText(), "the refresh token rotates");
        String accessToken = rotated.get("access_token").asText();

        assertSigningKeyCameFromTheSecret(accessToken);

        SimpleIAMPolicyResponse decision = new AuthorizerHandler(services).handleRequest(
                authorizerRequest(accessToken, Seeder.DEMO_TENANT), null);
        assertTrue(decision.getIsAuthorized(), String.valueOf(decision.getContext()));
        assertEquals("allow", decision.getContext().get("decision"), String.valueOf(decision.getContext()));
        assertEquals(Seeder.DEMO_TENANT, decision.getContext().get("tenant"));
        assertTrue(decision.getContext().get("amr").contains("otp"), "a token of an MFA login: " + decision.getContext());

        int ingested = ingestQueue();
        assertTrue(ingested > 0, "the audit events reached the queue");
        assertEquals(List.of(), receive(queueUrl), "every ingested message was deleted from the queue");
        assertEquals(List.of(), receive(deadLetterUrl), "no audit event was rejected to the dead-letter queue");

        Map<?, ?> digest = new AuditDigestHandler(audit).handleRequest(Map.of(), null);
        assertTrue(((Number) digest.get("signed")).intValue() >= 1, "a digest signed by KMS: " + digest);

        JsonNode verified = json(query("audit-verify.json", Map.of()));
        assertTrue(verified.path("valid").asBoolean(), verified.toString());
        assertTrue(verified.path("events").asLong() > 0, verified.toString());
        assertTrue(verified.path("digests").asInt() >= 1, "the KMS-signed digest verifies: " + verified);

        for (String type : List.of("login_success", "mfa_activated", "mfa_verified", "token_refreshed")) {
            JsonNode events = json(query("audit-events-query.json", Map.of("type", type))).path("events");
            assertTrue(events.size() > 0, "the demo tenant's trail holds " + type + " events: " + events);
            events.forEach(event -> assertEquals(type, event.path("event_type").asText()));
        }

        assertEncryptedEmailOpensThroughKms();
    }

    /**
     * The sample authorizer request moved to {@code GET /v1/tenants/{t}/settings} of {@code tenant}
     * (permission {@code tenant:read}, which the seed-000 super_admin holds; the sample's
     * organisation list needs {@code organization:read}, which it does not).
     */
    private static APIGatewayV2CustomAuthorizerEvent authorizerRequest(String accessToken, String tenant) {
        APIGatewayV2CustomAuthorizerEvent request = EventLoader.loadEvent(EVENTS.resolve("authorizer-request.json")
                .toString(), APIGatewayV2CustomAuthorizerEvent.class);
        Map<String, String> headers = new HashMap<>(request.getHeaders());
        headers.put("authorization", "Bearer " + accessToken);
        request.setHeaders(headers);
        String path = "/v1/tenants/" + tenant + "/settings";
        request.setRawPath(path);
        request.getRequestContext().getHttp().setPath(path);
        request.setRouteArn(request.getRouteArn().substring(0, request.getRouteArn().indexOf("/GET/") + 4) + path);
        request.setPathParameters(Map.of("t", tenant));
        request.setRouteKey("GET /v1/tenants/{t}/settings");
        return request;
    }

    private JsonNode login() throws Exception {
        return json(new LoginHandler(services).handleRequest(sample("login-password.json", "{\"tenant\":\""
                + Seeder.DEMO_TENANT + "\",\"username\":\"" + Seeder.DEMO_ADMIN + "\",\"password\":\"" + password
                + "\"}"), null));
    }

    /**
     * The access token's {@code kid} is the current key of the Secrets Manager secret's
     * {@code AWSCURRENT} version, and that key is what the JWKS endpoint publishes.
     */
    private void assertSigningKeyCameFromTheSecret(String accessToken) throws Exception {
        JsonNode header = Json.mapper().readTree(Base64.getUrlDecoder().decode(accessToken.split("\\.")[0]));
        String secretValue = secrets.getSecretValue(r -> r.secretId(secretId).versionStage("AWSCURRENT")).secretString();
        String currentKid = SigningKeySetCodec.decode(secretValue, false).current().kid();
        assertEquals(currentKid, header.path("kid").asText(), "the token is signed by the secret's current key");
        APIGatewayV2HTTPEvent jwksRequest = EventLoader.loadApiGatewayHttpEvent(EVENTS.resolve("jwks.json").toString());
        APIGatewayV2HTTPResponse jwks = new JwksHandler(services).handleRequest(jwksRequest, null);
        assertEquals(200, jwks.getStatusCode(), jwks.getBody());
        Set<String> published = new HashSet<>();
        json(jwks).path("keys").forEach(key -> published.add(key.path("kid").asText()));
        assertTrue(published.contains(currentKid), "JWKS publishes the secret's current key: " + published);
    }

    /**
     * The seeded user's e-mail address is stored envelope-encrypted; a fresh encryptor without a
     * data-key cache opens it, so the wrapped data key goes through KMS {@code Decrypt}.
     */
    private void assertEncryptedEmailOpensThroughKms() {
        Map<String, AttributeValue> user = dynamoDb.getItem(r -> r.tableName(services.config().tables().identity())
                .key(Keys.user(Seeder.DEMO_TENANT, Seeder.DEMO_ADMIN)).consistentRead(true)).item();
        String ciphertext = user.get(EmailProtection.CIPHERTEXT).s();
        assertFalse(new String(Base64.getDecoder().decode(ciphertext), StandardCharsets.ISO_8859_1)
                .contains(Seeder.DEMO_ADMIN), "the stored address is not plaintext");
        EnvelopeEncryptor uncached = new EnvelopeEncryptor(new KmsDataKeyProvider(kms, dataKey), RANDOM);
        assertEquals(Seeder.DEMO_ADMIN, uncached.decryptFromBase64(ciphertext,
                new EncryptionContext(Seeder.DEMO_TENANT, EmailProtection.PURPOSE, user.get("user_id").s())),
                "bound to its tenant and its user");
    }

    /**
     * Drains the audit queue as the ingest function's event source mapping does: receive up to 10
     * (with {@code MessageGroupId}), invoke the handler, delete what it did not report as failed.
     */
    private int ingestQueue() {
        AuditIngestHandler ingest = new AuditIngestHandler(audit);
        int ingested = 0;
        for (List<Message> batch = receive(queueUrl); !batch.isEmpty(); batch = receive(queueUrl)) {
            SQSEvent event = new SQSEvent();
            event.setRecords(batch.stream().map(message -> {
                SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
                record.setMessageId(message.messageId());
                record.setReceiptHandle(message.receiptHandle());
                record.setBody(message.body());
                record.setAttributes(Map.of("MessageGroupId", message.attributes()
                        .get(MessageSystemAttributeName.MESSAGE_GROUP_ID)));
                return record;
            }).toList());
            SQSBatchResponse response = ingest.handleRequest(event, null);
            assertEquals(List.of(), response.getBatchItemFailures(), "every audit message is ingested");
            batch.forEach(message -> sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle())));
            ingested += batch.size();
        }
        return ingested;
    }

    private List<Message> receive(String url) {
        List<Message> messages = new ArrayList<>();
        for (int attempt = 0; attempt < 3 && messages.isEmpty(); attempt++) {
            messages.addAll(sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .messageSystemAttributeNames(MessageSystemAttributeName.MESSAGE_GROUP_ID)).messages());
        }
        return messages;
    }

    /** An audit-query call as the demo tenant's super_admin (the authorizer's context). */
    private APIGatewayV2HTTPResponse query(String file, Map<String, String> parameters) {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent(EVENTS.resolve(file).toString());
        Map<String, Object> caller = new HashMap<>(event.getRequestContext().getAuthorizer().getLambda());
        caller.put("tenant", Seeder.DEMO_TENANT);
        caller.put("roles", "super_admin");
        event.getRequestContext().getAuthorizer().setLambda(caller);
        event.setQueryStringParameters(parameters.isEmpty() ? null : new HashMap<>(parameters));
        event.setRawQueryString(String.join("&", parameters.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).toList()));
        APIGatewayV2HTTPResponse response = new AuditQueryHandler(audit).handleRequest(event, null);
        assertEquals(200, response.getStatusCode(), response.getBody());
        return response;
    }

    private static FunctionSpec function(SamTemplate template, Class<?> handler) {
        return template.functions().stream().filter(f -> f.handlerClass().equals(handler.getName())).findFirst()
                .orElseThrow();
    }

    private static byte[] randomKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key).getBytes(StandardCharsets.UTF_8);
    }

    private static APIGatewayV2HTTPEvent sample(String file, String body) {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent(EVENTS.resolve(file).toString());
        event.setBody(body);
        return event;
    }

    private static JsonNode json(APIGatewayV2HTTPResponse response) throws Exception {
        return Json.mapper().readTree(response.getBody());
    }

    /**
     * Drives the four rotation steps of the real {@code KeyRotationHandler} for {@code token}, as Secrets Manager
     * does once it has staged {@code token} as {@code AWSPENDING}: afterwards the token is {@code AWSCURRENT},
     * the version that was current is {@code AWSPREVIOUS}, and the new set is the published one.
     */
    void rotateSigningKeys(String token) {
        Map<String, java.util.List<String>> before = secrets.describeSecret(r -> r.secretId(secretId)).versionIdsToStages();
        String current = before.entrySet().stream().filter(e -> e.getValue().contains("AWSCURRENT")).map(Map.Entry::getKey)
                .findFirst().orElseThrow();
        // The next key may sign only 10 minutes after its publication (caches): the rotation runs 11 minutes later.
        Clock later = Clock.offset(CLOCK, Duration.ofMinutes(11));
        io.tollgate.keyrotation.KeyRotationHandler rotation = new io.tollgate.keyrotation.KeyRotationHandler(
                new io.tollgate.token.SigningKeyRotation(secrets, new PublishedSigningKeys(dynamoDb, services.config().tables()),
                        SigningKeyRotationPlan.defaults(), later, RANDOM), services.audit());
        for (String step : java.util.List.of("createSecret", "setSecret", "testSecret", "finishSecret")) {
            rotation.handleRequest(Map.of("SecretId", secretId, "ClientRequestToken", token, "Step", step),
                    new io.tollgate.devkit.LocalLambdaContext(token, "KeyRotationFunction", Duration.ofSeconds(60), later));
        }
        Map<String, java.util.List<String>> after = secrets.describeSecret(r -> r.secretId(secretId)).versionIdsToStages();
        assertTrue(after.get(token).contains("AWSCURRENT"), after.toString());
        assertTrue(after.get(current).contains("AWSPREVIOUS"), after.toString());
        assertEquals(token, new PublishedSigningKeys(dynamoDb, services.config().tables()).load().orElseThrow().versionId());
    }

    /** The signing-key secret's id and the client that reaches its Secrets Manager. */
    String signingKeySecretId() {
        return secretId;
    }

    SecretsManagerClient secretsManager() {
        return secrets;
    }

    @Override
    public void close() {
        dynamoDb.close();
        kms.close();
        secrets.close();
        sqs.close();
    }
}
