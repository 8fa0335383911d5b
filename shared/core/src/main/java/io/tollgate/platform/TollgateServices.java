package io.tollgate.platform;

import io.tollgate.audit.AuditPublisher;
import io.tollgate.audit.AuditRecorder;
import io.tollgate.audit.LoggingAuditPublisher;
import io.tollgate.crypto.DataKeyCache;
import io.tollgate.crypto.DataKeyCachePolicy;
import io.tollgate.crypto.EnvelopeEncryptor;
import io.tollgate.crypto.KmsDataKeyProvider;
import io.tollgate.mail.MailSender;
import io.tollgate.mail.SesMailSender;
import io.tollgate.observability.EmbeddedMetrics;
import io.tollgate.observability.Metrics;
import io.tollgate.observability.SecurityEventMetrics;
import io.tollgate.otp.BackupCodes;
import io.tollgate.audit.SqsAuditPublisher;
import io.tollgate.password.Argon2idPasswordHasher;
import io.tollgate.settings.SecuritySettings;
import io.tollgate.sms.PhoneNumbers;
import io.tollgate.sms.SmsSendCap;
import io.tollgate.sms.SmsSender;
import io.tollgate.sms.TwilioSmsSender;
import io.tollgate.token.SecretsManagerSigningKeyStore;
import io.tollgate.user.EmailProtection;
import io.tollgate.user.UserDirectory;
import io.tollgate.token.SigningKeyStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.client.builder.SdkClientBuilder;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The composition root of one Lambda container: the AWS clients, key stores, clock, randomness
 * and audit publisher that every handler builds its services from. Created once per container
 * (in the handler's no-arg constructor, i.e. the init phase) and shared across invocations
 * (STYLE.md habit 2). The local runtime and the tests build it with local stand-ins through
 * {@link #builder()}.
 */
public final class TollgateServices {

    private final TollgateConfig config;
    private final DynamoDbClient dynamoDb;
    private final SigningKeyStore signingKeys;
    private final SecretsManagerClient secretsManager;
    private final AuditPublisher auditPublisher;
    private final Clock clock;
    private final SecureRandom random;
    private final SecuritySettings defaultSettings;
    private final EnvelopeEncryptor encryptor;
    private final MailSender mailSender;
    private final BackupCodes backupCodes;
    private final byte[] emailIndexKey;
    private volatile EmailProtection emailProtection;
    private final SmsSender smsSender;
    private final PhoneNumbers phoneNumbers;
    private final int smsDailyLimitPerNumber;
    private final io.tollgate.net.WebhookTargets webhookTargets;
    private final Metrics metrics;
    private volatile Argon2idPasswordHasher passwordHasher;

    private TollgateServices(Builder builder) {
        this.config = Objects.requireNonNull(builder.config, "config");
        this.dynamoDb = Objects.requireNonNull(builder.dynamoDb, "dynamoDb");
        this.signingKeys = Objects.requireNonNull(builder.signingKeys, "signingKeys");
        this.secretsManager = builder.secretsManager;
        this.auditPublisher = Objects.requireNonNull(builder.auditPublisher, "auditPublisher");
        this.clock = Objects.requireNonNull(builder.clock, "clock");
        this.random = Objects.requireNonNull(builder.random, "random");
        this.defaultSettings = Objects.requireNonNull(builder.defaultSettings, "defaultSettings");
        this.metrics = Objects.requireNonNull(builder.metrics, "metrics");
        this.encryptor = builder.encryptor;
        this.mailSender = builder.mailSender;
        this.backupCodes = builder.backupCodePepper == null ? null
                : new BackupCodes(random, Optional.of(builder.backupCodePepper));
        this.emailIndexKey = builder.emailIndexKey;
        this.smsSender = builder.smsSender;
        this.phoneNumbers = builder.backupCodePepper == null ? null : PhoneNumbers.fromPepper(builder.backupCodePepper);
        this.smsDailyLimitPerNumber = builder.smsDailyLimitPerNumber;
        this.webhookTargets = Objects.requireNonNull(builder.webhookTargets, "webhookTargets");
    }

    /** Production wiring from the Lambda environment: real AWS SDK v2 clients. */
    public static TollgateServices fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    static TollgateServices fromEnvironment(Map<String, String> env) {
        TollgateConfig config = TollgateConfig.fromEnvironment(env);
        Clock clock = Clock.systemUTC();
        // One HTTP client for every AWS client of the container (each UrlConnectionHttpClient
        // builds its own TLS context), and a client's builder only where the client is built, so
        // a function pays at init only for what it uses (docs/performance.md, cold start).
        SdkHttpClient http = UrlConnectionHttpClient.create();
        Optional<URI> endpoint = config.endpointOverride().map(URI::create);
        String secretId = config.signingKeySecretId().orElseThrow(() -> new IllegalStateException(
                "Environment variable " + TollgateConfig.SIGNING_KEYS_SECRET_ID + " is required"));
        SecretsManagerClient secretsManager = client(SecretsManagerClient.builder(), http, endpoint);
        SecureRandom random = new SecureRandom();
        Builder builder = builder();
        // Clients are built only where the template configures them, so a function that never
        // encrypts or mails pays nothing for it at cold start.
        config.dataKeyId().ifPresent(keyId -> builder.encryptor(new EnvelopeEncryptor(new DataKeyCache(
                new KmsDataKeyProvider(client(KmsClient.builder(), http, endpoint), keyId),
                DataKeyCachePolicy.defaults(), clock), random)));
        config.mailFrom().ifPresent(from -> builder.mailSender(new SesMailSender(
                client(SesV2Client.builder(), http, endpoint), from)));
        config.sms().ifPresent(sms -> builder.smsSender(new TwilioSmsSender(
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build(), sms.baseUrl(), sms.from(),
                TwilioSmsSender.fromSecretsManager(secretsManager, sms.secretId()), Duration.ofSeconds(5)))
                .smsDailyLimitPerNumber(sms.dailyLimitPerNumber()));
        config.mfaPepperSecretId().ifPresent(pepperId -> builder.backupCodePepper(
                secretsManager.getSecretValue(r -> r.secretId(pepperId)).secretString().getBytes(StandardCharsets.UTF_8)));
        config.emailIndexSecretId().ifPresent(indexId -> builder.emailIndexKey(
                secretsManager.getSecretValue(r -> r.secretId(indexId)).secretString().getBytes(StandardCharsets.UTF_8)));
        AuditPublisher auditPublisher = config.auditQueueUrl().<AuditPublisher>map(url -> new SqsAuditPublisher(
                client(SqsClient.builder(), http, endpoint), url, random)).orElseGet(LoggingAuditPublisher::new);
        TollgateServices services = builder
                .config(config)
                .dynamoDb(client(DynamoDbClient.builder(), http, endpoint))
                .secretsManager(secretsManager)
                .signingKeys(new SecretsManagerSigningKeyStore(secretsManager, secretId, clock, Duration.ofMinutes(5)))
                .auditPublisher(auditPublisher)
                .metrics(EmbeddedMetrics.forLambda(clock))
                .clock(clock)
                .random(random)
                .build();
        // Invoke priming of the SDK (ADR 0049): one read of a key no item has, in a table the
        // function's role may read (the template names it), before the SnapStart snapshot.
        Optional.ofNullable(env.get(SNAPSTART_PRIMING_TABLE)).filter(table -> !table.isBlank()).ifPresent(table ->
                sdkPriming = SnapStartPriming.dynamoDbRead(services.dynamoDb(), table));
        return services;
    }

    /**
     * The table a function's SnapStart priming reads one impossible key from (ADR 0049); the
     * template sets it to a table the function's policy allows {@code dynamodb:GetItem} on.
     */
    public static final String SNAPSTART_PRIMING_TABLE = "SNAPSTART_PRIMING_TABLE";

    /** Held here, strongly: the CRaC context holds its resources weakly. One per container. */
    private static volatile SnapStartPriming sdkPriming;

    /** The SDK priming {@link #fromEnvironment()} registered, if the template asked for one. */
    public static Optional<SnapStartPriming> sdkPriming() {
        return Optional.ofNullable(sdkPriming);
    }

    /** An AWS client over the container's shared HTTP client, at the endpoint override if one is set. */
    private static <B extends AwsSyncClientBuilder<B, C> & SdkClientBuilder<B, C>, C> C client(B builder,
            SdkHttpClient http, Optional<URI> endpoint) {
        endpoint.ifPresent(builder::endpointOverride);
        return builder.httpClient(http).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public TollgateConfig config() {
        return config;
    }

    public DynamoDbClient dynamoDb() {
        return dynamoDb;
    }

    public SigningKeyStore signingKeys() {
        return signingKeys;
    }

    /** The Secrets Manager client (key rotation); absent where the container has none. */
    public SecretsManagerClient secretsManager() {
        if (secretsManager == null) {
            throw new IllegalStateException("This container has no Secrets Manager client");
        }
        return secretsManager;
    }

    /** Records audit events; each one is also counted as a {@code SecurityEvents} metric. */
    public AuditRecorder audit() {
        return new AuditRecorder(new SecurityEventMetrics(auditPublisher, metrics), clock);
    }

    /** The container's metrics (CloudWatch EMF in AWS). */
    public Metrics metrics() {
        return metrics;
    }

    /** Where audit events go (the audit queue in AWS); for callers that forward ready-made events. */
    public AuditPublisher auditPublisher() {
        return auditPublisher;
    }

    public Clock clock() {
        return clock;
    }

    public SecureRandom random() {
        return random;
    }

    /** Settings for requests that name no existing tenant, and for new tenants. */
    public SecuritySettings defaultSettings() {
        return defaultSettings;
    }

    /** One hasher per container: it precomputes the dummy hash used against user enumeration. */
    public Argon2idPasswordHasher passwordHasher() {
        Argon2idPasswordHasher hasher = passwordHasher;
        if (hasher == null) {
            synchronized (this) {
                hasher = passwordHasher;
                if (hasher == null) {
                    // Created on first use: functions that never hash (authorizer, jwks) skip its
                    // dummy-hash computation at cold start.
                    hasher = new Argon2idPasswordHasher(defaultSettings.passwordHash(), random, Optional.empty());
                    passwordHasher = hasher;
                }
            }
        }
        return hasher;
    }

    /** Envelope encryption (docs/contract.md §Encryption and storage, ADR 0010): KMS data keys in AWS, the local key ring locally. */
    public EnvelopeEncryptor encryptor() {
        if (encryptor == null) {
            throw new IllegalStateException("This container has no envelope encryption (set "
                    + TollgateConfig.DATA_KEY_ID + ")");
        }
        return encryptor;
    }

    /**
     * How e-mail addresses are stored and found (ADR 0046): envelope encryption and the HMAC blind
     * index keyed from Secrets Manager ({@code EMAIL_INDEX_SECRET_ID}).
     */
    public EmailProtection emailProtection() {
        EmailProtection protection = emailProtection;
        if (protection == null) {
            if (emailIndexKey == null) {
                throw new IllegalStateException("This container has no e-mail blind-index key (set "
                        + TollgateConfig.EMAIL_INDEX_SECRET_ID + ")");
            }
            protection = new EmailProtection(encryptor(), emailIndexKey);
            emailProtection = protection;
        }
        return protection;
    }

    /** {@link #emailProtection()} where this container has both the encryption and the index key. */
    public Optional<EmailProtection> emailProtectionIfConfigured() {
        return emailIndexKey == null || encryptor == null ? Optional.empty() : Optional.of(emailProtection());
    }

    /** The user directory of this container; without e-mail protection it refuses users with an address. */
    public UserDirectory userDirectory() {
        return emailProtectionIfConfigured().map(p -> new UserDirectory(dynamoDb, config.tables(), p))
                .orElseGet(() -> new UserDirectory(dynamoDb, config.tables()));
    }

    /** Whether this container sends mail ({@link #mailSender()} would not throw). */
    public boolean sendsMail() {
        return mailSender != null;
    }

    /** The envelope encryption, where this container has it. */
    public Optional<EnvelopeEncryptor> encryptorIfConfigured() {
        return Optional.ofNullable(encryptor);
    }

    /** Outgoing mail: SES v2 in AWS, the outbox locally. */
    public MailSender mailSender() {
        if (mailSender == null) {
            throw new IllegalStateException("This container sends no mail (set " + TollgateConfig.MAIL_FROM + ")");
        }
        return mailSender;
    }

    /** Outgoing SMS (ADR 0032): the Twilio-compatible API in AWS, the outbox locally; empty where not configured. */
    public Optional<SmsSender> smsSender() {
        return Optional.ofNullable(smsSender);
    }

    /**
     * Keyed hashes of phone numbers, keyed from the MFA pepper (ADR 0032); empty where the
     * container has no pepper (then nothing SMS-related can run).
     */
    public Optional<PhoneNumbers> phoneNumbers() {
        return Optional.ofNullable(phoneNumbers);
    }

    /** SMS per number and UTC day ({@link SmsSendCap#DEFAULT_PER_NUMBER_PER_DAY} unless configured). */
    public int smsDailyLimitPerNumber() {
        return smsDailyLimitPerNumber;
    }

    /** Which hosts tenant-configured webhooks may reach: public addresses only, except in the local runtime. */
    public io.tollgate.net.WebhookTargets webhookTargets() {
        return webhookTargets;
    }

    /**
     * Backup-code generation and matching, keyed with the pepper from Secrets Manager (ADR 0009).
     * A container without the pepper has none: asking for them fails (at the function's init,
     * where its services are built) rather than hashing codes without the pepper.
     */
    public BackupCodes backupCodes() {
        if (backupCodes == null) {
            throw new IllegalStateException("This container has no backup-code pepper (set "
                    + TollgateConfig.MFA_PEPPER_SECRET_ID + ")");
        }
        return backupCodes;
    }

    /** Builder with secure defaults (system UTC clock, strong SecureRandom, docs/contract.md §Security defaults settings). */
    public static final class Builder {
        private TollgateConfig config;
        private DynamoDbClient dynamoDb;
        private SigningKeyStore signingKeys;
        private SecretsManagerClient secretsManager;
        private AuditPublisher auditPublisher = new LoggingAuditPublisher();
        private Clock clock = Clock.systemUTC();
        private SecureRandom random = new SecureRandom();
        private SecuritySettings defaultSettings = SecuritySettings.defaults();
        private EnvelopeEncryptor encryptor;
        private MailSender mailSender;
        private byte[] backupCodePepper;
        private byte[] emailIndexKey;
        private SmsSender smsSender;
        private int smsDailyLimitPerNumber = SmsSendCap.DEFAULT_PER_NUMBER_PER_DAY;
        private io.tollgate.net.WebhookTargets webhookTargets = io.tollgate.net.WebhookTargets.publicOnly(
                io.tollgate.net.WebhookTargets.Resolver.system());
        private Metrics metrics = Metrics.none();

        private Builder() {
        }

        /** Where metrics go: EMF on standard output in AWS, nowhere unless set. */
        public Builder metrics(Metrics metrics) {
            this.metrics = metrics;
            return this;
        }

        public Builder encryptor(EnvelopeEncryptor encryptor) {
            this.encryptor = encryptor;
            return this;
        }

        public Builder mailSender(MailSender mailSender) {
            this.mailSender = mailSender;
            return this;
        }

        /** The key of the e-mail blind index (at least 128 bits), from Secrets Manager (ADR 0046). */
        public Builder emailIndexKey(byte[] key) {
            this.emailIndexKey = key == null ? null : key.clone();
            return this;
        }

        public Builder smsSender(SmsSender smsSender) {
            this.smsSender = smsSender;
            return this;
        }

        /** SMS per number and UTC day (SMS pumping defence, ADR 0032); 1..1000. */
        /**
         * The local runtime's flag: {@link io.tollgate.net.WebhookTargets#anyAddress()} lets webhooks
         * reach loopback and private addresses (its fake receivers); the default allows public ones only.
         */
        public Builder webhookTargets(io.tollgate.net.WebhookTargets targets) {
            this.webhookTargets = Objects.requireNonNull(targets, "targets");
            return this;
        }

        public Builder smsDailyLimitPerNumber(int limit) {
            if (limit < 1 || limit > 1000) {
                throw new IllegalArgumentException("smsDailyLimitPerNumber must be 1..1000");
            }
            this.smsDailyLimitPerNumber = limit;
            return this;
        }

        /** The server-side pepper of backup-code hashes (at least 128 bits), from Secrets Manager. */
        public Builder backupCodePepper(byte[] pepper) {
            this.backupCodePepper = pepper == null ? null : pepper.clone();
            return this;
        }

        /** The random source set so far. */
        public SecureRandom random() {
            return random;
        }

        public Builder config(TollgateConfig config) {
            this.config = config;
            return this;
        }

        public Builder dynamoDb(DynamoDbClient dynamoDb) {
            this.dynamoDb = dynamoDb;
            return this;
        }

        public Builder signingKeys(SigningKeyStore signingKeys) {
            this.signingKeys = signingKeys;
            return this;
        }

        public Builder secretsManager(SecretsManagerClient secretsManager) {
            this.secretsManager = secretsManager;
            return this;
        }

        public Builder auditPublisher(AuditPublisher auditPublisher) {
            this.auditPublisher = auditPublisher;
            return this;
        }

        /** The audit publisher set so far (the logging one unless one was set). */
        public AuditPublisher auditPublisher() {
            return auditPublisher;
        }

        /** The clock set so far (the system UTC clock unless one was set). */
        public Clock clock() {
            return clock;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public Builder random(SecureRandom random) {
            this.random = random;
            return this;
        }

        public Builder defaultSettings(SecuritySettings defaultSettings) {
            this.defaultSettings = defaultSettings;
            return this;
        }

        public TollgateServices build() {
            return new TollgateServices(this);
        }
    }
}
