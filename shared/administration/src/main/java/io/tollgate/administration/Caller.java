package io.tollgate.administration;

import io.tollgate.audit.AuditRecorder;
import io.tollgate.authz.Principal;
import io.tollgate.http.ApiRequest;
import java.util.Objects;
import java.util.Optional;

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

    /** The caller of an HTTP request: the authorizer's principal (401 without one), with the request's source. */
    public static Caller of(ApiRequest request) {
        ApiRequest.Principal me = request.requirePrincipal();
        return new Caller(new Principal(me.userId(), me.tenantId(), Optional.ofNullable(me.organizationId()), me.roles()),
                request.sourceIp(), request.userAgent());
    }

    /** The audit actor of this caller. */
    public AuditRecorder.Actor actor() {
        return new AuditRecorder.Actor(principal.tenant(), principal.userId(), principal.org().orElse(null), ipAddress,
                userAgent);
    }
}
