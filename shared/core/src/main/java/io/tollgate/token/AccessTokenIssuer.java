package io.tollgate.token;

import io.jsonwebtoken.Jwts;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Signs access tokens: RS256 JWTs with {@code typ: at+jwt} (RFC 9068) and the {@code kid} of the
 * current signing key, carrying the claims of docs/contract.md §Tokens and keys.
 */
public final class AccessTokenIssuer {

    private final SigningKeyStore keys;
    private final Clock clock;
    private final String issuer;

    public AccessTokenIssuer(SigningKeyStore keys, Clock clock, String issuer) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.issuer = Objects.requireNonNull(issuer, "issuer");
    }

    /** What a token says about its holder. */
    public record Subject(String userId, String tenantId, String organizationId, List<String> roles,
            String sessionId, List<String> amr, Instant authTime, String audience) {
    }

    /** A signed access token for {@code subject} that lives {@code ttl}. */
    public String issue(Subject subject, Duration ttl) {
        SigningKey key = keys.signingKeys().current();
        Instant now = clock.instant();
        return Jwts.builder()
                .header().keyId(key.kid()).type("at+jwt").and()
                .issuer(issuer)
                .subject(subject.userId())
                .audience().single(subject.audience())
                .issuedAt(Date.from(now))
                .notBefore(Date.from(now))
                .expiration(Date.from(now.plus(ttl)))
                .id(UUID.randomUUID().toString())
                .claim("tid", subject.tenantId())
                .claim("org", subject.organizationId())
                .claim("roles", subject.roles())
                .claim("sid", subject.sessionId())
                .claim("amr", subject.amr())
                .claim("auth_time", subject.authTime().getEpochSecond())
                .signWith(key.privateKey().orElseThrow(
                        () -> new IllegalStateException("The current signing key has no private key loaded")),
                        Jwts.SIG.RS256)
                .compact();
    }
}
