package io.tollgate.mfa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.audit.AuditRecorder.Actor;
import io.tollgate.crypto.CiphertextIntegrityException;
import io.tollgate.crypto.EncryptionContext;
import io.tollgate.crypto.EnvelopeEncryptor;
import io.tollgate.crypto.LocalKeyRing;
import io.tollgate.http.ErrorCode;
import io.tollgate.http.ProblemException;
import io.tollgate.login.LoginCommand;
import io.tollgate.login.LoginResult;
import io.tollgate.login.LoginService;
import io.tollgate.login.LoginServices;
import io.tollgate.mail.MailMessage;
import io.tollgate.otp.Base32;
import io.tollgate.otp.TotpVerifier;
import io.tollgate.password.CommonPasswords;
import io.tollgate.platform.TollgateConfig;
import io.tollgate.platform.TollgateServices;
import io.tollgate.storage.Keys;
import io.tollgate.storage.TableNames;
import io.tollgate.tenant.Tenant;
import io.tollgate.testing.RecordingAuditPublisher;
import io.tollgate.testing.TestClock;
import io.tollgate.testing.Testbed;
import io.tollgate.testing.TestSettings;
import io.tollgate.token.LocalSigningKeyStore;
import io.tollgate.user.UserDirectory;
import io.tollgate.user.UserProvisioning;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The MFA services against DynamoDB Local: every rule that can race is a conditional write, and
 * these tests race them (TOTP steps, backup-code slots, attempts, e-mail sends), plus the
 * lockout interplay with the password step and the envelope encryption of stored secrets.
 */
class MfaVerificationServiceIT {

    private static final String PASSWORD = "Velvet-Orbit-Quarry-82";
    private static final MfaVerificationService.Origin ORIGIN = new MfaVerificationService.Origin("198.51.100.9", "it");
    private static DynamoDbClient dynamoDb;
    private static final TableNames TABLES = new TableNames("IdentityTable", "SessionsTable", "SecurityTable");

    private TestClock clock;
    private RecordingAuditPublisher audit;
    private final List<MailMessage> mails = new CopyOnWriteArrayList<>();
    private TollgateServices services;
    private LoginService login;
    private MfaVerificationService mfa;
    private MfaEnrolmentService enrolment;
    private String tenant;
    private String userId;

    @BeforeAll
    static void startDynamoDb() {
        dynamoDb = Testbed.dynamoDb();
    }

