package io.tollgate.stepup;

import io.tollgate.audit.AuditRecorder.Actor;
import io.tollgate.http.ErrorCode;
import io.tollgate.http.ProblemException;
import io.tollgate.mfa.MfaCredentialRepository;
import io.tollgate.platform.TollgateServices;
import io.tollgate.session.TokenPair;
import io.tollgate.settings.SecuritySettings;
import io.tollgate.tenant.Tenant;
import io.tollgate.user.UserAccount;
import io.tollgate.webauthn.WebAuthnService;
import io.tollgate.webauthn.WebAuthnService.CeremonyStart;
import io.tollgate.webauthn.WebAuthnService.SecondFactor;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Step-up with a passkey (ADR 0053): a signed-in caller answers a WebAuthn assertion challenge
 * bound to its own session, with one of its own credentials and user verification, instead of
 * the password and code of {@link StepUpService}. A verified assertion gives a fresh access token
 * of the same session with {@code auth_time} now and {@code amr} {@code ["hwk","mfa"]} or
 * {@code ["swk","mfa"]}, as a passwordless login does (ADR 0041).
 *
 * <ul>
 *   <li>Every failed assertion (unknown, used or foreign ceremony, a credential that is not the
 *       caller's, bad signature or origin, no user verification, counter regression) counts toward
 *       the account lockout like a wrong password, and is audited {@code step_up_failed} with
 *       {@code method: passkey}; the answer is always 401 {@code invalid_credentials}.</li>
 *   <li>A locked, disabled or vanished account is refused the same way, without counting.</li>
 *   <li>The credential's new signature counter is written conditionally in the transaction that
 *       checks the session, so two assertions with one counter value cannot both succeed (the loser
 *       is audited as a possible clone, ADR 0040).</li>
 * </ul>
 */
public final class PasskeyStepUp {

    private static final Map<String, Object> PASSKEY = Map.of("method", "passkey");

    private final MfaCredentialRepository users;
    private final WebAuthnService webauthn;
    private final StepUpCompletion completion;
    private final Clock clock;
    private final SecuritySettings unknownTenantSettings;

    public PasskeyStepUp(MfaCredentialRepository users, WebAuthnService webauthn, StepUpCompletion completion,
            Clock clock, SecuritySettings unknownTenantSettings) {
        this.users = Objects.requireNonNull(users, "users");
        this.webauthn = Objects.requireNonNull(webauthn, "webauthn");
        this.completion = Objects.requireNonNull(completion, "completion");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.unknownTenantSettings = Objects.requireNonNull(unknownTenantSettings, "unknownTenantSettings");
    }

    /** The passkey step-up of a container (webauthn function). */
    public static PasskeyStepUp create(TollgateServices services, WebAuthnService webauthn) {
        return new PasskeyStepUp(new MfaCredentialRepository(services.dynamoDb(), services.config().tables(),
                services.encryptor()), webauthn, StepUpCompletion.create(services), services.clock(),
                services.defaultSettings());
    }

    /** {@code POST /v1/auth/step-up/passkey/options}: a challenge for the caller's own session. */
    public CeremonyStart options(Actor caller, String sessionId) {
        return webauthn.startStepUp(caller.tenantId(), caller.userId(), sessionId);
    }

    /**
     * {@code POST /v1/auth/step-up/passkey/verify}: verifies the assertion and returns a fresh
     * access token of session {@code sessionId}.
     *
     * @throws ProblemException 401 invalid_credentials (any failure), 401 token_invalid (session no
     *     longer active)
     */
    public TokenPair stepUp(Actor caller, String sessionId, String ceremonyId, String credentialJson) {
        Instant now = clock.instant();
        MfaCredentialRepository.Snapshot snapshot = users.loadById(caller.tenantId(), caller.userId());
        SecuritySettings settings = snapshot.tenant().map(Tenant::settings).orElse(unknownTenantSettings);
        Optional<UserAccount> found = snapshot.user();
        Optional<String> refusal = snapshot.refusal(settings, now);
        if (refusal.isPresent()) {
            throw completion.fail(refusal.get(), false, found, settings, caller, now, ErrorCode.INVALID_CREDENTIALS,
                    PASSKEY);
        }
        UserAccount user = found.get();
        SecondFactor outcome = webauthn.verifyStepUp(snapshot.tenant().get(), user, sessionId, ceremonyId,
                credentialJson, caller);
        return switch (outcome) {
            case SecondFactor.Failed failed -> throw completion.fail(failed.reason(), true, found, settings, caller,
                    now, ErrorCode.INVALID_CREDENTIALS, PASSKEY);
            case SecondFactor.Verified verified -> completion.complete(user, settings, caller, sessionId,
                    List.of(verified.write()), List.of(verified.amr(), "mfa"), now,
                    () -> completion.fail("sign_count_regression", true, found, settings, caller, now,
                            ErrorCode.INVALID_CREDENTIALS, Map.of("method", "passkey",
                                    "credential_id", verified.credentialId())));
        };
    }
}
