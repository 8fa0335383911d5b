package io.tollgate.authz;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The claims of an access token that passed every check of {@link AccessTokenValidator}
 * (RFC 9068 §2.2 plus the Tollgate claims of docs/contract.md §Tokens and keys). Only this type, never a raw claims map,
 * reaches authorization, so nothing downstream can read an unverified claim.
 *
 * @param sub      the user id ({@code sub})
 * @param tenant   the tenant id ({@code tid}); tenant scope always comes from here
 * @param org      the organization id ({@code org}), absent for users outside any organization
 * @param roles    the role names ({@code roles})
 * @param sid      the session id ({@code sid}), for revocation checks
 * @param amr      authentication methods (RFC 8176 values), empty if the claim is absent
 * @param authTime when the user authenticated ({@code auth_time}), if present
 * @param audience the single accepted audience the token carried ({@code aud})
 * @param issuedAt {@code iat}
 * @param expiresAt {@code exp}
 * @param jti      the token id ({@code jti})
 * @param kid      the id of the key that verified the signature
 */
public record VerifiedAccessToken(String sub, String tenant, Optional<String> org, List<String> roles, String sid,
        List<String> amr, Optional<Instant> authTime, String audience, Instant issuedAt, Instant expiresAt,
        String jti, String kid) {

    public VerifiedAccessToken {
        Objects.requireNonNull(sub, "sub");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(org, "org");
        roles = List.copyOf(roles);
        Objects.requireNonNull(sid, "sid");
        amr = List.copyOf(amr);
        Objects.requireNonNull(authTime, "authTime");
        Objects.requireNonNull(audience, "audience");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(jti, "jti");
        Objects.requireNonNull(kid, "kid");
    }
}
