package io.tollgate.authz;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Who is asking, as far as authorization is concerned. Built only from a
 * {@link VerifiedAccessToken} (or a verified API key), so tenant and organization scope always come
 * from signed claims, never from a request body or header (docs/openapi.yaml).
 */
public record Principal(String userId, String tenant, Optional<String> org, List<String> roles) {

    public Principal {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(org, "org");
        roles = List.copyOf(roles);
    }

    /** The principal a validated access token speaks for. */
    public static Principal of(VerifiedAccessToken token) {
        return new Principal(token.sub(), token.tenant(), token.org(), token.roles());
    }
}
