package io.tollgate.testing;

import io.tollgate.crypto.EnvelopeEncryptor;
import io.tollgate.crypto.LocalKeyRing;
import io.tollgate.devkit.DynamoDbLocalServer;
import io.tollgate.devkit.SamTemplate;
import io.tollgate.devkit.TableProvisioner;
import io.tollgate.mail.MailMessage;
import io.tollgate.password.CommonPasswords;
import io.tollgate.platform.TollgateConfig;
import io.tollgate.platform.TollgateServices;
import io.tollgate.settings.SecuritySettings;
import io.tollgate.storage.TableNames;
import io.tollgate.tenant.Tenant;
import io.tollgate.token.LocalSigningKeyStore;
import io.tollgate.user.UserAccount;
import io.tollgate.user.UserDirectory;
import io.tollgate.user.UserProvisioning;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A function IT's world: DynamoDB Local (the real engine, one per test JVM) with the tables of
 * template.yaml, and services with a {@link TestClock}, a {@link RecordingAuditPublisher}, an
 * in-memory signing key set and envelope encryption under an in-memory key ring; {@link #newTenant()} seeds a fresh tenant with one user.
 */
public final class Testbed {

    public static final String PASSWORD = "Velvet-Orbit-Quarry-82";
    public static final TableNames TABLES = new TableNames("IdentityTable", "SessionsTable", "SecurityTable");
    private static DynamoDbLocalServer server;
    /**
     * One key ring and one blind-index key per JVM, like one KMS and one secret per account: every
     * testbed shares the one DynamoDB Local, so data one wrote must decrypt for another (a digest or
     * retention run reads every tenant).
     */
    private static final LocalKeyRing KEY_RING = LocalKeyRing.inMemory(new SecureRandom());
    private static final byte[] EMAIL_INDEX_KEY = randomKey();
    private static DynamoDbClient dynamoDb;

    public final TestClock clock = TestClock.startingNow();
    public final RecordingAuditPublisher audit = new RecordingAuditPublisher();
    public final RecordingMetrics metrics = new RecordingMetrics();
    /** Mail the services sent, in order. */
    public final List<MailMessage> mails = new CopyOnWriteArrayList<>();
    /** Text messages the services sent, in order. */
    public final List<io.tollgate.sms.SmsMessage> texts = new CopyOnWriteArrayList<>();
    /** DynamoDB calls made through {@link #services} (e.g. none while priming, ADR 0049). */
    public final java.util.concurrent.atomic.AtomicInteger dynamoDbCalls = new java.util.concurrent.atomic.AtomicInteger();
    public final TollgateServices services;

    public Testbed() {
        SecureRandom random = new SecureRandom();
        services = TollgateServices.builder()
                .config(new TollgateConfig(TABLES, "https://auth.test", Optional.empty(), Optional.empty()))
                .dynamoDb(CountingDynamoDb.wrap(dynamoDb(), dynamoDbCalls))
                .signingKeys(LocalSigningKeyStore.inMemory(clock, random))
                .encryptor(EnvelopeEncryptor.withDefaultCache(KEY_RING, clock, random))
                .random(random)
                .auditPublisher(audit)
                .metrics(metrics)
                .clock(clock)
                .mailSender(mails::add)
                .emailIndexKey(EMAIL_INDEX_KEY)
                .smsSender(texts::add)
                .backupCodePepper(("testbed-pepper-" + UUID.randomUUID()).getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .build();
    }

    private static byte[] randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    /** The JVM's DynamoDB Local, started and provisioned on first use (stopped with the JVM). */
    public static synchronized DynamoDbClient dynamoDb() {
        if (dynamoDb == null) {
            server = DynamoDbLocalServer.inMemory();
            dynamoDb = server.client();
            TableProvisioner.provision(dynamoDb, SamTemplate.findFrom(Path.of("").toAbsolutePath()));
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "testbed-dynamodb-stop"));
        }
        return dynamoDb;
    }

    /** Items in every table of the template, all tenants (read without counting a call). */
    public static int itemCount() {
        int count = 0;
        for (String table : dynamoDb().listTables().tableNames()) {
            count += dynamoDb().scan(r -> r.tableName(table).select(
                    software.amazon.awssdk.services.dynamodb.model.Select.COUNT)).count();
        }
        return count;
    }

    /** A fresh tenant (random id) with organisation {@code risk} and user {@code alice@acme.test}. */
    public UserAccount newTenant() {
        return newTenant(SecuritySettings.defaults());
    }

    /** {@link #newTenant()} with {@code settings}. */
    public UserAccount newTenant(SecuritySettings settings) {
        String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
        UserDirectory directory = services.userDirectory();
        UserProvisioning provisioning = new UserProvisioning(directory, services.passwordHasher(),
                CommonPasswords.load(), services.audit(), clock);
        Tenant created = provisioning.createTenant(tenant, "Acme", settings,
                UserProvisioning.Requester.system(tenant));
        provisioning.createOrganization(tenant, "risk", "Risk", UserProvisioning.Requester.system(tenant));
        provisioning.createUser(created, new UserProvisioning.NewUserRequest("alice@acme.test", "alice@acme.test",
                PASSWORD, List.of("user"), "risk"), UserProvisioning.Requester.system(tenant));
        audit.clear();
        return directory.findByUsername(tenant, "alice@acme.test").orElseThrow();
    }
}
