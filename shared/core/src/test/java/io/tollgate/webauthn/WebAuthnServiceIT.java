package io.tollgate.webauthn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.AuditSeverity;
import io.tollgate.http.ErrorCode;
import io.tollgate.http.ProblemException;
import io.tollgate.login.LoginCommand;
import io.tollgate.login.LoginResult;
import io.tollgate.login.LoginServices;
import io.tollgate.mfa.MfaCompletion;
import io.tollgate.mfa.MfaServices;
import io.tollgate.mfa.MfaVerificationService;
import io.tollgate.testing.SoftwareAuthenticator;
import io.tollgate.testing.Testbed;
import io.tollgate.tenant.Tenant;
import io.tollgate.user.UserAccount;
import io.tollgate.user.UserDirectory;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Registration and passkey login against DynamoDB Local, driven by a software authenticator:
 * every ceremony goes through the Yubico library, and the refusals (wrong origin, replayed
 * challenge, cloned authenticator, deleted credential, locked account, other tenant) are real.
 */
class WebAuthnServiceIT {

    private static final String ORIGIN = "http://localhost:3000";
    private static final WebAuthnService.Origin FROM = new WebAuthnService.Origin("198.51.100.7", "it");
    private static final MfaVerificationService.Origin MFA_FROM = new MfaVerificationService.Origin("198.51.100.7", "it");

    private Testbed testbed;
    private WebAuthnService webauthn;
    private UserAccount alice;

    @BeforeEach
    void setUp() {
        testbed = new Testbed();
        webauthn = WebAuthnServices.webauthn(testbed.services);
        alice = testbed.newTenant();
    }

    private SoftwareAuthenticator registered(SoftwareAuthenticator authenticator) {
        WebAuthnService.CeremonyStart start = webauthn.startRegistration(alice.tenantId(), alice.userId(), FROM);
        webauthn.finishRegistration(alice.tenantId(), alice.userId(), start.ceremonyId(),
                authenticator.register(start.publicKeyJson(), ORIGIN), "Desk key", FROM);
        return authenticator;
    }

    private MfaCompletion passkeyLogin(SoftwareAuthenticator authenticator, String origin) {
        WebAuthnService.CeremonyStart start = webauthn.startPasskeyLogin(alice.tenantId());
        return webauthn.finishPasskeyLogin(start.ceremonyId(), authenticator.authenticate(start.publicKeyJson(), origin),
                FROM);
    }

    private long failures() {
        return new UserDirectory(Testbed.dynamoDb(), Testbed.TABLES).findByUsername(alice.tenantId(), alice.username())
                .orElseThrow().failures().count();
    }

    @Test
    void registerWhenAnswerVerifiesThenCredentialIsListedAndAudited() {
        SoftwareAuthenticator key = registered(SoftwareAuthenticator.securityKey());

        List<WebAuthnCredential> listed = webauthn.list(alice.tenantId(), alice.userId());
        assertEquals(1, listed.size());
        assertEquals(key.credentialId(), listed.get(0).credentialId());
        assertEquals("Desk key", listed.get(0).name());
        assertEquals(1, listed.get(0).signCount());
        assertEquals(List.of("usb"), listed.get(0).transports());
        assertEquals(1, testbed.audit.ofType("webauthn_registered").size());
        assertEquals(AuditSeverity.HIGH, testbed.audit.ofType("webauthn_registered").get(0).severity());
    }

    @Test
    void registerWhenOriginIsNotTheTenantsThenRefusedAndNothingStored() {
        WebAuthnService.CeremonyStart start = webauthn.startRegistration(alice.tenantId(), alice.userId(), FROM);
        String answer = SoftwareAuthenticator.securityKey().register(start.publicKeyJson(), "https://evil.example");

        ProblemException refused = assertThrows(ProblemException.class, () -> webauthn.finishRegistration(
                alice.tenantId(), alice.userId(), start.ceremonyId(), answer, "Key", FROM));

        assertEquals(ErrorCode.VALIDATION_FAILED, refused.errorCode());
        assertEquals("credential", refused.errors().get(0).field());
        assertTrue(webauthn.list(alice.tenantId(), alice.userId()).isEmpty());
        assertEquals("verification_failed",
                testbed.audit.ofType("webauthn_registration_failed").get(0).additionalData().get("reason"));
    }