    @BeforeEach
    void freshUser() {
        clock = TestClock.startingNow();
        audit = new RecordingAuditPublisher();
        SecureRandom random = new SecureRandom();
        services = TollgateServices.builder()
                .config(new TollgateConfig(TABLES, "https://auth.test", Optional.empty(), Optional.empty()))
                .dynamoDb(dynamoDb).signingKeys(LocalSigningKeyStore.inMemory(clock, random))
                .auditPublisher(audit).clock(clock).random(random).defaultSettings(TestSettings.fastHashing())
                .encryptor(EnvelopeEncryptor.withDefaultCache(LocalKeyRing.inMemory(random), clock, random))
                .mailSender(mails::add)
                .backupCodePepper("pepper-of-at-least-16-bytes".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .emailIndexKey("email-index-key-of-at-least-16-bytes".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .build();
        login = LoginServices.create(services);
        mfa = MfaServices.verification(services);
        enrolment = MfaServices.enrolment(services);
        tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
        UserProvisioning provisioning = new UserProvisioning(services.userDirectory(),
                services.passwordHasher(), CommonPasswords.load(), services.audit(), clock);
        Tenant created = provisioning.createTenant(tenant, "Acme", TestSettings.fastHashing(),
                UserProvisioning.Requester.system(tenant));
        userId = provisioning.createUser(created, new UserProvisioning.NewUserRequest("alice@acme.test",
                "alice@acme.test", PASSWORD, List.of("user"), null), UserProvisioning.Requester.system(tenant));
        audit.clear();
    }

    private Actor me() {
        return new Actor(tenant, userId, null, "198.51.100.9", "it");
    }

    /** Enrols and activates TOTP; returns the secret. The activating code's step is then used. */
    private byte[] enrolled() {
        MfaEnrolmentService.TotpEnrolment started = enrolment.enrol(me());
        byte[] secret = Base32.decode(started.secret());
        enrolment.activate(me(), new TotpVerifier(clock).codeAt(secret, clock.instant()));
        clock.advance(Duration.ofSeconds(30));
        return secret;
    }

    private String challenge() {
        LoginResult result = login.login(new LoginCommand(tenant, "alice@acme.test", PASSWORD, "198.51.100.9", "it"));
        return assertInstanceOf(LoginResult.MfaRequired.class, result).mfaToken();
    }

    private static <T> List<Optional<T>> race(int parallel, java.util.function.IntFunction<Supplier<T>> work)
            throws Exception {
        CountDownLatch ready = new CountDownLatch(parallel);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Optional<T>>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(parallel)) {
            for (int i = 0; i < parallel; i++) {
                Supplier<T> task = work.apply(i);
                futures.add(pool.submit((Callable<Optional<T>>) () -> {
                    ready.countDown();
                    go.await();
                    try {
                        return Optional.of(task.get());
                    } catch (ProblemException refused) {
                        assertEquals(ErrorCode.MFA_INVALID, refused.errorCode());
                        return Optional.empty();
                    }
                }));
            }
            ready.await();
            go.countDown();
            List<Optional<T>> results = new ArrayList<>();
            for (Future<Optional<T>> future : futures) {
                results.add(future.get());
            }
            return results;
        }
    }

    @Test
    void verifyWhenOneTotpCodeAnsweredOnSixChallengesAtOnceThenOneSessionOnly() throws Exception {
        byte[] secret = enrolled();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            tokens.add(challenge());
        }
        String code = new TotpVerifier(clock).codeAt(secret, clock.instant());
        List<Optional<MfaCompletion>> results = race(6, i -> () -> mfa.verify(tokens.get(i), code, ORIGIN));
        assertEquals(1, results.stream().filter(Optional::isPresent).count(), "a time step works once per user");
    }

    @Test
    void verifyWhenTotpSecretWrittenUnderTheTenantOnlyContextThenAcceptedAndReEncryptedForTheUser() {
        byte[] secret = enrolled();
        var key = io.tollgate.storage.Keys.mfaTotp(tenant, userId);
        io.tollgate.crypto.EncryptionContext legacy = new io.tollgate.crypto.EncryptionContext(tenant, "totp");
        io.tollgate.crypto.EncryptionContext bound = new io.tollgate.crypto.EncryptionContext(tenant, "totp", userId);
        String current = dynamoDb.getItem(r -> r.tableName(TABLES.identity()).key(key).consistentRead(true))
                .item().get("secret_ciphertext").s();
        assertArrayEquals(secret, services.encryptor().decrypt(java.util.Base64.getDecoder().decode(current), bound),
                "a new enrolment is bound to the user");
        // A secret stored before the context named the user.
        String old = java.util.Base64.getEncoder().encodeToString(services.encryptor().encrypt(secret, legacy));
        dynamoDb.updateItem(r -> r.tableName(TABLES.identity()).key(key).updateExpression("SET secret_ciphertext = :ct")
                .expressionAttributeValues(java.util.Map.of(":ct", io.tollgate.storage.Attributes.s(old))));

        mfa.verify(challenge(), new TotpVerifier(clock).codeAt(secret, clock.instant()), ORIGIN);

        String rewritten = dynamoDb.getItem(r -> r.tableName(TABLES.identity()).key(key).consistentRead(true))
                .item().get("secret_ciphertext").s();
        assertNotEquals(old, rewritten, "re-encrypted with the write that used the step");
        assertArrayEquals(secret, services.encryptor().decrypt(java.util.Base64.getDecoder().decode(rewritten), bound));
        assertThrows(io.tollgate.crypto.CiphertextIntegrityException.class, () -> services.encryptor().decrypt(
                java.util.Base64.getDecoder().decode(rewritten), legacy));
    }

