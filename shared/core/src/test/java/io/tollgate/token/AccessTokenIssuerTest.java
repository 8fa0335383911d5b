package io.tollgate.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jsonwebtoken.Jwts;
import io.tollgate.testing.TestClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccessTokenIssuerTest {

    @Test
    void issueWhenSubjectThenRs256AtJwtWithEverySpecClaim() {
        TestClock clock = new TestClock(Instant.now());
        LocalSigningKeyStore keys = LocalSigningKeyStore.inMemory(clock, new SecureRandom());
        AccessTokenIssuer issuer = new AccessTokenIssuer(keys, clock, "https://issuer.test");
        Instant authTime = clock.instant().minusSeconds(5);
        String token = issuer.issue(new AccessTokenIssuer.Subject("u-1", "acme", "risk", List.of("tenant_admin"),
                "s-1", List.of("pwd"), authTime, "api-users"), Duration.ofMinutes(15));

        var jws = Jwts.parser().verifyWith(keys.signingKeys().current().publicKey()).build().parseSignedClaims(token);
        assertEquals("RS256", jws.getHeader().getAlgorithm());
        assertEquals("at+jwt", jws.getHeader().getType());
        assertEquals(keys.signingKeys().current().kid(), jws.getHeader().getKeyId());
        var claims = jws.getPayload();
        assertEquals("https://issuer.test", claims.getIssuer());
        assertEquals("u-1", claims.getSubject());
        assertTrue(claims.getAudience().contains("api-users"));
        assertEquals(900, claims.getExpiration().toInstant().getEpochSecond() - claims.getIssuedAt().toInstant().getEpochSecond());
        assertEquals(claims.getIssuedAt(), claims.getNotBefore());
        assertEquals("acme", claims.get("tid"));
        assertEquals("risk", claims.get("org"));
        assertEquals(List.of("tenant_admin"), claims.get("roles"));
        assertEquals("s-1", claims.get("sid"));
        assertEquals(List.of("pwd"), claims.get("amr"));
        assertEquals(authTime.getEpochSecond(), ((Number) claims.get("auth_time")).longValue());
        assertTrue(claims.getId() != null && !claims.getId().isEmpty());
    }
}