    @Test
    void registerWhenCeremonyIsReplayedThenSecondAnswerRefused() {
        WebAuthnService.CeremonyStart start = webauthn.startRegistration(alice.tenantId(), alice.userId(), FROM);
        webauthn.finishRegistration(alice.tenantId(), alice.userId(), start.ceremonyId(),
                SoftwareAuthenticator.securityKey().register(start.publicKeyJson(), ORIGIN), "One", FROM);

        String second = SoftwareAuthenticator.securityKey().register(start.publicKeyJson(), ORIGIN);
        ProblemException refused = assertThrows(ProblemException.class, () -> webauthn.finishRegistration(
                alice.tenantId(), alice.userId(), start.ceremonyId(), second, "Two", FROM));

        assertEquals("ceremony_id", refused.errors().get(0).field());
        assertEquals(1, webauthn.list(alice.tenantId(), alice.userId()).size());
    }

    @Test
    void registerWhenCredentialIsMalformedThenRefusedNamingItAndCeremonyStillUsable() {
        WebAuthnService.CeremonyStart start = webauthn.startRegistration(alice.tenantId(), alice.userId(), FROM);

        ProblemException refused = assertThrows(ProblemException.class, () -> webauthn.finishRegistration(
                alice.tenantId(), alice.userId(), start.ceremonyId(), "{\"id\":\"AQ\",\"type\":\"public-key\"}", "Key",
                FROM));

        assertEquals("credential", refused.errors().get(0).field());
        webauthn.finishRegistration(alice.tenantId(), alice.userId(), start.ceremonyId(),
                SoftwareAuthenticator.securityKey().register(start.publicKeyJson(), ORIGIN), "Key", FROM);
        assertEquals(1, webauthn.list(alice.tenantId(), alice.userId()).size());
    }

    @Test
    void registerWhenCeremonyIsOlderThanFiveMinutesThenRefused() {
        WebAuthnService.CeremonyStart start = webauthn.startRegistration(alice.tenantId(), alice.userId(), FROM);
        String answer = SoftwareAuthenticator.securityKey().register(start.publicKeyJson(), ORIGIN);
        testbed.clock.advance(Duration.ofMinutes(5).plusSeconds(1));

        ProblemException refused = assertThrows(ProblemException.class, () -> webauthn.finishRegistration(
                alice.tenantId(), alice.userId(), start.ceremonyId(), answer, "Key", FROM));

        assertEquals("ceremony_id", refused.errors().get(0).field());
    }

    @Test
    void registerWhenSameAuthenticatorAgainThenConflict() {
        SoftwareAuthenticator key = registered(SoftwareAuthenticator.securityKey());
        WebAuthnService.CeremonyStart start = webauthn.startRegistration(alice.tenantId(), alice.userId(), FROM);
        // The options exclude the registered credential; an authenticator that ignores that is refused.
        assertTrue(start.publicKeyJson().contains(key.credentialId()));
        String again = key.register(start.publicKeyJson(), ORIGIN);

        ProblemException refused = assertThrows(ProblemException.class, () -> webauthn.finishRegistration(
                alice.tenantId(), alice.userId(), start.ceremonyId(), again, "Again", FROM));

        assertTrue(refused.errorCode() == ErrorCode.CONFLICT || refused.errorCode() == ErrorCode.VALIDATION_FAILED);
        assertEquals(1, webauthn.list(alice.tenantId(), alice.userId()).size());
    }

    @Test
    void passkeyLoginWhenAssertionVerifiesThenSessionWithHardwareKeyAmr() {
        SoftwareAuthenticator key = registered(SoftwareAuthenticator.securityKey());

        MfaCompletion completion = passkeyLogin(key, ORIGIN);

        assertEquals(List.of("hwk", "mfa"), completion.amr());
        assertFalse(completion.tokens().accessToken().isEmpty());
        WebAuthnCredential stored = webauthn.get(alice.tenantId(), alice.userId(), key.credentialId());
        assertEquals(2, stored.signCount());
        assertTrue(stored.lastUsedAt().isPresent());
        AuditEvent success = testbed.audit.ofType("login_success").get(0);
        assertEquals("passkey", success.additionalData().get("method"));
    }

