package io.tollgate.webauthn;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.yubico.webauthn.AssertionRequest;
import com.yubico.webauthn.AssertionResult;
import com.yubico.webauthn.FinishAssertionOptions;
import com.yubico.webauthn.FinishRegistrationOptions;
import com.yubico.webauthn.RegistrationResult;
import com.yubico.webauthn.RelyingParty;
import com.yubico.webauthn.StartAssertionOptions;
import com.yubico.webauthn.StartRegistrationOptions;
import com.yubico.webauthn.data.AuthenticatorAssertionResponse;
import com.yubico.webauthn.data.AuthenticatorAttestationResponse;
import com.yubico.webauthn.data.AuthenticatorSelectionCriteria;
import com.yubico.webauthn.data.ByteArray;
import com.yubico.webauthn.data.ClientAssertionExtensionOutputs;
import com.yubico.webauthn.data.ClientRegistrationExtensionOutputs;
import com.yubico.webauthn.data.PublicKeyCredential;
import com.yubico.webauthn.data.PublicKeyCredentialCreationOptions;
import com.yubico.webauthn.data.RelyingPartyIdentity;
import com.yubico.webauthn.data.ResidentKeyRequirement;
import com.yubico.webauthn.data.UserIdentity;
import com.yubico.webauthn.data.UserVerificationRequirement;
import com.yubico.webauthn.exception.AssertionFailedException;
import com.yubico.webauthn.exception.RegistrationFailedException;
import io.tollgate.audit.AuditEventType;
import io.tollgate.audit.AuditRecorder;
import io.tollgate.audit.AuditRecorder.Actor;
import io.tollgate.http.ErrorCode;
import io.tollgate.http.ProblemException;
import io.tollgate.http.ProblemException.FieldError;
import io.tollgate.lockout.FailureCounter;
import io.tollgate.lockout.LockoutPolicy;
import io.tollgate.mfa.MfaCompletion;
import io.tollgate.mfa.MfaCredentialRepository;
import io.tollgate.session.SessionIssuer;
import io.tollgate.session.TokenDelivery;
import io.tollgate.settings.SecuritySettings;
import io.tollgate.storage.Attributes;
import io.tollgate.storage.ItemUpdate;
import io.tollgate.storage.Keys;
import io.tollgate.storage.TableNames;
import io.tollgate.storage.UserWrites;
import io.tollgate.tenant.Tenant;
import io.tollgate.user.UserAccount;
import io.tollgate.user.UserDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * WebAuthn (W3C Web Authentication Level 2, FIDO2) for Tollgate (ADR 0040, 0041): registration
 * of passkeys and security keys by a signed-in user, listing and removal, and the passwordless
 * passkey login. Every attestation and assertion is verified by the Yubico
 * {@code webauthn-server-core} library against the tenant's relying party (RP id and exact
 * origins from {@link SecuritySettings.WebAuthnSettings}); Tollgate keeps the ceremonies
 * (single use, 5 minutes), the credentials and the rules around them:
 * <ul>
 *   <li>a signature counter that does not increase (for an authenticator that counts) is refused
 *       and audited as a possibly cloned authenticator ({@code webauthn_clone_suspected}, HIGH);</li>
 *   <li>a failed passkey assertion naming a real user counts on that user's lockout counter, as a
 *       wrong MFA code does (ADR 0003, 0011), and a locked or disabled account cannot log in;</li>
 *   <li>the passkey login answers the same 401 {@code invalid_credentials} whatever failed; the
 *       reason is only in the {@code webauthn_failed} audit event.</li>
 * </ul>
 */
public final class WebAuthnService {

