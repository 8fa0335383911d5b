package io.tollgate.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import io.jsonwebtoken.Jwts;
import io.tollgate.devkit.DynamoDbLocalServer;
import io.tollgate.devkit.SamTemplate;
import io.tollgate.devkit.TableProvisioner;
import io.tollgate.json.Json;
import io.tollgate.password.CommonPasswords;
import io.tollgate.platform.TollgateConfig;
import io.tollgate.platform.TollgateServices;
import io.tollgate.settings.SecuritySettings;
import io.tollgate.storage.Keys;
import io.tollgate.storage.TableNames;
import io.tollgate.tenant.Tenant;
import io.tollgate.testing.RecordingAuditPublisher;
import io.tollgate.testing.TestClock;
import io.tollgate.token.LocalSigningKeyStore;
import io.tollgate.token.OpaqueTokens;
import io.tollgate.user.UserDirectory;
import io.tollgate.user.UserProvisioning;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The login function end to end against DynamoDB Local (the real engine) through the real
 * handler: lockout, IP block, enumeration resistance, concurrency, bad input, MFA challenge,
 * re-hashing and the DynamoDB round-trip budget.
 */
class LoginHandlerIT {

    private static final String PASSWORD = "Velvet-Orbit-Quarry-82";
    private static DynamoDbLocalServer server;
    private static DynamoDbClient dynamoDb;
    private static final AtomicInteger DYNAMO_CALLS = new AtomicInteger();
    /** Every DynamoDB operation as {@code Operation:table...}, in order (reset by the tests that read it). */
    private static final List<String> DYNAMO_OPERATIONS = new java.util.concurrent.CopyOnWriteArrayList<>();
    private static TableNames tables;

    private TestClock clock;
    private RecordingAuditPublisher audit;
    private LoginHandler handler;
    private String tenant;
    private UserProvisioning provisioning;