    @Test
    void passkeyLoginWhenPasskeyIsSyncedThenSoftwareKeyAmr() {
        SoftwareAuthenticator passkey = registered(SoftwareAuthenticator.syncedPasskey());

        assertEquals(List.of("swk", "mfa"), passkeyLogin(passkey, ORIGIN).amr());
    }

    @Test
    void passkeyLoginWhenOriginIsWrongThenRefusedAndCountedOnLockout() {
        SoftwareAuthenticator key = registered(SoftwareAuthenticator.securityKey());

        ProblemException refused = assertThrows(ProblemException.class, () -> passkeyLogin(key, "https://phish.example"));

        assertEquals(ErrorCode.INVALID_CREDENTIALS, refused.errorCode());
        assertEquals(1, failures());
        AuditEvent failed = testbed.audit.ofType("webauthn_failed").get(0);
        assertEquals("assertion_failed", failed.additionalData().get("reason"));
        assertEquals(AuditSeverity.CRITICAL, failed.severity());
    }

    @Test
    void passkeyLoginWhenCeremonyIsReplayedThenRefused() {
        SoftwareAuthenticator key = registered(SoftwareAuthenticator.securityKey());
        WebAuthnService.CeremonyStart start = webauthn.startPasskeyLogin(alice.tenantId());
        webauthn.finishPasskeyLogin(start.ceremonyId(), key.authenticate(start.publicKeyJson(), ORIGIN), FROM);

        String replay = key.authenticate(start.publicKeyJson(), ORIGIN);
        ProblemException refused = assertThrows(ProblemException.class,
                () -> webauthn.finishPasskeyLogin(start.ceremonyId(), replay, FROM));

        assertEquals(ErrorCode.INVALID_CREDENTIALS, refused.errorCode());
        assertEquals("unknown_ceremony", testbed.audit.ofType("webauthn_failed").get(0).additionalData().get("reason"));
    }

    @Test
    void passkeyLoginWhenAuthenticatorIsClonedThenCounterRegressionRefusedAndAuditedHigh() {
        SoftwareAuthenticator original = registered(SoftwareAuthenticator.securityKey());
        SoftwareAuthenticator clone = original.cloned();
        passkeyLogin(original, ORIGIN);

        ProblemException refused = assertThrows(ProblemException.class, () -> passkeyLogin(clone, ORIGIN));

        assertEquals(ErrorCode.INVALID_CREDENTIALS, refused.errorCode());
        AuditEvent suspicion = testbed.audit.ofType("webauthn_clone_suspected").get(0);
        assertEquals(AuditSeverity.HIGH, suspicion.severity());
        assertEquals(2L, ((Number) suspicion.additionalData().get("stored_sign_count")).longValue());
        assertEquals(2L, ((Number) suspicion.additionalData().get("received_sign_count")).longValue());
        assertEquals(2, webauthn.get(alice.tenantId(), alice.userId(), original.credentialId()).signCount());
        assertEquals(1, failures());
    }

    @Test
    void passkeyLoginWhenCredentialWasDeletedThenRefused() {
        SoftwareAuthenticator key = registered(SoftwareAuthenticator.securityKey());
        webauthn.remove(alice.tenantId(), alice.userId(), key.credentialId(), FROM);

        assertThrows(ProblemException.class, () -> passkeyLogin(key, ORIGIN));
        assertEquals("unknown_credential", testbed.audit.ofType("webauthn_failed").get(0).additionalData().get("reason"));
        assertEquals(1, testbed.audit.ofType("webauthn_removed").size());
        ProblemException again = assertThrows(ProblemException.class,
                () -> webauthn.remove(alice.tenantId(), alice.userId(), key.credentialId(), FROM));
        assertEquals(ErrorCode.NOT_FOUND, again.errorCode());
    }

