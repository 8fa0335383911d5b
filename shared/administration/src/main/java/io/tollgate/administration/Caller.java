package io.tollgate.administration;

import io.tollgate.audit.AuditRecorder;
import io.tollgate.authz.Principal;
import java.util.Objects;

/**
 * Who asks for an administrative action: the principal the authorizer verified (tenant, organisation
 * and roles from signed claims or a verified API key, never from a request body) and where the
 * request came from, for the audit trail.
 */
public record Caller(Principal principal, String ipAddress, String userAgent) {

    public Caller {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(ipAddress, "ipAddress");
        Objects.requireNonNull(userAgent, "userAgent");
    }

    /** The audit actor of this caller. */
    public AuditRecorder.Actor actor() {
        return new AuditRecorder.Actor(principal.tenant(), principal.userId(), principal.org().orElse(null), ipAddress,
                userAgent);
    }
}
