package io.tollgate.authz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.authz.TokenRejectedException.Reason;
import io.tollgate.authz.testing.TestAccessTokens;
import io.tollgate.authz.testing.TestAccessTokens.Signer;
import io.tollgate.http.ErrorCode;
import io.tollgate.testing.TestClock;
import io.tollgate.token.AccessTokenIssuer;
import io.tollgate.token.LocalSigningKeyStore;
import io.tollgate.token.OpaqueTokens;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AccessTokenValidatorTest {

    private final TestClock clock = TestClock.at("2025-06-01T12:00:00Z");
    private final TestAccessTokens tokens = TestAccessTokens.at(clock);
    private final AccessTokenValidator validator = tokens.validator();

    private void assertRejected(Reason reason, String token) {
        TokenRejectedException e = assertThrows(TokenRejectedException.class, () -> validator.validate(token));
        assertEquals(reason, e.reason());
    }

    // --- accepted tokens ---------------------------------------------------------------------

    @Test
    void validateWhenValidThenEveryClaimMapped() {
        VerifiedAccessToken token = validator.validate(tokens.valid().build());
        Instant now = clock.instant();
        assertEquals("u-alice", token.sub());
        assertEquals("acme", token.tenant());
        assertEquals(Optional.of("risk"), token.org());
        assertEquals(List.of("org_admin"), token.roles());
        assertEquals("s-1", token.sid());
        assertEquals(List.of("pwd", "otp"), token.amr());
        assertEquals(Optional.of(now.minusSeconds(5)), token.authTime());
        assertEquals("api-users", token.audience());
        assertEquals(now, token.issuedAt());
        assertEquals(now.plus(Duration.ofMinutes(15)), token.expiresAt());
        assertEquals("8e0f3c1a-2b4d-4e6f-8a9b-0c1d2e3f4a5b", token.jti());
        assertEquals(tokens.key().kid(), token.kid());
    }

    @Test
    void validateWhenIssuedByAccessTokenIssuerThenAccepted() {
        LocalSigningKeyStore store = LocalSigningKeyStore.inMemory(clock, new SecureRandom());
        AccessTokenIssuer issuer = new AccessTokenIssuer(store, clock, TestAccessTokens.ISSUER);
        String jwt = issuer.issue(new AccessTokenIssuer.Subject("u-1", "acme", "risk", List.of("tenant_admin"), "s-9",
                List.of("pwd"), clock.instant(), "admin-panel"), Duration.ofMinutes(15));
        AccessTokenValidator production = new AccessTokenValidator(VerificationKeys.of(store.signingKeys()), clock,
                AccessTokenValidator.Settings.defaults(TestAccessTokens.ISSUER, Set.of("api-users", "admin-panel")));

        VerifiedAccessToken token = production.validate(jwt);

        assertEquals("u-1", token.sub());
        assertEquals("admin-panel", token.audience());
        assertEquals(List.of("tenant_admin"), token.roles());
        assertEquals(store.signingKeys().current().kid(), token.kid());
    }

    @Test
    void validateWhenNoOrgNoAmrNoAuthTimeThenEmptyValues() {
        VerifiedAccessToken token = validator.validate(tokens.valid().withoutClaim("org").withoutClaim("amr")
                .withoutClaim("auth_time").build());
        assertEquals(Optional.empty(), token.org());
        assertEquals(List.of(), token.amr());
        assertEquals(Optional.empty(), token.authTime());
    }

    @Test
    void validateWhenTypIsApplicationAtJwtThenAccepted() {
        assertEquals("u-alice", validator.validate(tokens.valid().header("typ", "application/at+jwt").build()).sub());
    }

    @Test
    void validateWhenExpiredWithinSkewThenAccepted() {
        String token = tokens.valid().build();
        clock.advance(Duration.ofMinutes(15).plusSeconds(59));
        assertEquals("u-alice", validator.validate(token).sub());
    }

    @Test
    void validateWhenNbfInFutureWithinSkewThenAccepted() {
        long now = clock.instant().getEpochSecond();
        assertEquals("u-alice", validator.validate(tokens.valid().claim("nbf", now + 60).claim("iat", now + 60).build()).sub());
    }

    // --- size and structure --------------------------------------------------------------------

    @Test
    void validateWhenOver8KibThenRejected() {
        String token = tokens.valid().claim("filler", "x".repeat(6200)).build();
        assertTrue(token.length() > 8192, "fixture must exceed 8 KiB");
        assertRejected(Reason.OVERSIZED_OR_EMPTY, token);
    }

    @Test
    void validateWhenJustUnder8KibThenAccepted() {
        String token = tokens.valid().claim("filler", "x".repeat(5500)).build();
        assertTrue(token.length() <= 8192 && token.length() > 7900, "fixture must be close to 8 KiB: " + token.length());
        assertEquals("u-alice", validator.validate(token).sub());
    }

    @Test
    void validateWhenNullOrEmptyThenRejected() {
        assertRejected(Reason.OVERSIZED_OR_EMPTY, null);
        assertRejected(Reason.OVERSIZED_OR_EMPTY, "");
    }

    @Test
    void validateWhenOpaqueRefreshTokenThenRejected() {
        assertRejected(Reason.NOT_A_COMPACT_JWS, new OpaqueTokens(new SecureRandom()).generate());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a.b", "a.b.c.d", ".b.c", "a..c", "..", "a.b.c.", "a.b.c.d.e"})
    void validateWhenNotThreeSegmentsThenRejected(String token) {
        assertRejected(Reason.NOT_A_COMPACT_JWS, token);
    }

    // --- base64url and JSON ------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"eyJ!bGci", "eyJhbGci=", "eyJh+Gci", "eyJh/Gci", "eyJ hbGc", "e"})
    void validateWhenHeaderNotBase64UrlThenRejected(String segment) {
        assertRejected(Reason.MALFORMED_BASE64, tokens.valid().rawHeaderSegment(segment).build());
    }

    @Test
    void validateWhenPayloadNotBase64UrlThenRejected() {
        assertRejected(Reason.MALFORMED_BASE64, tokens.valid().rawPayloadSegment("eyJzdWIiOiJ1In0=").build());
        assertRejected(Reason.MALFORMED_BASE64, tokens.valid().rawPayloadSegment("eyJz$WIiOiJ1In0").build());
    }

    @Test
    void validateWhenSignatureNotBase64UrlThenRejected() {
        String token = tokens.valid().build();
        assertRejected(Reason.MALFORMED_BASE64, token + "=");
        assertRejected(Reason.MALFORMED_BASE64, token.substring(0, token.length() - 1) + "+");
    }

    @Test
    void validateWhenNonCanonicalBase64TrailingBitsThenRejected() {
        // "e30" is "{}"; "e31" decodes to the same bytes with a non-zero unused bit.
        String token = tokens.valid().build();
        int lastDot = token.lastIndexOf('.');
        String signature = token.substring(lastDot + 1);
        // 256-byte signature = 342 chars + 2 unused bits; set one of them.
        char last = signature.charAt(signature.length() - 1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char tampered = alphabet.charAt(alphabet.indexOf(last) | 1);
        if (tampered == last) {
            tampered = alphabet.charAt(alphabet.indexOf(last) ^ 2);
        }
        assertRejected(Reason.MALFORMED_BASE64, token.substring(0, token.length() - 1) + tampered);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{not json", "[]", "\"alg\"", "{\"alg\":\"RS256\"} {}", "{\"alg\":\"RS256\",}", "",
            "{'alg':'RS256'}", "{\"alg\":\"RS256\" /* c */}"})
    void validateWhenHeaderNotJsonObjectThenRejected(String json) {
        String token = json.isEmpty() ? "." + tokens.valid().build().split("\\.", 2)[1]
                : tokens.valid().rawHeader(json).build();
        assertRejected(json.isEmpty() ? Reason.NOT_A_COMPACT_JWS : Reason.MALFORMED_JSON, token);
    }

    @Test
    void validateWhenHeaderNotUtf8ThenRejected() {
        String segment = TestAccessTokens.b64(new byte[] {'{', '"', 'a', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'});
        assertRejected(Reason.MALFORMED_JSON, tokens.valid().rawHeaderSegment(segment).build());
    }

    @Test
    void validateWhenPayloadNotJsonObjectThenRejected() {
        assertRejected(Reason.MALFORMED_JSON, tokens.valid().rawPayload("{\"sub\":").build());
        assertRejected(Reason.MALFORMED_JSON, tokens.valid().rawPayload("[1,2]").build());
        assertRejected(Reason.MALFORMED_JSON, tokens.valid().rawPayload("{\"sub\":\"u\"}x").build());
    }

    @Test
    void validateWhenHeaderHasDuplicateKeyThenRejected() {
        String kid = tokens.key().kid();
        assertRejected(Reason.DUPLICATE_JSON_KEY, tokens.valid()
                .rawHeader("{\"alg\":\"RS256\",\"kid\":\"" + kid + "\",\"typ\":\"at+jwt\",\"alg\":\"none\"}").build());
        assertRejected(Reason.DUPLICATE_JSON_KEY, tokens.valid()
                .rawHeader("{\"alg\":\"RS256\",\"kid\":\"" + kid + "\",\"typ\":\"at+jwt\",\"kid\":\"" + kid + "\"}").build());
    }

    @Test
    void validateWhenPayloadHasDuplicateKeyThenRejected() {
        long now = clock.instant().getEpochSecond();
        String claims = "{\"iss\":\"" + TestAccessTokens.ISSUER + "\",\"aud\":\"api-users\",\"sub\":\"u-alice\","
                + "\"iat\":" + now + ",\"exp\":" + (now + 900) + ",\"jti\":\"j\",\"tid\":\"acme\",\"sid\":\"s\","
                + "\"roles\":[\"user\"]";
        assertEquals("u-alice", validator.validate(tokens.valid().rawPayload(claims + "}").build()).sub(),
                "the hand-written claims must be valid without the duplicate");
        assertRejected(Reason.DUPLICATE_JSON_KEY, tokens.valid().rawPayload(claims + ",\"sub\":\"u-admin\"}").build());
        assertRejected(Reason.DUPLICATE_JSON_KEY, tokens.valid().rawPayload(claims + ",\"tid\":\"globex\"}").build());
        assertRejected(Reason.DUPLICATE_JSON_KEY,
                tokens.valid().rawPayload(claims + ",\"ext\":{\"a\":1,\"a\":2}}").build());
    }

    // --- algorithm -----------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"none", "None", "NONE", "nOnE"})
    void validateWhenAlgNoneThenRejected(String alg) {
        assertRejected(Reason.ALG_NONE, tokens.valid().header("alg", alg).signer(Signer.NONE).build());
        assertRejected(Reason.ALG_NONE, tokens.valid().header("alg", alg).build());
    }

    @Test
    void validateWhenHs256SignedWithPublicKeyThenRejected() {
        assertRejected(Reason.ALG_NOT_ALLOWED, tokens.valid().header("alg", "HS256").signer(Signer.HS256_PUBLIC_KEY).build());
    }

    @Test
    void validateWhenHs384SignedWithPublicKeyThenRejected() {
        assertRejected(Reason.ALG_NOT_ALLOWED, tokens.valid().header("alg", "HS384").signer(Signer.HS384_PUBLIC_KEY).build());
    }

    @Test
    void validateWhenRs512ThenRejected() {
        assertRejected(Reason.ALG_NOT_ALLOWED, tokens.valid().header("alg", "RS512").signer(Signer.RS512).build());
    }

    @Test
    void validateWhenPs256ThenRejected() {
        assertRejected(Reason.ALG_NOT_ALLOWED, tokens.valid().header("alg", "PS256").signer(Signer.PS256).build());
    }

    @Test
    void validateWhenAlgClaimsRs256ButSignatureIsPs256ThenRejected() {
        assertRejected(Reason.SIGNATURE_INVALID, tokens.valid().signer(Signer.PS256).build());
    }

    @Test
    void validateWhenAlgDiffersOnlyInCaseThenRejected() {
        assertRejected(Reason.ALG_NOT_ALLOWED, tokens.valid().header("alg", "rs256").build());
    }

    @Test
    void validateWhenAlgMissingOrNotStringThenRejected() {
        assertRejected(Reason.ALG_MISSING, tokens.valid().withoutHeader("alg").build());
        assertRejected(Reason.ALG_MISSING, tokens.valid().header("alg", 256).build());
    }

    // --- kid and key-reference headers ------------------------------------------------------------------

    @Test
    void validateWhenKidUnknownThenRejected() {
        assertRejected(Reason.KID_UNKNOWN, tokens.valid().header("kid", "not-a-published-kid").build());
        assertRejected(Reason.KID_UNKNOWN, tokens.valid().header("kid", tokens.otherKey().kid())
                .signedWith(tokens.otherKey()).build());
    }

    @Test
    void validateWhenKidMissingThenRejected() {
        assertRejected(Reason.KID_MISSING, tokens.valid().withoutHeader("kid").build());
        assertRejected(Reason.KID_MISSING, tokens.valid().header("kid", "").build());
        assertRejected(Reason.KID_MISSING, tokens.valid().header("kid", 7).build());
    }

    @ParameterizedTest
    @ValueSource(strings = {"jku", "jwk", "x5u", "x5c", "x5t", "x5t#S256"})
    void validateWhenKeyReferenceHeaderThenRejected(String name) {
        Object value = name.equals("jwk") ? Map.of("kty", "RSA", "n", "AQAB", "e", "AQAB")
                : name.equals("x5c") ? List.of("MIIB") : "https://attacker.example/keys";
        assertRejected(Reason.KEY_REFERENCE_HEADER, tokens.valid().header(name, value).build());
    }

    @Test
    void validateWhenCritHeaderThenRejected() {
        assertRejected(Reason.CRIT_HEADER, tokens.valid().header("crit", List.of("exp")).header("exp", 1).build());
        assertRejected(Reason.CRIT_HEADER, tokens.valid().header("crit", List.of()).build());
    }

    @ParameterizedTest
    @ValueSource(strings = {"zip", "b64", "cty", "enc", "x-custom"})
    void validateWhenUnexpectedHeaderThenRejected(String name) {
        assertRejected(Reason.UNEXPECTED_HEADER, tokens.valid().header(name, "DEF").build());
    }

    // --- typ ---------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"JWT", "jwt", "at+jwt+x", "application/jwt", "secevent+jwt", ""})
    void validateWhenTypNotAtJwtThenRejected(String typ) {
        assertRejected(Reason.TYPE_INVALID, tokens.valid().header("typ", typ).build());
    }

    @Test
    void validateWhenTypMissingThenRejected() {
        assertRejected(Reason.TYPE_INVALID, tokens.valid().withoutHeader("typ").build());
    }

    // --- signature -----------------------------------------------------------------------------------------

    @Test
    void validateWhenSignatureBitFlippedThenRejected() {
        String token = tokens.valid().build();
        int lastDot = token.lastIndexOf('.');
        char c = token.charAt(lastDot + 10);
        String tampered = token.substring(0, lastDot + 10) + (c == 'A' ? 'B' : 'A') + token.substring(lastDot + 11);
        assertRejected(Reason.SIGNATURE_INVALID, tampered);
    }

    @Test
    void validateWhenSignedByAnotherKeyThenRejected() {
        assertRejected(Reason.SIGNATURE_INVALID, tokens.valid().signedWith(tokens.otherKey()).build());
    }

    @Test
    void validateWhenPayloadChangedAfterSigningThenRejected() {
        String original = tokens.valid().build();
        String forged = tokens.valid().claim("roles", List.of("super_admin")).build();
        String[] o = original.split("\\.");
        String[] f = forged.split("\\.");
        assertRejected(Reason.SIGNATURE_INVALID, o[0] + "." + f[1] + "." + o[2]);
    }

    @Test
    void validateWhenSignatureEmptyOrTruncatedThenRejected() {
        String token = tokens.valid().build();
        int lastDot = token.lastIndexOf('.');
        assertRejected(Reason.SIGNATURE_INVALID, token.substring(0, lastDot + 1));
        assertRejected(Reason.SIGNATURE_INVALID, token.substring(0, token.length() - 6));
        assertRejected(Reason.SIGNATURE_INVALID, tokens.valid().rawSignature(TestAccessTokens.b64(new byte[256])).build());
    }

    // --- registered claims -----------------------------------------------------------------------------------

    @Test
    void validateWhenIssuerWrongOrMissingThenRejected() {
        assertRejected(Reason.ISSUER_INVALID, tokens.valid().claim("iss", "https://evil.test").build());
        assertRejected(Reason.ISSUER_INVALID, tokens.valid().claim("iss", TestAccessTokens.ISSUER + "/").build());
        assertRejected(Reason.ISSUER_INVALID, tokens.valid().withoutClaim("iss").build());
    }

    @Test
    void validateWhenAudienceWrongThenRejected() {
        assertRejected(Reason.AUDIENCE_INVALID, tokens.valid().claim("aud", "billing-api").build());
        assertRejected(Reason.AUDIENCE_INVALID, tokens.valid().claim("aud", "API-USERS").build());
    }

    @Test
    void validateWhenAudienceMissingOrNotStringThenRejected() {
        assertRejected(Reason.AUDIENCE_INVALID, tokens.valid().withoutClaim("aud").build());
        assertRejected(Reason.AUDIENCE_INVALID, tokens.valid().claim("aud", List.of("billing-api", "api-users")).build());
        assertRejected(Reason.AUDIENCE_INVALID, tokens.valid().claim("aud", 1).build());
    }

    @Test
    void validateWhenExpiredThenRejected() {
        String token = tokens.valid().build();
        clock.advance(Duration.ofMinutes(16));
        assertRejected(Reason.EXPIRED, token);
    }

    @Test
    void validateWhenExpiredExactlyAtSkewBoundaryThenRejected() {
        String token = tokens.valid().build();
        clock.advance(Duration.ofMinutes(15).plusSeconds(60));
        assertRejected(Reason.EXPIRED, token);
    }

    @Test
    void validateWhenNbfBeyondSkewThenRejected() {
        long now = clock.instant().getEpochSecond();
        assertRejected(Reason.NOT_YET_VALID, tokens.valid().claim("nbf", now + 61).build());
    }

    @Test
    void validateWhenIatBeyondSkewThenRejected() {
        long now = clock.instant().getEpochSecond();
        assertRejected(Reason.ISSUED_IN_FUTURE, tokens.valid().claim("iat", now + 61).build());
    }

    @Test
    void validateWhenExpMissingThenRejected() {
        assertRejected(Reason.CLAIM_MISSING, tokens.valid().withoutClaim("exp").build());
    }

    @Test
    void validateWhenTimeClaimNotIntegerThenRejected() {
        long exp = clock.instant().getEpochSecond() + 900;
        assertRejected(Reason.CLAIM_INVALID, tokens.valid().claim("exp", String.valueOf(exp)).build());
        assertRejected(Reason.CLAIM_INVALID, tokens.valid().claim("exp", exp + 0.5).build());
        assertRejected(Reason.CLAIM_INVALID, tokens.valid().claim("exp", new java.math.BigInteger("99999999999999999999999")).build());
        assertRejected(Reason.CLAIM_INVALID, tokens.valid().claim("nbf", true).build());
        assertRejected(Reason.CLAIM_INVALID, tokens.valid().claim("auth_time", "yesterday").build());
    }

    // --- Tollgate claims -------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"sub", "tid", "sid", "roles", "jti", "iat"})
    void validateWhenRequiredClaimMissingThenRejected(String claim) {
        assertRejected(Reason.CLAIM_MISSING, tokens.valid().withoutClaim(claim).build());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sub", "tid", "sid", "jti", "org"})
    void validateWhenStringClaimEmptyOrWrongTypeThenRejected(String claim) {
        assertRejected(Reason.CLAIM_INVALID, tokens.valid().claim(claim, "").build());
        assertRejected(Reason.CLAIM_INVALID, tokens.valid().claim(claim, " ").build());
        assertRejected(Reason.CLAIM_INVALID, tokens.valid().claim(claim, "u-alice\n").build());
        assertRejected(Reason.CLAIM_INVALID, tokens.valid().claim(claim, "\u00a0u-alice").build());
        assertRejected(Reason.CLAIM_INVALID, tokens.valid().claim(claim, 42).build());
        assertRejected(Reason.CLAIM_INVALID, tokens.valid().claim(claim, List.of("a")).build());
    }

    @Test
    void validateWhenRolesNotArrayOfStringsThenRejected() {
        assertRejected(Reason.CLAIM_INVALID, tokens.valid().claim("roles", "super_admin").build());
        assertRejected(Reason.CLAIM_INVALID, tokens.valid().claim("roles", List.of("user", 1)).build());
        assertRejected(Reason.CLAIM_INVALID, tokens.valid().claim("roles", List.of(List.of("super_admin"))).build());
        assertRejected(Reason.CLAIM_INVALID, tokens.valid().claim("amr", "pwd").build());
    }

    @Test
    void validateWhenNullClaimThenRejected() {
        assertRejected(Reason.CLAIM_INVALID, tokens.valid().rawPayload(new String(tokenPayloadWith("\"org\":null"),
                StandardCharsets.UTF_8)).build());
    }

    private byte[] tokenPayloadWith(String member) {
        long now = clock.instant().getEpochSecond();
        return ("{\"iss\":\"" + TestAccessTokens.ISSUER + "\",\"aud\":\"api-users\",\"sub\":\"u\",\"iat\":" + now
                + ",\"exp\":" + (now + 900) + ",\"jti\":\"j\",\"tid\":\"acme\",\"sid\":\"s\",\"roles\":[]," + member + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    // --- what leaves the validator ------------------------------------------------------------------------------

    @Test
    void validateWhenRejectedThenMessageIsReasonOnlyAndProblemIsTokenInvalid() {
        String token = tokens.valid().claim("iss", "https://evil.test").build();
        TokenRejectedException e = assertThrows(TokenRejectedException.class, () -> validator.validate(token));
        assertEquals("ISSUER_INVALID", e.getMessage());
        assertFalse(e.getMessage().contains("evil"));
        assertEquals(0, e.getStackTrace().length);
        assertEquals(ErrorCode.TOKEN_INVALID, e.toProblem().errorCode());
        assertEquals(new TokenRejectedException(Reason.EXPIRED).toProblem().detail(), e.toProblem().detail());
    }

    @Test
    void settingsWhenOutOfRangeThenRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new AccessTokenValidator.Settings("https://i", Set.of(), Duration.ofSeconds(60), 8192));
        assertThrows(IllegalArgumentException.class,
                () -> new AccessTokenValidator.Settings("https://i", Set.of("a"), Duration.ofMinutes(6), 8192));
        assertThrows(IllegalArgumentException.class,
                () -> new AccessTokenValidator.Settings(" ", Set.of("a"), Duration.ofSeconds(60), 8192));
    }
}