    @Test
    void passkeyLoginWhenFiveAssertionsFailThenAccountLockedAndGoodAssertionRefused() {
        SoftwareAuthenticator key = registered(SoftwareAuthenticator.securityKey());
        for (int i = 0; i < 5; i++) {
            assertThrows(ProblemException.class, () -> passkeyLogin(key, "https://phish.example"));
        }
        assertEquals(1, testbed.audit.ofType("account_locked").size());

        assertThrows(ProblemException.class, () -> passkeyLogin(key, ORIGIN));
        assertEquals("account_locked", testbed.audit.ofType("webauthn_failed").get(5).additionalData().get("reason"));
    }

    @Test
    void passkeyLoginWhenCeremonyIsAnotherTenantsThenRefused() {
        SoftwareAuthenticator key = registered(SoftwareAuthenticator.securityKey());
        UserAccount bob = testbed.newTenant();
        assertNotEquals(alice.tenantId(), bob.tenantId());
        WebAuthnService.CeremonyStart start = webauthn.startPasskeyLogin(bob.tenantId());

        assertThrows(ProblemException.class, () -> webauthn.finishPasskeyLogin(start.ceremonyId(),
                key.authenticate(start.publicKeyJson(), ORIGIN), FROM));
        assertTrue(testbed.audit.ofType("login_success").isEmpty());
    }

    private String loginExpectingMfa() {
        LoginResult result = LoginServices.create(testbed.services).login(new LoginCommand(alice.tenantId(),
                alice.username(), Testbed.PASSWORD, "198.51.100.7", "it"));
        LoginResult.MfaRequired required = assertInstanceOf(LoginResult.MfaRequired.class, result);
        assertTrue(required.methods().contains("webauthn"), required.methods().toString());
        return required.mfaToken();
    }

    private List<String> mfaMethods() {
        return new UserDirectory(Testbed.dynamoDb(), Testbed.TABLES).findByUsername(alice.tenantId(), alice.username())
                .orElseThrow().mfaMethods();
    }

    @Test
    void secondFactorWhenSecurityKeyAnswersThenSessionWithPasswordAndHardwareKeyAmr() {
        SoftwareAuthenticator key = registered(SoftwareAuthenticator.securityKey());
        assertEquals(List.of("webauthn"), mfaMethods());
        MfaVerificationService mfa = MfaServices.verification(testbed.services);
        String mfaToken = loginExpectingMfa();

        String options = mfa.startWebAuthn(mfaToken, MFA_FROM);
        assertTrue(options.contains(key.credentialId()), "the user's credential is allowed");
        MfaCompletion completion = mfa.verifyWebAuthn(mfaToken, key.authenticate(options, ORIGIN), MFA_FROM);

        assertEquals(List.of("pwd", "hwk"), completion.amr());
        assertEquals(2, webauthn.get(alice.tenantId(), alice.userId(), key.credentialId()).signCount());
        assertEquals("webauthn", testbed.audit.ofType("mfa_verified").get(0).additionalData().get("method"));
        // Single use: the challenge is gone.
        assertThrows(ProblemException.class, () -> mfa.verifyWebAuthn(mfaToken, key.authenticate(options, ORIGIN),
                MFA_FROM));
    }

    @Test
    void secondFactorWhenAuthenticatorIsClonedThenRefusedAuditedAndCounted() {
        SoftwareAuthenticator key = registered(SoftwareAuthenticator.securityKey());
        SoftwareAuthenticator clone = key.cloned();
        MfaVerificationService mfa = MfaServices.verification(testbed.services);
        String first = loginExpectingMfa();
        mfa.verifyWebAuthn(first, key.authenticate(mfa.startWebAuthn(first, MFA_FROM), ORIGIN), MFA_FROM);
        String second = loginExpectingMfa();

        String options = mfa.startWebAuthn(second, MFA_FROM);
        ProblemException refused = assertThrows(ProblemException.class,
                () -> mfa.verifyWebAuthn(second, clone.authenticate(options, ORIGIN), MFA_FROM));

        assertEquals(ErrorCode.MFA_INVALID, refused.errorCode());
        assertEquals(1, testbed.audit.ofType("webauthn_clone_suspected").size());
        assertEquals("sign_count_regression", testbed.audit.ofType("mfa_failed").get(0).additionalData().get("reason"));
        assertEquals(1, failures());
    }