    /** Longest credential name. */
    public static final int MAX_NAME_LENGTH = 64;
    private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N} ._'()-]{1,64}");
    private static final int MAX_SESSION_ATTEMPTS = 3;
    /** The MFA method name of a WebAuthn credential in {@code mfa_methods} and challenges. */
    public static final String METHOD = "webauthn";

    private final WebAuthnCredentialRepository credentials;
    private final WebAuthnCeremonies ceremonies;
    private final MfaCredentialRepository users;
    private final UserDirectory directory;
    private final SessionIssuer sessions;
    private final FailureCounter counter;
    private final AuditRecorder audit;
    private final TableNames tables;
    private final Clock clock;
    private final SecuritySettings unknownTenantSettings;

    public WebAuthnService(WebAuthnCredentialRepository credentials, WebAuthnCeremonies ceremonies,
            MfaCredentialRepository users, UserDirectory directory, SessionIssuer sessions, FailureCounter counter, AuditRecorder audit,
            TableNames tables, Clock clock, SecuritySettings unknownTenantSettings) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.ceremonies = Objects.requireNonNull(ceremonies, "ceremonies");
        this.users = Objects.requireNonNull(users, "users");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.counter = Objects.requireNonNull(counter, "counter");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.tables = Objects.requireNonNull(tables, "tables");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.unknownTenantSettings = Objects.requireNonNull(unknownTenantSettings, "unknownTenantSettings");
    }

    /** Where a request comes from. */
    public record Origin(String sourceIp, String userAgent) {
    }

    /**
     * Options for the browser's {@code navigator.credentials.create/get}: {@code publicKeyJson} is
     * the library's {@code {"publicKey": {...}}} JSON (base64url byte fields), to be answered with
     * {@code ceremonyId} within {@link WebAuthnCeremonies#LIFETIME}.
     */
    public record CeremonyStart(String ceremonyId, String publicKeyJson) {
        @Override
        public String toString() {
            return "CeremonyStart[<redacted>]";
        }
    }

    // ------------------------------------------------------------------ registration

    /** {@code POST /v1/me/webauthn/registrations}: options to create a credential for the caller. */
    public CeremonyStart startRegistration(String tenantId, String userId, Origin origin) {
        Account account = account(tenantId, userId);
        RelyingParty rp = relyingParty(account.tenant().id(), account.tenant().name(), account.settings());
        PublicKeyCredentialCreationOptions options = rp.startRegistration(StartRegistrationOptions.builder()
                .user(UserIdentity.builder().name(account.user().username()).displayName(account.user().username())
                        .id(WebAuthnCredentialRepository.userHandle(userId)).build())
                .authenticatorSelection(AuthenticatorSelectionCriteria.builder()
                        .residentKey(ResidentKeyRequirement.PREFERRED)
                        .userVerification(UserVerificationRequirement.PREFERRED).build())
                .timeout(WebAuthnCeremonies.LIFETIME.toMillis())
                .build());
        try {
            String id = ceremonies.open(WebAuthnCeremonies.Kind.REGISTRATION, tenantId, Optional.of(userId),
                    options.toJson());
            return new CeremonyStart(id, options.toCredentialsCreateJson());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The library's registration options did not serialise", e);
        }
    }

    /**
     * {@code POST /v1/me/webauthn/registrations/finish}: verifies the authenticator's answer and
     * stores the credential. 400 naming {@code ceremony_id} when the ceremony is unknown, used,
     * expired or not the caller's; 400 naming {@code credential} when the answer does not verify
     * (wrong origin, wrong challenge, bad signature...); 409 when the credential id is taken. An
     * answer that is not a registration response at all is refused before the ceremony is touched.
     */
    public WebAuthnCredential finishRegistration(String tenantId, String userId, String ceremonyId,
            String credentialJson, String name, Origin origin) {
        Actor actor = new Actor(tenantId, userId, null, origin.sourceIp(), origin.userAgent());
        String label = name == null || name.isBlank() ? "Passkey" : name.strip();
        if (!NAME.matcher(label).matches()) {
            throw invalid("name", "invalid", "The name must be 1 to 64 letters, digits, spaces or . _ ' ( ) -.");
        }
        PublicKeyCredential<AuthenticatorAttestationResponse, ClientRegistrationExtensionOutputs> response;
        try {
            response = PublicKeyCredential.parseRegistrationResponseJson(credentialJson);
        } catch (IOException | RuntimeException e) {
            registrationFailed(actor, "malformed_credential");
            throw invalid("credential", "malformed", "The credential is not a WebAuthn registration response.");
        }
        Optional<WebAuthnCeremonies.Ceremony> ceremony = ceremonies.consume(ceremonyId,
                WebAuthnCeremonies.Kind.REGISTRATION)
                .filter(c -> c.tenantId().equals(tenantId) && c.userId().equals(Optional.of(userId)));
        if (ceremony.isEmpty()) {
            registrationFailed(actor, "unknown_ceremony");
            throw invalid("ceremony_id", "unknown", "The ceremony is unknown, used or expired; start again.");
        }
        Account account = account(tenantId, userId);
        RelyingParty rp = relyingParty(tenantId, account.tenant().name(), account.settings());
        RegistrationResult result;
        try {
            result = rp.finishRegistration(FinishRegistrationOptions.builder()
                    .request(PublicKeyCredentialCreationOptions.fromJson(ceremony.get().requestJson()))
                    .response(response).build());
        } catch (RegistrationFailedException | IOException e) {
            registrationFailed(actor, "verification_failed");
            throw invalid("credential", "not_verified", "The authenticator's answer did not verify.");
        }
        Instant now = clock.instant();
        UserAccount user = account.user();
        ItemUpdate userUpdate = UserWrites.activeUser(tables.identity(), tenantId, user.username())
                .name("#waChanged", "webauthn_changed_at").value(":waChanged", Attributes.epochMillis(now))
                .set("#waChanged = :waChanged");
        if (!user.mfaMethods().contains(METHOD)) {
            UserWrites.addMfaMethod(userUpdate, METHOD);
        }
        Optional<WebAuthnCredentialRepository.Refusal> refused = credentials.add(tenantId, userId, result, label, now,
                userUpdate.toTransactItem());
        if (refused.isPresent()) {
            registrationFailed(actor, refused.get() == WebAuthnCredentialRepository.Refusal.TAKEN
                    ? "credential_taken" : "account_changed");
            throw new ProblemException(ErrorCode.CONFLICT, refused.get() == WebAuthnCredentialRepository.Refusal.TAKEN
                    ? "This authenticator is already registered." : "The account changed meanwhile; start again.");
        }
        WebAuthnCredential stored = credentials.find(tenantId, userId, result.getKeyId().getId().getBase64Url())
                .orElseThrow();
        audit.record(AuditEventType.WEBAUTHN_REGISTERED, actor, "webauthn", "register", "success",
                Map.of("credential_id", stored.credentialId(), "aaguid", stored.aaguid(),
                        "discoverable", stored.discoverable(), "user_verified", result.isUserVerified()));
        return stored;
    }

    private void registrationFailed(Actor actor, String reason) {
        audit.record(AuditEventType.WEBAUTHN_REGISTRATION_FAILED, actor, "webauthn", "register", "failure",
                Map.of("reason", reason));
    }

    /** {@code GET /v1/me/webauthn/credentials}. */
    public List<WebAuthnCredential> list(String tenantId, String userId) {
        return credentials.list(tenantId, userId);
    }

    /** {@code GET /v1/me/webauthn/credentials/{id}}: 404 when the caller has no such credential. */
    public WebAuthnCredential get(String tenantId, String userId, String credentialId) {
        return credentials.find(tenantId, userId, credentialId)
                .orElseThrow(() -> new ProblemException(ErrorCode.NOT_FOUND, "No such credential."));
    }

    /**
     * {@code DELETE /v1/me/webauthn/credentials/{id}}: 404 when the caller has no such credential.
     * Removing the last one also removes {@code "webauthn"} from the user's MFA methods.
     */
    public void remove(String tenantId, String userId, String credentialId, Origin origin) {
        List<WebAuthnCredential> owned = credentials.list(tenantId, userId);
        if (owned.stream().noneMatch(c -> c.credentialId().equals(credentialId))) {
            throw new ProblemException(ErrorCode.NOT_FOUND, "No such credential.");
        }
        List<software.amazon.awssdk.services.dynamodb.model.TransactWriteItem> alongWith = new java.util.ArrayList<>();
        if (owned.size() == 1) {
            Optional<UserAccount> user = users.loadById(tenantId, userId).user();
            int index = user.map(u -> u.mfaMethods().indexOf(METHOD)).orElse(-1);
            if (index >= 0) {
                alongWith.add(UserWrites.removeMfaMethod(ItemUpdate.of(tables.identity(),
                        Keys.user(tenantId, user.get().username())), index, METHOD).toTransactItem());
            }
        }
        if (!credentials.remove(tenantId, userId, credentialId, alongWith)) {
            throw new ProblemException(ErrorCode.CONFLICT, "The credentials changed meanwhile; try again.");
        }
        audit.record(AuditEventType.WEBAUTHN_REMOVED, new Actor(tenantId, userId, null, origin.sourceIp(),
                origin.userAgent()), "webauthn", "remove", "success", Map.of("credential_id", credentialId));
    }

    // ------------------------------------------------------------------ passwordless login

    /**
     * {@code POST /v1/auth/passkey/options}: an assertion request without allowed credentials
     * (discoverable credentials: the authenticator names the user), user verification required.
     * An unknown tenant gets options too (with the default relying party), so the answer does
     * not tell tenants apart; its verification always fails.
     */
    public CeremonyStart startPasskeyLogin(String tenantId) {
        Optional<Tenant> tenant = directory.tenant(tenantId).filter(t -> t.status() == Tenant.Status.ACTIVE);
        SecuritySettings settings = tenant.map(Tenant::settings).orElse(unknownTenantSettings);
        RelyingParty rp = relyingParty(tenantId, tenant.map(Tenant::name).orElse("Tollgate"), settings);
        AssertionRequest request = rp.startAssertion(StartAssertionOptions.builder()
                .userVerification(UserVerificationRequirement.REQUIRED)
                .timeout(WebAuthnCeremonies.LIFETIME.toMillis()).build());
        try {
            String id = ceremonies.open(WebAuthnCeremonies.Kind.PASSKEY_LOGIN, tenantId, Optional.empty(),
                    request.toJson());
            return new CeremonyStart(id, request.toCredentialsGetJson());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The library's assertion request did not serialise", e);
        }
    }

    /**
     * {@code POST /v1/auth/passkey/verify}: verifies the assertion and opens a session like a
     * login, with {@code amr} {@code ["hwk","mfa"]} for a device-bound key or {@code ["swk","mfa"]}
     * for a synced (backup-eligible) passkey (RFC 8176; user verification was required).
     */
    public MfaCompletion finishPasskeyLogin(String ceremonyId, String credentialJson, Origin origin) {
        PublicKeyCredential<AuthenticatorAssertionResponse, ClientAssertionExtensionOutputs> response;
        try {
            response = PublicKeyCredential.parseAssertionResponseJson(credentialJson);
        } catch (IOException | RuntimeException e) {
            throw invalid("credential", "malformed", "The credential is not a WebAuthn assertion response.");
        }
        Optional<WebAuthnCeremonies.Ceremony> ceremony = ceremonies.consume(ceremonyId,
                WebAuthnCeremonies.Kind.PASSKEY_LOGIN);
        if (ceremony.isEmpty()) {
            throw refuse(new Actor(Keys.UNKNOWN_TENANT, null, null, origin.sourceIp(), origin.userAgent()),
                    "unknown_ceremony", Map.of());
        }
        String tenantId = ceremony.get().tenantId();
        Actor anonymous = new Actor(tenantId, null, null, origin.sourceIp(), origin.userAgent());
        Optional<ByteArray> handle = response.getResponse().getUserHandle();
        if (handle.isEmpty() || handle.get().size() > 64) {
            throw refuse(anonymous, "no_user_handle", Map.of());
        }
        String userId = new String(handle.get().getBytes(), StandardCharsets.UTF_8);
        MfaCredentialRepository.Snapshot snapshot = users.loadById(tenantId, userId);
        Actor actor = new Actor(tenantId, snapshot.user().isPresent() ? userId : null, null, origin.sourceIp(),
                origin.userAgent());
        SecuritySettings settings = snapshot.tenant().map(Tenant::settings).orElse(unknownTenantSettings);
        UserAccount user = usableUser(snapshot, settings, actor);
        String credentialId = response.getId().getBase64Url();
        Optional<WebAuthnCredential> credential = credentials.find(tenantId, userId, credentialId);
        if (credential.isEmpty()) {
            throw wrongAnswer(user, settings, actor, "unknown_credential", Map.of());
        }
        RelyingParty rp = relyingParty(tenantId, snapshot.tenant().get().name(), settings);
        AssertionResult result;
        try {
            result = rp.finishAssertion(FinishAssertionOptions.builder()
                    .request(AssertionRequest.fromJson(ceremony.get().requestJson())).response(response).build());
        } catch (AssertionFailedException | IOException e) {
            throw wrongAnswer(user, settings, actor, "assertion_failed", Map.of("credential_id", credentialId));
        }
        if (!result.isSuccess() || !result.isUserVerified()) {
            throw wrongAnswer(user, settings, actor, "assertion_failed", Map.of("credential_id", credentialId));
        }
        if (!result.isSignatureCounterValid()) {
            cloneSuspected(actor, credential.get(), result.getSignatureCount());
            throw wrongAnswer(user, settings, actor, "sign_count_regression", Map.of("credential_id", credentialId));
        }
        List<String> amr = List.of(result.isBackupEligible() ? "swk" : "hwk", "mfa");
        SessionIssuer.OpenedSession opened = openSession(snapshot, user, settings, amr, credential.get(),
                result.getSignatureCount(), actor, origin);
        opened.evicted().forEach(old -> audit.record(AuditEventType.SESSION_EVICTED, actor, "session", "evict",
                "revoked", Map.of("session_id", old, "max_sessions", settings.sessions().maxConcurrent())));
        audit.record(AuditEventType.LOGIN_SUCCESS, actor, "auth", "login", "success",
                Map.of("amr", amr, "method", "passkey", "credential_id", credentialId));
        String audience = settings.tokens().defaultAudience();
        return new MfaCompletion(opened.tokens(), TokenDelivery.forAudience(audience),
                settings.sessions().absoluteLifetime(), amr, List.of());
    }

    private SessionIssuer.OpenedSession openSession(MfaCredentialRepository.Snapshot snapshot, UserAccount first,
            SecuritySettings settings, List<String> amr, WebAuthnCredential credential, long signCount, Actor actor,
            Origin origin) {
        UserAccount user = first;
        String audience = settings.tokens().defaultAudience();
        for (int attempt = 1; ; attempt++) {
            Instant now = clock.instant();
            ItemUpdate update = UserWrites.secondFactorAccepted(tables.identity(), user.tenantId(), user.username(), now);
            try {
                return sessions.open(new SessionIssuer.SessionRequest(user, amr, now, audience,
                        TokenDelivery.forAudience(audience), origin.sourceIp(), origin.userAgent()), settings, update,
                        List.of(credentials.recordUse(credential, signCount, now)));
            } catch (TransactionCanceledException cancelled) {
                List<CancellationReason> reasons = cancelled.hasCancellationReasons()
                        ? cancelled.cancellationReasons() : List.of();
                if (!reasons.isEmpty() && "ConditionalCheckFailed".equals(reasons.get(0).code())) {
                    // Another assertion with this counter value won the race: one of them is a clone.
                    cloneSuspected(actor, credential, signCount);
                    throw wrongAnswer(user, settings, actor, "sign_count_regression",
                            Map.of("credential_id", credential.credentialId()));
                }
                if (attempt >= MAX_SESSION_ATTEMPTS) {
                    throw cancelled;
                }
                user = usableUser(users.loadById(user.tenantId(), user.userId()), settings, actor);
            }
        }
    }

    private void cloneSuspected(Actor actor, WebAuthnCredential credential, long received) {
        audit.record(AuditEventType.WEBAUTHN_CLONE_SUSPECTED, actor, "webauthn", "assert", "refused",
                Map.of("credential_id", credential.credentialId(), "stored_sign_count", credential.signCount(),
                        "received_sign_count", received, "aaguid", credential.aaguid()));
    }

    // ------------------------------------------------------------------ second factor (MFA step of a login)

    /** An assertion request for the second step: the JSON to keep with the MFA challenge and the browser's options. */
    public record SecondFactorOptions(String requestJson, String publicKeyJson) {
    }

    /**
     * Options for the MFA step ({@code POST /v1/auth/mfa/webauthn}): allowed credentials are the
     * user's own; empty when the user has none.
     */
    public Optional<SecondFactorOptions> secondFactorOptions(Tenant tenant, UserAccount user) {
        if (credentials.list(tenant.id(), user.userId()).isEmpty()) {
            return Optional.empty();
        }
        AssertionRequest request = relyingParty(tenant.id(), tenant.name(), tenant.settings())
                .startAssertion(StartAssertionOptions.builder().username(user.username())
                        .userVerification(UserVerificationRequirement.DISCOURAGED)
                        .timeout(WebAuthnCeremonies.LIFETIME.toMillis()).build());
        try {
            return Optional.of(new SecondFactorOptions(request.toJson(), request.toCredentialsGetJson()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The library's assertion request did not serialise", e);
        }
    }

    /** The outcome of a second-factor assertion. */
    public sealed interface SecondFactor {
        /** Verified: {@code write} records the use (counter, conditional) in the login's transaction. */
        record Verified(software.amazon.awssdk.services.dynamodb.model.TransactWriteItem write, String amr,
                String credentialId) implements SecondFactor {
        }

        /** Not verified, for {@code reason} (audit only). */
        record Failed(String reason) implements SecondFactor {
        }
    }

    /**
     * Verifies a second-factor assertion against the request kept with the MFA challenge. A
     * counter regression is audited as a possible clone and fails. The caller counts the failure
     * on the challenge and the lockout, and consumes the challenge with {@link SecondFactor.Verified#write()}.
     */
    public SecondFactor verifySecondFactor(Tenant tenant, UserAccount user, String requestJson, String credentialJson,
            Actor actor) {
        PublicKeyCredential<AuthenticatorAssertionResponse, ClientAssertionExtensionOutputs> response;
        try {
            response = PublicKeyCredential.parseAssertionResponseJson(credentialJson);
        } catch (IOException | RuntimeException e) {
            return new SecondFactor.Failed("malformed_credential");
        }
        String credentialId = response.getId().getBase64Url();
        Optional<WebAuthnCredential> credential = credentials.find(tenant.id(), user.userId(), credentialId);
        if (credential.isEmpty()) {
            return new SecondFactor.Failed("unknown_credential");
        }
        AssertionResult result;
        boolean verificationRequired;
        try {
            AssertionRequest request = AssertionRequest.fromJson(requestJson);
            verificationRequired = request.getPublicKeyCredentialRequestOptions().getUserVerification()
                    .filter(UserVerificationRequirement.REQUIRED::equals).isPresent();
            result = relyingParty(tenant.id(), tenant.name(), tenant.settings()).finishAssertion(
                    FinishAssertionOptions.builder().request(request).response(response).build());
        } catch (AssertionFailedException | IOException e) {
            return new SecondFactor.Failed("assertion_failed");
        }
        if (!result.isSuccess() || !user.username().equals(result.getUsername())) {
            return new SecondFactor.Failed("assertion_failed");
        }
        if (verificationRequired && !result.isUserVerified()) {
            return new SecondFactor.Failed("user_not_verified");
        }
        if (!result.isSignatureCounterValid()) {
            cloneSuspected(actor, credential.get(), result.getSignatureCount());
            return new SecondFactor.Failed("sign_count_regression");
        }
        return new SecondFactor.Verified(credentials.recordUse(credential.get(), result.getSignatureCount(),
                clock.instant()), result.isBackupEligible() ? "swk" : "hwk", credentialId);
    }

    // ------------------------------------------------------------------ step-up (ADR 0053)

    /**
     * {@code POST /v1/auth/step-up/passkey/options}: an assertion request for a signed-in caller
     * re-proving itself, allowing only the caller's own credentials, user verification required
     * (the passkey then stands for possession plus PIN/biometric, like a passwordless login), kept
     * as a single-use ceremony bound to the caller's user and session. 409 when the caller has no
     * passkey; 403 when the account is not active.
     */
    public CeremonyStart startStepUp(String tenantId, String userId, String sessionId) {
        Account account = account(tenantId, userId);
        if (credentials.list(tenantId, userId).isEmpty()) {
            throw new ProblemException(ErrorCode.CONFLICT, "No passkey is registered for this account.");
        }
        AssertionRequest request = relyingParty(tenantId, account.tenant().name(), account.settings())
                .startAssertion(StartAssertionOptions.builder().username(account.user().username())
                        .userVerification(UserVerificationRequirement.REQUIRED)
                        .timeout(WebAuthnCeremonies.LIFETIME.toMillis()).build());
        try {
            String id = ceremonies.open(WebAuthnCeremonies.Kind.STEP_UP, tenantId, Optional.of(userId),
                    Optional.of(sessionId), request.toJson());
            return new CeremonyStart(id, request.toCredentialsGetJson());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The library's assertion request did not serialise", e);
        }
    }

    /**
     * Verifies a step-up assertion: consumes the ceremony (single use, 5 minutes; unknown, used,
     * expired or bound to another user or session fails as {@code unknown_ceremony}), then checks the
     * assertion like a second factor ({@link #verifySecondFactor}: the caller's own credential, user
     * verification as required, counter regression audited as a possible clone). The caller counts
     * a failure on the lockout and commits {@link SecondFactor.Verified#write()}.
     */
    public SecondFactor verifyStepUp(Tenant tenant, UserAccount user, String sessionId, String ceremonyId,
            String credentialJson, Actor actor) {
        Optional<WebAuthnCeremonies.Ceremony> ceremony = ceremonies.consume(ceremonyId,
                WebAuthnCeremonies.Kind.STEP_UP)
                .filter(c -> c.tenantId().equals(tenant.id()) && c.userId().equals(Optional.of(user.userId()))
                        && c.sessionId().equals(Optional.of(sessionId)));
        if (ceremony.isEmpty()) {
            return new SecondFactor.Failed("unknown_ceremony");
        }
        return verifySecondFactor(tenant, user, ceremony.get().requestJson(), credentialJson, actor);
    }

    // ------------------------------------------------------------------ shared steps

    private record Account(Tenant tenant, UserAccount user, SecuritySettings settings) {
    }

    /** The caller's tenant and user for the {@code /v1/me} routes (an active user of an active tenant). */
    private Account account(String tenantId, String userId) {
        MfaCredentialRepository.Snapshot snapshot = users.loadById(tenantId, userId);
        if (snapshot.tenant().isEmpty() || snapshot.tenant().get().status() != Tenant.Status.ACTIVE
                || snapshot.user().isEmpty() || !snapshot.user().get().active()) {
            throw new ProblemException(ErrorCode.FORBIDDEN, "The account cannot register authenticators.");
        }
        return new Account(snapshot.tenant().get(), snapshot.user().get(), snapshot.tenant().get().settings());
    }

    private UserAccount usableUser(MfaCredentialRepository.Snapshot snapshot, SecuritySettings settings, Actor actor) {
        Optional<String> refusal = snapshot.refusal(settings, clock.instant());
        if (refusal.isPresent()) {
            throw refuse(actor, refusal.get(), Map.of());
        }
        return snapshot.user().get();
    }

    /** A relying party for one tenant, over this store scoped to that tenant. */
    RelyingParty relyingParty(String tenantId, String tenantName, SecuritySettings settings) {
        SecuritySettings.WebAuthnSettings webauthn = settings.webauthn();
        return RelyingParty.builder()
                .identity(RelyingPartyIdentity.builder().id(webauthn.rpId()).name(tenantName).build())
                .credentialRepository(credentials.forTenant(tenantId))
                .origins(new LinkedHashSet<>(webauthn.origins()))
                // Counter regressions are checked by the service, to audit them as possible clones.
                .validateSignatureCounter(false)
                .clock(clock)
                .build();
    }

    /** A failed assertion naming a real user: counts on the lockout like a wrong MFA code (ADR 0011). */
    private ProblemException wrongAnswer(UserAccount user, SecuritySettings settings, Actor actor, String reason,
            Map<String, Object> details) {
        Instant now = clock.instant();
        LockoutPolicy policy = new LockoutPolicy(settings.lockout());
        FailureCounter.Target target = new FailureCounter.Target(tables.identity(),
                Keys.user(user.tenantId(), user.username()), true, Optional.empty());
        FailureCounter.Counted counted = counter.countAndLock(target, user.failures(), policy, now);
        if (counted.lockedNow()) {
            audit.record(AuditEventType.ACCOUNT_LOCKED, actor, "user", "lock", "locked",
                    Map.of("failures", counted.count().getAsLong(), "window_seconds",
                            settings.lockout().window().toSeconds(),
                            "locked_seconds", settings.lockout().duration().toSeconds(), "step", "passkey"));
        }
        return refuse(actor, reason, details);
    }

    private ProblemException refuse(Actor actor, String reason, Map<String, Object> details) {
        Map<String, Object> data = new HashMap<>(details);
        data.put("reason", reason);
        data.put("method", "passkey");
        audit.record(AuditEventType.WEBAUTHN_FAILED, actor, "auth", "passkey_login", "failure", data);
        return new ProblemException(ErrorCode.INVALID_CREDENTIALS, "The sign-in failed.");
    }

    private static ProblemException invalid(String field, String code, String message) {
        return ProblemException.invalid(ErrorCode.VALIDATION_FAILED, "The request is not valid.",
                List.of(new FieldError(field, code, message)));
    }
}