    @Test
    void useTotpStepWhenSameOrOlderStepThenConditionalWriteRefuses() {
        enrolled();
        MfaCredentialRepository repository = new MfaCredentialRepository(dynamoDb, TABLES, services.encryptor());
        long step = new TotpVerifier(clock).stepAt(clock.instant());
        TotpCredential totp = repository.loadById(tenant, userId).totp().orElseThrow();
        repository.commit(List.of(repository.useTotpStep(totp, step, clock.instant(), Optional.empty())));
        assertThrows(TransactionCanceledException.class,
                () -> repository.commit(List.of(repository.useTotpStep(totp, step, clock.instant(), Optional.empty()))));
        assertThrows(TransactionCanceledException.class,
                () -> repository.commit(List.of(repository.useTotpStep(totp, step - 1, clock.instant(), Optional.empty()))));
        repository.commit(List.of(repository.useTotpStep(totp, step + 1, clock.instant(), Optional.empty())));
    }

    @Test
    void verifyWhenOneBackupCodeAnsweredOnSixChallengesAtOnceThenUsedOnce() throws Exception {
        enrolled();
        List<String> codes = enrolment.regenerateBackupCodes(me()).codes();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            tokens.add(challenge());
        }
        List<Optional<MfaCompletion>> results = race(6, i -> () -> mfa.verify(tokens.get(i), codes.get(0), ORIGIN));
        assertEquals(1, results.stream().filter(Optional::isPresent).count());
        Map<String, AttributeValue> stored = dynamoDb.getItem(r -> r.tableName("IdentityTable")
                .key(Keys.mfaBackupCodes(tenant, userId)).consistentRead(true)).item();
        assertEquals("", stored.get("hashes").l().get(0).s(), "the slot is consumed");
        assertEquals(9, stored.get("hashes").l().stream().filter(h -> !h.s().isEmpty()).count());
    }

    @Test
    void countAttemptWhenTwentyAnswersAtOnceThenOnlyFiveCounted() throws Exception {
        enrolled();
        String token = challenge();
        MfaChallenges challenges = new MfaChallenges(dynamoDb, TABLES,
                new io.tollgate.token.OpaqueTokens(new SecureRandom()), clock);
        MfaChallenge challenge = challenges.find(token).orElseThrow();
        List<Optional<Integer>> counted = race(20, i -> () -> {
            var attempt = challenges.countAttempt(challenge);
            if (attempt.isEmpty()) {
                throw MfaVerificationService.invalid();
            }
            return attempt.getAsInt();
        });
        assertEquals(5, counted.stream().filter(Optional::isPresent).count());
        assertEquals(5, challenges.find(token).orElseThrow().attempts());
    }

    @Test
    void sendEmailCodeWhenTenAtOnceThenThreeSentAndTheRestRefused() throws Exception {
        enrolled();
        String token = challenge();
        List<Optional<Boolean>> sent = race(10, i -> () -> {
            try {
                mfa.sendEmailCode(token, ORIGIN);
                return true;
            } catch (ProblemException refused) {
                if (refused.errorCode() == ErrorCode.RATE_LIMITED) {
                    throw MfaVerificationService.invalid();
                }
                throw refused;
            }
        });
        assertEquals(3, sent.stream().filter(Optional::isPresent).count());
        assertEquals(3, mails.size());
        mails.forEach(mail -> assertTrue(!mail.toString().contains(mail.text()), "toString hides the body"));
    }

    @Test
    void loginWhenPasswordCorrectButSecondStepPendingThenMfaFailuresKeepCounting() {
        byte[] secret = enrolled();
        for (int round = 0; round < 2; round++) {
            String token = challenge();
            for (int i = 0; i < (round == 0 ? 3 : 2); i++) {
                assertThrows(ProblemException.class, () -> mfa.verify(token, wrong(secret), ORIGIN));
            }
        }
        assertEquals(1, audit.ofType("account_locked").size());
        ProblemException refused = assertThrows(ProblemException.class, () -> login.login(
                new LoginCommand(tenant, "alice@acme.test", PASSWORD, "198.51.100.9", "it")));
        assertEquals(ErrorCode.INVALID_CREDENTIALS, refused.errorCode());
    }

    @Test
    void verifyWhenCorrectThenFailureWindowReset() {
        byte[] secret = enrolled();
        String token = challenge();
        assertThrows(ProblemException.class, () -> mfa.verify(token, wrong(secret), ORIGIN));
        mfa.verify(token, new TotpVerifier(clock).codeAt(secret, clock.instant()), ORIGIN);
        Map<String, AttributeValue> user = dynamoDb.getItem(r -> r.tableName("IdentityTable")
                .key(Keys.user(tenant, "alice@acme.test")).consistentRead(true)).item();
        assertEquals("0", user.get("fail_count").n());
    }

    @Test
    void storedSecretWhenReadUnderAnotherTenantThenIntegrityFailure() {
        enrolled();
        Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName("IdentityTable")
                .key(Keys.mfaTotp(tenant, userId)).consistentRead(true)).item();
        byte[] ciphertext = Base64.getDecoder().decode(item.get("secret_ciphertext").s());
        EnvelopeEncryptor encryptor = services.encryptor();
        assertEquals(20, encryptor.decrypt(ciphertext, new EncryptionContext(tenant, "totp", userId)).length);
        assertThrows(CiphertextIntegrityException.class,
                () -> encryptor.decrypt(ciphertext, new EncryptionContext("other-tenant", "totp", userId)));
        assertThrows(CiphertextIntegrityException.class,
                () -> encryptor.decrypt(ciphertext, new EncryptionContext(tenant, "totp", "another-user")),
                "bound to its user: a copy onto another user's credential does not decrypt");
        assertThrows(CiphertextIntegrityException.class,
                () -> encryptor.decrypt(ciphertext, new EncryptionContext(tenant, "totp")));
        assertThrows(CiphertextIntegrityException.class,
                () -> encryptor.decrypt(ciphertext, new EncryptionContext(tenant, "email")));
    }

    @Test
    void enrolWhenTotpActiveThenConflictAndActiveSecretKept() {
        enrolled();
        String before = dynamoDb.getItem(r -> r.tableName("IdentityTable").key(Keys.mfaTotp(tenant, userId))
                .consistentRead(true)).item().get("secret_ciphertext").s();
        ProblemException conflict = assertThrows(ProblemException.class, () -> enrolment.enrol(me()));
        assertEquals(ErrorCode.CONFLICT, conflict.errorCode());
        assertEquals(before, dynamoDb.getItem(r -> r.tableName("IdentityTable").key(Keys.mfaTotp(tenant, userId))
                .consistentRead(true)).item().get("secret_ciphertext").s());
    }

    @Test
    void activateWhenPendingEnrolmentExpiredThenConflict() {
        MfaEnrolmentService.TotpEnrolment started = enrolment.enrol(me());
        clock.advance(MfaEnrolmentService.PENDING_LIFETIME);
        String code = new TotpVerifier(clock).codeAt(Base32.decode(started.secret()), clock.instant());
        ProblemException conflict = assertThrows(ProblemException.class, () -> enrolment.activate(me(), code));
        assertEquals(ErrorCode.CONFLICT, conflict.errorCode());
    }

    @Test
    void verifyWhenAccountLockedAfterChallengeThenRefusedAndChallengeDiscarded() {
        byte[] secret = enrolled();
        String token = challenge();
        dynamoDb.updateItem(r -> r.tableName("IdentityTable").key(Keys.user(tenant, "alice@acme.test"))
                .updateExpression("SET locked_until = :t")
                .expressionAttributeValues(Map.of(":t", AttributeValue.fromN(
                        Long.toString(clock.instant().plus(Duration.ofMinutes(30)).toEpochMilli())))));
        String code = new TotpVerifier(clock).codeAt(secret, clock.instant());
        assertThrows(ProblemException.class, () -> mfa.verify(token, code, ORIGIN));
        assertEquals("account_locked", audit.ofType("mfa_failed").getLast().additionalData().get("reason"));
        assertTrue(dynamoDb.getItem(r -> r.tableName("SecurityTable")
                .key(Keys.mfaChallenge(io.tollgate.token.OpaqueTokens.hash(token)))).item().isEmpty());
    }

    private String wrong(byte[] secret) {
        TotpVerifier verifier = new TotpVerifier(clock);
        List<String> valid = List.of(verifier.codeAt(secret, clock.instant().minusSeconds(30)),
                verifier.codeAt(secret, clock.instant()), verifier.codeAt(secret, clock.instant().plusSeconds(30)));
        for (int candidate = 0; ; candidate++) {
            String code = String.format("%06d", candidate);
            if (!valid.contains(code)) {
                return code;
            }
        }
    }
}