    @Test
    void secondFactorWhenOriginIsWrongThenMfaInvalid() {
        SoftwareAuthenticator key = registered(SoftwareAuthenticator.securityKey());
        MfaVerificationService mfa = MfaServices.verification(testbed.services);
        String mfaToken = loginExpectingMfa();
        String options = mfa.startWebAuthn(mfaToken, MFA_FROM);

        assertThrows(ProblemException.class, () -> mfa.verifyWebAuthn(mfaToken,
                key.authenticate(options, "https://phish.example"), MFA_FROM));
        assertEquals("assertion_failed", testbed.audit.ofType("mfa_failed").get(0).additionalData().get("reason"));
    }

    @Test
    void removeWhenLastCredentialThenWebAuthnNoLongerAnMfaMethod() {
        SoftwareAuthenticator first = registered(SoftwareAuthenticator.securityKey());
        SoftwareAuthenticator second = registered(SoftwareAuthenticator.syncedPasskey());
        assertEquals(List.of("webauthn"), mfaMethods());

        webauthn.remove(alice.tenantId(), alice.userId(), first.credentialId(), FROM);
        assertEquals(List.of("webauthn"), mfaMethods());
        webauthn.remove(alice.tenantId(), alice.userId(), second.credentialId(), FROM);
        assertEquals(List.of(), mfaMethods());
    }

