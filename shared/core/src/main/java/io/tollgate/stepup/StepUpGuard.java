package io.tollgate.stepup;

import io.tollgate.http.ApiRequest;
import io.tollgate.http.ErrorCode;
import io.tollgate.http.ProblemException;
import io.tollgate.settings.SecuritySettings;
import io.tollgate.tenant.Tenant;
import io.tollgate.user.UserAccount;
import io.tollgate.user.UserDirectory;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The check a credential-changing route makes before it acts (ADR 0053): the caller's bearer
 * token must satisfy {@link StepUpPolicy} under its tenant's step-up window, with the user's
 * second factors read now (consistent reads), not as the token remembers them. Otherwise 401
 * {@code step_up_required}; the client calls {@code POST /v1/auth/step-up} and retries.
 */
public final class StepUpGuard {

    private final UserDirectory directory;
    private final Clock clock;
    private final SecuritySettings unknownTenantSettings;

    public StepUpGuard(UserDirectory directory, Clock clock, SecuritySettings unknownTenantSettings) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.unknownTenantSettings = Objects.requireNonNull(unknownTenantSettings, "unknownTenantSettings");
    }

    /**
     * The caller's account as stored now, when {@code caller} may change credentials; throws 401
     * {@code step_up_required} otherwise.
     */
    public UserAccount require(ApiRequest.Principal caller) {
        if (!"bearer".equals(caller.authMethod()) || caller.sessionId() == null) {
            throw required();
        }
        Instant now = clock.instant();
        SecuritySettings settings = directory.tenant(caller.tenantId()).map(Tenant::settings)
                .orElse(unknownTenantSettings);
        Optional<UserAccount> user = directory.findById(caller.tenantId(), caller.userId());
        boolean secondFactor = user.map(u -> !u.mfaMethods().isEmpty()).orElse(true);
        Optional<Instant> authTime = parse(caller.authTime());
        if (user.isEmpty() || StepUpPolicy.refusal(authTime, caller.amr(), secondFactor,
                settings.sessions().stepUpMaxAge(), now).isPresent()) {
            throw required();
        }
        return user.get();
    }

    private static Optional<Instant> parse(String epochSeconds) {
        try {
            return epochSeconds == null ? Optional.empty() : Optional.of(Instant.ofEpochSecond(Long.parseLong(epochSeconds)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static ProblemException required() {
        return new ProblemException(ErrorCode.STEP_UP_REQUIRED,
                "This change needs a recent sign-in: authenticate again with POST /v1/auth/step-up and retry.");
    }
}
