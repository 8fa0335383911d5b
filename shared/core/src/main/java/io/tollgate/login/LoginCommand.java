package io.tollgate.login;

import java.util.Objects;
import java.util.Optional;

/** A password login attempt with the network facts the API Gateway saw. */
public record LoginCommand(String tenantId, String username, String password, String sourceIp, String userAgent,
        Optional<String> audience) {

    public LoginCommand {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(sourceIp, "sourceIp");
        Objects.requireNonNull(userAgent, "userAgent");
        Objects.requireNonNull(audience, "audience");
    }

    public LoginCommand(String tenantId, String username, String password, String sourceIp, String userAgent) {
        this(tenantId, username, password, sourceIp, userAgent, Optional.empty());
    }

    @Override
    public String toString() {
        return "LoginCommand[tenantId=" + tenantId + ", sourceIp=" + sourceIp + "]";
    }
}