    private static List<Object> race(java.util.concurrent.Callable<Object> first, java.util.concurrent.Callable<Object> second)
            throws Exception {
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(2)) {
            List<java.util.concurrent.Future<Object>> futures = new java.util.ArrayList<>();
            for (var call : List.of(first, second)) {
                futures.add(pool.submit(() -> {
                    go.await();
                    try {
                        return call.call();
                    } catch (ProblemException refused) {
                        return refused;
                    }
                }));
            }
            go.countDown();
            List<Object> outcomes = new java.util.ArrayList<>();
            for (var future : futures) {
                outcomes.add(future.get());
            }
            return outcomes;
        }
    }

    @Test
    void passkeyLoginWhenOneCeremonyAnsweredTwiceConcurrentlyThenExactlyOneSession() throws Exception {
        SoftwareAuthenticator key = registered(SoftwareAuthenticator.securityKey());
        WebAuthnService.CeremonyStart start = webauthn.startPasskeyLogin(alice.tenantId());
        String one = key.authenticate(start.publicKeyJson(), ORIGIN);
        String two = key.authenticate(start.publicKeyJson(), ORIGIN);

        List<Object> outcomes = race(() -> webauthn.finishPasskeyLogin(start.ceremonyId(), one, FROM),
                () -> webauthn.finishPasskeyLogin(start.ceremonyId(), two, FROM));

        assertEquals(1, outcomes.stream().filter(MfaCompletion.class::isInstance).count(), outcomes.toString());
        assertEquals(1, testbed.audit.ofType("login_success").size());
    }

    @Test
    void passkeyLoginWhenOriginalAndCloneRaceWithOneCounterValueThenExactlyOneSession() throws Exception {
        SoftwareAuthenticator original = registered(SoftwareAuthenticator.securityKey());
        SoftwareAuthenticator clone = original.cloned();
        WebAuthnService.CeremonyStart first = webauthn.startPasskeyLogin(alice.tenantId());
        WebAuthnService.CeremonyStart second = webauthn.startPasskeyLogin(alice.tenantId());
        String fromOriginal = original.authenticate(first.publicKeyJson(), ORIGIN);
        String fromClone = clone.authenticate(second.publicKeyJson(), ORIGIN);

        List<Object> outcomes = race(() -> webauthn.finishPasskeyLogin(first.ceremonyId(), fromOriginal, FROM),
                () -> webauthn.finishPasskeyLogin(second.ceremonyId(), fromClone, FROM));

        assertEquals(1, outcomes.stream().filter(MfaCompletion.class::isInstance).count(), outcomes.toString());
        assertEquals(1, testbed.audit.ofType("webauthn_clone_suspected").size());
        assertEquals(2, webauthn.get(alice.tenantId(), alice.userId(), original.credentialId()).signCount());
    }

    @Test
    void removeWhenCredentialIsAnotherUsersThenNotFoundAndKept() {
        SoftwareAuthenticator key = registered(SoftwareAuthenticator.securityKey());

        ProblemException refused = assertThrows(ProblemException.class,
                () -> webauthn.remove(alice.tenantId(), "someone-else", key.credentialId(), FROM));

        assertEquals(ErrorCode.NOT_FOUND, refused.errorCode());
        assertEquals(1, webauthn.list(alice.tenantId(), alice.userId()).size());
    }

    // ------------------------------------------------------------------ step-up (ADR 0053)

    private WebAuthnService.SecondFactor stepUp(String sessionId, WebAuthnService.CeremonyStart start,
            SoftwareAuthenticator authenticator) {
        Tenant tenant = new UserDirectory(Testbed.dynamoDb(), Testbed.TABLES).tenant(alice.tenantId()).orElseThrow();
        return webauthn.verifyStepUp(tenant, alice, sessionId, start.ceremonyId(),
                authenticator.authenticate(start.publicKeyJson(), ORIGIN),
                new io.tollgate.audit.AuditRecorder.Actor(alice.tenantId(), alice.userId(), null, "198.51.100.7", "it"));
    }

    @Test
    void stepUpWhenOwnKeyVerifiesUserThenVerifiedWithCounterWrite() {
        SoftwareAuthenticator key = registered(SoftwareAuthenticator.syncedPasskey());
        WebAuthnService.CeremonyStart start = webauthn.startStepUp(alice.tenantId(), alice.userId(), "session-1");
        assertTrue(start.publicKeyJson().contains("\"userVerification\":\"required\""), start.publicKeyJson());

        WebAuthnService.SecondFactor outcome = stepUp("session-1", start, key);

        WebAuthnService.SecondFactor.Verified verified = assertInstanceOf(WebAuthnService.SecondFactor.Verified.class,
                outcome);
        assertEquals("swk", verified.amr());
        assertEquals(key.credentialId(), verified.credentialId());
    }

    @Test
    void stepUpWhenAuthenticatorDoesNotVerifyUserThenFailed() {
        SoftwareAuthenticator key = registered(SoftwareAuthenticator.securityKey());
        WebAuthnService.CeremonyStart start = webauthn.startStepUp(alice.tenantId(), alice.userId(), "session-1");

        WebAuthnService.SecondFactor outcome = stepUp("session-1", start, key.withoutUserVerification());

        assertInstanceOf(WebAuthnService.SecondFactor.Failed.class, outcome);
    }

    @Test
    void stepUpWhenCeremonyIsAnotherSessionsOrExpiredThenUnknownCeremony() {
        SoftwareAuthenticator key = registered(SoftwareAuthenticator.securityKey());
        WebAuthnService.CeremonyStart other = webauthn.startStepUp(alice.tenantId(), alice.userId(), "session-1");
        assertEquals("unknown_ceremony", assertInstanceOf(WebAuthnService.SecondFactor.Failed.class,
                stepUp("session-2", other, key)).reason());

        WebAuthnService.CeremonyStart old = webauthn.startStepUp(alice.tenantId(), alice.userId(), "session-1");
        testbed.clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        assertEquals("unknown_ceremony", assertInstanceOf(WebAuthnService.SecondFactor.Failed.class,
                stepUp("session-1", old, key)).reason());
    }

    @Test
    void stepUpOptionsWhenUserHasNoCredentialThenConflict() {
        ProblemException refused = assertThrows(ProblemException.class,
                () -> webauthn.startStepUp(alice.tenantId(), alice.userId(), "session-1"));
        assertEquals(ErrorCode.CONFLICT, refused.errorCode());
    }
}
