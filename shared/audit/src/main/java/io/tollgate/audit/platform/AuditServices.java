package io.tollgate.audit.platform;

import io.tollgate.audit.chain.AuditChainStore;
import io.tollgate.audit.chain.AuditDigests;
import io.tollgate.audit.chain.ChainVerifier;
import io.tollgate.audit.chain.DigestSigner;
import io.tollgate.audit.chain.KmsDigestSigner;
import io.tollgate.audit.chain.SubjectFactsErasure;
import io.tollgate.audit.ingest.AuditEventValidator;
import io.tollgate.audit.ingest.AuditIngestion;
import io.tollgate.audit.ingest.AuditSubmission;
import io.tollgate.audit.ingest.PersonalDataProtector;
import io.tollgate.audit.ingest.RejectedEventSink;
import io.tollgate.audit.ingest.SqsRejectedEventSink;
import io.tollgate.audit.query.AuditEventQuery;
import io.tollgate.audit.report.ComplianceReporter;
import io.tollgate.audit.subject.SubjectKeyStore;
import io.tollgate.audit.verification.SqsVerificationJobQueue;
import io.tollgate.audit.verification.VerificationJobQueue;
import io.tollgate.audit.verification.VerificationJobs;
import io.tollgate.crypto.EnvelopeEncryptor;
import io.tollgate.crypto.KmsDataKeyProvider;
import io.tollgate.platform.TollgateServices;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The composition root of the audit functions, on top of {@link TollgateServices}: the chain
 * store, digests, verifier, ingestion, submission and query, built once per container. In AWS
 * from the environment ({@link #fromEnvironment}); in the local runtime and tests with local
 * stand-ins ({@link #of}). Parts whose configuration the function lacks fail when first asked
 * for, naming the missing variable (each function gets least privilege, not every setting).
 */
public final class AuditServices {

    private final TollgateServices platform;
    private final AuditChainStore chains;
    private final AuditEventValidator validator;
    private final Supplier<EnvelopeEncryptor> encryptor;
    private final Supplier<DigestSigner> signer;
    private final Supplier<RejectedEventSink> rejects;
    private final Supplier<VerificationJobQueue> verificationQueue;
    private final Duration submittedMaxAge;

    private AuditServices(TollgateServices platform, String table, Duration submittedMaxAge,
            Supplier<EnvelopeEncryptor> encryptor, Supplier<DigestSigner> signer, Supplier<RejectedEventSink> rejects,
            Supplier<VerificationJobQueue> verificationQueue) {
        this.platform = Objects.requireNonNull(platform, "platform");
        this.chains = new AuditChainStore(platform.dynamoDb(), table, platform.clock());
        this.validator = new AuditEventValidator(platform.clock(), submittedMaxAge);
        this.encryptor = memoize(encryptor);
        this.signer = memoize(signer);
        this.rejects = memoize(rejects);
        this.verificationQueue = memoize(verificationQueue);
        this.submittedMaxAge = submittedMaxAge;
    }

    /** Local runtime and tests: every part given. */
    public static AuditServices of(TollgateServices platform, String table, EnvelopeEncryptor encryptor,
            DigestSigner signer, RejectedEventSink rejects) {
        Objects.requireNonNull(encryptor, "encryptor");
        Objects.requireNonNull(signer, "signer");
        Objects.requireNonNull(rejects, "rejects");
        return new AuditServices(platform, table, AuditEventValidator.DEFAULT_SUBMITTED_MAX_AGE, () -> encryptor,
                () -> signer, () -> rejects, () -> {
                    throw new IllegalStateException("This audit world has no verification job queue");
                });
    }

    /** The same parts with verification jobs handed to {@code queue} (the local runtime's in-process queue, tests). */
    public AuditServices withVerificationQueue(VerificationJobQueue queue) {
        Objects.requireNonNull(queue, "queue");
        return new AuditServices(platform, chains.table(), submittedMaxAge, encryptor, signer, rejects,
                () -> queue);
    }

    /** Production wiring from the Lambda environment. */
    public static AuditServices fromEnvironment(TollgateServices platform) {
        return fromEnvironment(platform, System.getenv());
    }

    static AuditServices fromEnvironment(TollgateServices platform, Map<String, String> env) {
        AuditConfig config = AuditConfig.fromEnvironment(env);
        Supplier<KmsClient> kms = memoize(() -> {
            var builder = KmsClient.builder().httpClient(UrlConnectionHttpClient.create());
            platform.config().endpointOverride().map(URI::create).ifPresent(builder::endpointOverride);
            return builder.build();
        });
        Supplier<SqsClient> sqs = memoize(() -> {
            var builder = SqsClient.builder().httpClient(UrlConnectionHttpClient.create());
            platform.config().endpointOverride().map(URI::create).ifPresent(builder::endpointOverride);
            return builder.build();
        });
        return new AuditServices(platform, config.table(), config.submittedMaxAge(),
                () -> EnvelopeEncryptor.withDefaultCache(new KmsDataKeyProvider(kms.get(), required(config.dataKeyId()
                        .orElse(null), AuditConfig.AUDIT_DATA_KEY_ID)), platform.clock(), platform.random()),
                () -> new KmsDigestSigner(kms.get(), required(config.signingKeyId().orElse(null),
                        AuditConfig.AUDIT_SIGNING_KEY_ID)),
                () -> new SqsRejectedEventSink(sqs.get(), required(config.deadLetterQueue().orElse(null),
                        AuditConfig.AUDIT_DLQ_URL)),
                () -> new SqsVerificationJobQueue(sqs.get(), required(config.verificationQueue().orElse(null),
                        AuditConfig.AUDIT_VERIFICATION_QUEUE_URL)));
    }

    private static String required(String value, String name) {
        if (value == null) {
            throw new IllegalStateException("Environment variable " + name + " is required by this function");
        }
        return value;
    }

    public TollgateServices platform() {
        return platform;
    }

    public AuditChainStore chains() {
        return chains;
    }

    public AuditEventValidator validator() {
        return validator;
    }

    public AuditIngestion ingestion() {
        return new AuditIngestion(validator, protector(), chains, rejects.get());
    }

    /** The per-data-subject keys of audit personal data (ADR 0027), in the security table. */
    public SubjectKeyStore subjectKeys() {
        return new SubjectKeyStore(platform.dynamoDb(), platform.config().tables().security(), encryptor.get(),
                platform.random(), platform.clock(), Optional.of(new SubjectFactsErasure(platform.dynamoDb(),
                        chains.table())));
    }

    /** Encrypts personal data before chaining, and reveals it to its data subject. */
    public PersonalDataProtector protector() {
        return new PersonalDataProtector(encryptor.get(), subjectKeys(), platform.random());
    }

    public AuditSubmission submission() {
        return new AuditSubmission(validator, platform.auditPublisher());
    }

    public AuditDigests digests() {
        return new AuditDigests(platform.dynamoDb(), chains, signer.get(), platform.clock());
    }

    public ChainVerifier verifier() {
        return new ChainVerifier(chains, digests());
    }

    /** Asynchronous verification jobs (ADR 0071), in chunks of {@link VerificationJobs#DEFAULT_CHUNK_POSITIONS}. */
    public VerificationJobs verificationJobs() {
        return new VerificationJobs(platform.dynamoDb(), chains.table(), verifier(), platform.clock(),
                platform.random(), VerificationJobs.DEFAULT_CHUNK_POSITIONS);
    }

    /** Where verification jobs are handed to the worker; fails when asked for if this function has none. */
    public VerificationJobQueue verificationQueue() {
        return verificationQueue.get();
    }

    public ComplianceReporter complianceReporter() {
        return new ComplianceReporter(platform.dynamoDb(), chains.table(), platform.config().tables().identity(),
                platform.config().tables().security(), verifier(), platform.clock());
    }

    public AuditEventQuery query() {
        return new AuditEventQuery(platform.dynamoDb(), chains.table());
    }

    private static <T> Supplier<T> memoize(Supplier<T> supplier) {
        return new Supplier<>() {
            private volatile T value;

            @Override
            public T get() {
                T current = value;
                if (current == null) {
                    synchronized (this) {
                        current = value;
                        if (current == null) {
                            current = Objects.requireNonNull(supplier.get());
                            value = current;
                        }
                    }
                }
                return current;
            }
        };
    }
}