    @BeforeAll
    static void startDynamoDb() {
        server = DynamoDbLocalServer.inMemory();
        dynamoDb = DynamoDbClient.builder()
                .endpointOverride(server.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                        DYNAMO_CALLS.incrementAndGet();
                        DYNAMO_OPERATIONS.add(operation(context.request()));
                    }
                }))
                .build();
        SamTemplate template = SamTemplate.findFrom(Path.of("").toAbsolutePath());
        TableProvisioner.provision(dynamoDb, template);
        tables = new TableNames("IdentityTable", "SessionsTable", "SecurityTable");
    }

    /** The operation and the tables it touches, e.g. {@code UpdateItem:SecurityTable}. */
    private static String operation(software.amazon.awssdk.core.SdkRequest request) {
        String name = request.getClass().getSimpleName().replace("Request", "");
        return switch (request) {
            case software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest batch ->
                    name + ":" + new java.util.TreeMap<>(batch.requestItems()).entrySet().stream()
                            .map(e -> e.getKey() + "x" + e.getValue().keys().size())
                            .collect(java.util.stream.Collectors.joining(","));
            case UpdateItemRequest update -> name + ":" + update.tableName();
            case GetItemRequest get -> name + ":" + get.tableName();
            default -> name;
        };
    }

    @AfterAll
    static void stopDynamoDb() {
        dynamoDb.close();
        server.close();
    }

    @BeforeEach
    void freshTenant() {
        clock = TestClock.startingNow();
        audit = new RecordingAuditPublisher();
        keys = LocalSigningKeyStore.inMemory(clock, new SecureRandom());
        TollgateServices services = TollgateServices.builder()
                .config(new TollgateConfig(tables, "https://auth.test", Optional.empty(), Optional.empty()))
                .dynamoDb(dynamoDb)
                .signingKeys(keys)
                .auditPublisher(audit)
                .clock(clock)
                .build();
        handler = new LoginHandler(services);
        tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
        provisioning = new UserProvisioning(new UserDirectory(dynamoDb, tables),
                services.passwordHasher(), CommonPasswords.load(), services.audit(), clock);
        Tenant created = provisioning.createTenant(tenant, "Acme", SecuritySettings.defaults(),
                UserProvisioning.Requester.system(tenant));
        provisioning.createOrganization(tenant, "risk", "Risk", UserProvisioning.Requester.system(tenant));
        // No e-mail: the login function never reads one, and has no blind-index key (ADR 0046).
        provisioning.createUser(created, new UserProvisioning.NewUserRequest("alice@acme.test", null,
                PASSWORD, List.of("tenant_admin"), "risk"), UserProvisioning.Requester.system(tenant));
        audit.clear();
    }

    private APIGatewayV2HTTPResponse login(String tenantId, String username, String password, String ip) {
        Map<String, String> body = new HashMap<>();
        body.put("tenant", tenantId);
        body.put("username", username);
        body.put("password", password);
        return invoke(json(body), ip, "req-" + UUID.randomUUID());
    }

    private APIGatewayV2HTTPResponse invoke(String body, String ip, String requestId) {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent("../../events/login-password.json");
        event.setBody(body);
        event.getRequestContext().getHttp().setSourceIp(ip);
        event.getRequestContext().setRequestId(requestId);
        return handler.handleRequest(event, null);
    }

    private static String json(Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode body(APIGatewayV2HTTPResponse response) throws Exception {
        return Json.mapper().readTree(response.getBody());
    }

    private Map<String, AttributeValue> userItem() {
        return dynamoDb.getItem(GetItemRequest.builder().tableName(tables.identity())
                .key(Keys.user(tenant, "alice@acme.test")).consistentRead(true).build()).item();
    }

    private Map<String, AttributeValue> ipItem(String ip) {
        return dynamoDb.getItem(GetItemRequest.builder().tableName(tables.security())
                .key(Keys.ipCounter(tenant, ip)).consistentRead(true).build()).item();
    }

    private static final AtomicInteger NEXT_IP = new AtomicInteger();

    /** A fresh client address (counters are per tenant, and each test has its own tenant). */
    private static String uniqueIp() {
        int n = NEXT_IP.incrementAndGet();
        return "198.51." + (n / 250) + "." + (1 + n % 250);
    }

    @Test
    void loginWhenPasswordCorrectThenTokensWithSpecClaimsAndRefreshStoredOnlyHashed() throws Exception {
        APIGatewayV2HTTPResponse response = login(tenant, "Alice@Acme.test", PASSWORD, uniqueIp());

        assertEquals(200, response.getStatusCode(), response.getBody());
        assertEquals("no-store", response.getHeaders().get("Cache-Control"));
        JsonNode body = body(response);
        assertEquals("Bearer", body.get("token_type").asText());
        assertEquals(900, body.get("expires_in").asInt());
        String refresh = body.get("refresh_token").asText();
        assertEquals(43, refresh.length());

        var claims = Jwts.parser().verifyWith(handlerKeys().current().publicKey()).clock(() -> java.util.Date.from(clock.instant()))
                .build().parseSignedClaims(body.get("access_token").asText()).getPayload();
        assertEquals(tenant, claims.get("tid"));
        assertEquals("risk", claims.get("org"));
        assertEquals(List.of("tenant_admin"), claims.get("roles"));
        assertEquals(List.of("pwd"), claims.get("amr"));
        assertEquals("https://auth.test", claims.getIssuer());

        var stored = dynamoDb.getItem(GetItemRequest.builder().tableName(tables.sessions())
                .key(Keys.refreshToken(OpaqueTokens.hash(refresh))).build()).item();
        assertEquals(claims.get("sid"), stored.get("session_id").s());
        assertEquals(tenant, stored.get("tenant_id").s());
        var everything = dynamoDb.scan(ScanRequest.builder().tableName(tables.sessions()).build()).items().toString();
        assertFalse(everything.contains(refresh), "the refresh token itself must never be stored");
        assertEquals(1, audit.ofType("login_success").size());
    }

    private io.tollgate.token.SigningKeySet handlerKeys() {
        return keys.signingKeys();
    }

    private LocalSigningKeyStore keys;

    @Test
    void loginWhenPasswordWrongFiveTimesThenAccountLocked() throws Exception {
        String ip = uniqueIp();
        for (int i = 0; i < 4; i++) {
            assertEquals(401, login(tenant, "alice@acme.test", "wrong-" + i, ip).getStatusCode());
        }
        assertEquals(200, login(tenant, "alice@acme.test", PASSWORD, ip).getStatusCode(),
                "four failures do not lock; a success resets the window");
        for (int i = 0; i < 5; i++) {
            assertEquals(401, login(tenant, "alice@acme.test", "wrong-" + i, ip).getStatusCode());
        }
        APIGatewayV2HTTPResponse locked = login(tenant, "alice@acme.test", PASSWORD, ip);
        assertEquals(401, locked.getStatusCode());
        assertEquals("invalid_credentials", body(locked).get("code").asText());
        assertEquals(1, audit.ofType("account_locked").size());
        assertEquals("account_locked",
                audit.ofType("auth_failure").getLast().additionalData().get("reason"));
    }

    @Test
    void loginWhenLockedThenUnlockedAfterThirtyMinutes() {
        String ip = uniqueIp();
        for (int i = 0; i < 5; i++) {
            login(tenant, "alice@acme.test", "wrong", ip);
        }
        clock.advance(Duration.ofMinutes(30).minusSeconds(1));
        assertEquals(401, login(tenant, "alice@acme.test", PASSWORD, ip).getStatusCode());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(200, login(tenant, "alice@acme.test", PASSWORD, ip).getStatusCode());
    }

    @Test
    void loginWhenFailuresSpreadOverMoreThanFifteenMinutesThenNotLocked() {
        String ip = uniqueIp();
        for (int i = 0; i < 4; i++) {
            login(tenant, "alice@acme.test", "wrong", ip);
        }
        clock.advance(Duration.ofMinutes(15));
        login(tenant, "alice@acme.test", "wrong", ip);
        assertEquals(200, login(tenant, "alice@acme.test", PASSWORD, ip).getStatusCode());
    }

    @Test
    void loginWhenTwentyFailuresFromOneIpThenBlockedWith429AndRetryAfter() throws Exception {
        String ip = uniqueIp();
        for (int i = 0; i < 20; i++) {
            assertEquals(401, login(tenant, "nobody-" + i + "@acme.test", "wrong", ip).getStatusCode());
        }
        APIGatewayV2HTTPResponse blocked = login(tenant, "alice@acme.test", PASSWORD, ip);
        assertEquals(429, blocked.getStatusCode());
        assertEquals("rate_limited", body(blocked).get("code").asText());
        assertEquals(String.valueOf(Duration.ofMinutes(60).toSeconds()), blocked.getHeaders().get("Retry-After"));
        assertEquals(1, audit.ofType("ip_blocked").size());
        assertEquals(200, login(tenant, "alice@acme.test", PASSWORD, uniqueIp()).getStatusCode(),
                "another address is not blocked");
        clock.advance(Duration.ofMinutes(60));
        assertEquals(200, login(tenant, "alice@acme.test", PASSWORD, ip).getStatusCode(), "the block ends after 60 minutes");
    }

    @Test
    void loginWhenNineteenFailuresFromOneIpThenNotBlocked() {
        String ip = uniqueIp();
        for (int i = 0; i < 19; i++) {
            login(tenant, "nobody-" + i + "@acme.test", "wrong", ip);
        }
        assertEquals(200, login(tenant, "alice@acme.test", PASSWORD, ip).getStatusCode());
    }

    @Test
    void loginWhenUnknownUserUnknownTenantWrongPasswordOrLockedThenIdenticalAnswers() {
        String ip = uniqueIp();
        List<APIGatewayV2HTTPResponse> answers = new ArrayList<>();
        Map<String, String> body = new HashMap<>(Map.of("tenant", tenant, "username", "alice@acme.test", "password", "wrong"));
        answers.add(invoke(json(body), ip, "same-request"));
        body.put("username", "mallory@acme.test");
        answers.add(invoke(json(body), ip, "same-request"));
        body.put("tenant", "no-such-tenant");
        answers.add(invoke(json(body), ip, "same-request"));
        for (int i = 0; i < 5; i++) {
            login(tenant, "alice@acme.test", "wrong", ip);
        }
        body.put("tenant", tenant);
        body.put("username", "alice@acme.test");
        body.put("password", PASSWORD);
        answers.add(invoke(json(body), ip, "same-request"));

        for (APIGatewayV2HTTPResponse answer : answers) {
            assertEquals(401, answer.getStatusCode());
            assertEquals(answers.get(0).getBody(), answer.getBody());
            assertEquals(answers.get(0).getHeaders(), answer.getHeaders());
        }
    }

    @Test
    void loginWhenTwentyConcurrentWrongLoginsThenCountedExactly() throws Exception {
        String ip = uniqueIp();
        List<Callable<Integer>> attempts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            attempts.add(() -> login(tenant, "alice@acme.test", "wrong", ip).getStatusCode());
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(20)) {
            for (Future<Integer> status : pool.invokeAll(attempts)) {
                assertEquals(401, status.get());
            }
        }
        assertEquals("20", userItem().get("fail_count").n());
        assertEquals("20", ipItem(ip).get("fail_count").n());
        assertNotNull(userItem().get("locked_until"));
        assertNotNull(ipItem(ip).get("locked_until"));
        assertEquals(1, audit.ofType("account_locked").size(), "exactly one request reports the lock");
        assertEquals(1, audit.ofType("ip_blocked").size(), "exactly one request reports the block");
        assertEquals(20, audit.ofType("auth_failure").size());
        assertEquals(429, login(tenant, "alice@acme.test", PASSWORD, ip).getStatusCode());
    }

    @Test
    void loginWhenBadInputThen400AndNothingWritten() throws Exception {
        int before = itemCount();
        String ip = uniqueIp();
        List<String> bodies = List.of("not json", "{\"tenant\":\"" + tenant + "\"}", "[]", "",
                "{\"tenant\":\"" + tenant + "\",\"username\":42,\"password\":\"x\"}",
                "{\"tenant\":\"" + tenant + "\",\"username\":\"alice@acme.test\",\"password\":\"x\",\"role\":\"admin\"}",
                "{\"tenant\":\"Bad Tenant!\",\"username\":\"a\",\"password\":\"x\"}",
                "{\"tenant\":\"" + tenant + "\",\"username\":\"a\",\"password\":\"" + "x".repeat(17_000) + "\"}");
        for (String bad : bodies) {
            APIGatewayV2HTTPResponse response = invoke(bad, ip, "r");
            assertEquals(400, response.getStatusCode(), bad);
            assertTrue(response.getHeaders().get("Content-Type").startsWith("application/problem+json"));
        }
        assertEquals(before, itemCount());
        assertTrue(audit.events().isEmpty());
    }

    @Test
    void loginWhenBase64EncodedBodyThenAccepted() {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent("../../events/login-password-base64.json");
        String encoded = java.util.Base64.getEncoder().encodeToString(json(Map.of("tenant", tenant,
                "username", "alice@acme.test", "password", PASSWORD)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        event.setBody(encoded);
        assertEquals(200, handler.handleRequest(event, null).getStatusCode());
    }

    @Test
    void loginWhenFormEncodedBodyThen400() {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent("../../events/login-malformed.json");
        assertEquals(400, handler.handleRequest(event, null).getStatusCode());
    }

    @Test
    void loginWhenMfaEnrolledThenChallengeInsteadOfTokens() throws Exception {
        dynamoDb.updateItem(UpdateItemRequest.builder().tableName(tables.identity())
                .key(Keys.user(tenant, "alice@acme.test"))
                .updateExpression("SET mfa_methods = :m")
                .expressionAttributeValues(Map.of(":m", AttributeValue.fromL(List.of(AttributeValue.fromS("totp")))))
                .build());
        JsonNode body = body(login(tenant, "alice@acme.test", PASSWORD, uniqueIp()));
        assertTrue(body.get("mfa_required").asBoolean());
        assertFalse(body.has("access_token"));
        assertEquals(List.of("totp", "backup_code", "email"),
                Json.mapper().convertValue(body.get("methods"), List.class));
        String mfaToken = body.get("mfa_token").asText();
        var challenge = dynamoDb.getItem(GetItemRequest.builder().tableName(tables.security())
                .key(Keys.mfaChallenge(OpaqueTokens.hash(mfaToken))).build()).item();
        assertEquals(tenant, challenge.get("tenant_id").s());
        assertEquals("5", challenge.get("max_attempts").n());
        assertEquals(clock.instant().plus(Duration.ofMinutes(5)).getEpochSecond(),
                Long.parseLong(challenge.get("ttl").n()));
        assertEquals(1, audit.ofType("mfa_challenge_issued").size());
    }

    @Test
    void loginWhenDisabledAccountThenInvalidCredentials() {
        dynamoDb.updateItem(UpdateItemRequest.builder().tableName(tables.identity())
                .key(Keys.user(tenant, "alice@acme.test"))
                .updateExpression("SET #s = :d")
                .expressionAttributeNames(Map.of("#s", "status"))
                .expressionAttributeValues(Map.of(":d", AttributeValue.fromS("DISABLED")))
                .build());
        assertEquals(401, login(tenant, "alice@acme.test", PASSWORD, uniqueIp()).getStatusCode());
        assertEquals("account_disabled", audit.ofType("auth_failure").getLast().additionalData().get("reason"));
    }

    @Test
    void loginWhenStoredHashWeakerThanTargetThenRehashedOnSuccess() {
        var weak = new io.tollgate.password.Argon2idPasswordHasher(
                new SecuritySettings.Argon2Settings(8 * 1024, 1, 1), new SecureRandom(), Optional.empty());
        dynamoDb.updateItem(UpdateItemRequest.builder().tableName(tables.identity())
                .key(Keys.user(tenant, "alice@acme.test"))
                .updateExpression("SET password_hash = :h")
                .expressionAttributeValues(Map.of(":h", AttributeValue.fromS(weak.hash(PASSWORD))))
                .build());
        assertEquals(200, login(tenant, "alice@acme.test", PASSWORD, uniqueIp()).getStatusCode());
        assertTrue(userItem().get("password_hash").s().startsWith("$argon2id$v=19$m=19456,t=2,p=1$"));
        assertEquals(1, audit.ofType("password_rehashed").size());
        assertEquals(200, login(tenant, "alice@acme.test", PASSWORD, uniqueIp()).getStatusCode());
    }

    @Test
    void loginWhenSuccessThenTwoDynamoDbCallsAndWhenFailureThenFour() {
        DYNAMO_CALLS.set(0);
        assertEquals(200, login(tenant, "alice@acme.test", PASSWORD, uniqueIp()).getStatusCode());
        assertEquals(2, DYNAMO_CALLS.get());
        DYNAMO_CALLS.set(0);
        assertEquals(401, login(tenant, "alice@acme.test", "wrong", uniqueIp()).getStatusCode());
        assertEquals(4, DYNAMO_CALLS.get(), "read, the account's counter, the tenant's and the cross-tenant IP counter");
    }

    @Test
    void loginWhenUnknownUserOrUnknownTenantThenSameDynamoDbOperationsAsWrongPassword() {
        DYNAMO_OPERATIONS.clear();
        assertEquals(401, login(tenant, "alice@acme.test", "wrong", uniqueIp()).getStatusCode());
        List<String> wrongPassword = List.copyOf(DYNAMO_OPERATIONS);
        DYNAMO_OPERATIONS.clear();
        assertEquals(401, login(tenant, "nobody@acme.test", "wrong", uniqueIp()).getStatusCode());
        List<String> unknownUser = List.copyOf(DYNAMO_OPERATIONS);
        DYNAMO_OPERATIONS.clear();
        assertEquals(401, login("no-such-tenant", "alice@acme.test", "wrong", uniqueIp()).getStatusCode());
        List<String> unknownTenant = List.copyOf(DYNAMO_OPERATIONS);

        assertEquals(List.of("BatchGetItem:IdentityTablex2,SecurityTablex3", "UpdateItem:IdentityTable",
                "UpdateItem:SecurityTable", "UpdateItem:SecurityTable"), wrongPassword);
        assertEquals(wrongPassword, unknownUser, "an unknown user costs what a wrong password costs");
        assertEquals(wrongPassword, unknownTenant, "so does an unknown tenant");
        assertTrue(dynamoDb.getItem(GetItemRequest.builder().tableName(tables.identity())
                .key(Keys.user(tenant, "nobody@acme.test")).consistentRead(true).build()).item().isEmpty(),
                "the unknown user's write creates no item");
    }

    @Test
    void loginWhenFailuresFromOneIpSpreadAcrossTenantsThenBlockedInEveryTenant() throws Exception {
        String ip = uniqueIp();
        List<String> tenants = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            tenants.add(otherTenant());
        }
        // 100 failures over 6 tenants: at most 17 in one tenant (under its 20), the cross-tenant threshold in all.
        for (int n = 0; n < 100; n++) {
            assertEquals(401, login(tenants.get(n % tenants.size()), "nobody-" + n + "@acme.test", "wrong", ip)
                    .getStatusCode());
        }
        assertEquals(1, audit.ofType("ip_blocked").size());
        assertEquals("all_tenants", audit.ofType("ip_blocked").getFirst().additionalData().get("scope"));
        APIGatewayV2HTTPResponse blocked = login(tenant, "alice@acme.test", PASSWORD, ip);
        assertEquals(429, blocked.getStatusCode(), "a tenant never attacked from this address refuses it too");
        assertEquals("rate_limited", body(blocked).get("code").asText());
        assertEquals(200, login(tenant, "alice@acme.test", PASSWORD, uniqueIp()).getStatusCode(),
                "another address is not blocked");
    }

    @Test
    void loginWhenTwentyFailuresFromOneIpv6SlashSixtyFourThenThatNetworkBlocked() {
        for (int i = 0; i < 20; i++) {
            // Twenty different addresses of 2001:db8:77:1::/64 (one attacker's interface ids).
            assertEquals(401, login(tenant, "nobody-" + i + "@acme.test", "wrong",
                    "2001:db8:77:1:" + Integer.toHexString(i) + ":0:0:" + Integer.toHexString(i + 7)).getStatusCode());
        }
        assertEquals(429, login(tenant, "alice@acme.test", PASSWORD, "2001:DB8:77:1::abcd").getStatusCode(),
                "any address of the /64 is blocked");
        assertEquals(200, login(tenant, "alice@acme.test", PASSWORD, "2001:db8:77:2::1").getStatusCode(),
                "the next /64 is not");
    }

    @Test
    void loginWhenTwentyFailuresFromOneIpv4AddressThenItsNeighbourIsNotBlocked() {
        for (int i = 0; i < 20; i++) {
            login(tenant, "nobody-" + i + "@acme.test", "wrong", "203.0.113.10");
        }
        assertEquals(429, login(tenant, "alice@acme.test", PASSWORD, "203.0.113.10").getStatusCode());
        assertEquals(200, login(tenant, "alice@acme.test", PASSWORD, "203.0.113.11").getStatusCode(),
                "IPv4 is counted per address");
    }

    /** Another tenant with the same user, for the cross-tenant tests. */
    private String otherTenant() {
        String id = "t-" + UUID.randomUUID().toString().substring(0, 8);
        provisioning.createTenant(id, "Other", SecuritySettings.defaults(), UserProvisioning.Requester.system(id));
        return id;
    }

    private int itemCount() {
        int count = 0;
        for (String table : List.of(tables.identity(), tables.sessions(), tables.security())) {
            count += dynamoDb.scan(ScanRequest.builder().tableName(table).select("COUNT").build()).count();
        }
        return count;
    }

    @Test
    void primeWhenSnapshotTakenThenEveryPrimingRequestRefusedWithoutAnyAwsCallOrAuditEvent() {
        int items = itemCount();
        DYNAMO_CALLS.set(0);
        assertEquals(200, handler.priming.prime(), "every priming request is refused by validation");
        assertEquals(0, DYNAMO_CALLS.get(), "priming makes no AWS call");
        assertEquals(List.of(), audit.events(), "priming records nothing");
        assertEquals(items, itemCount(), "priming writes nothing");
    }
}
