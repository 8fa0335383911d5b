package io.tollgate.authz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jsonwebtoken.Claims;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import io.tollgate.authz.TokenRejectedException.Reason;
import io.tollgate.authz.testing.TestAccessTokens;
import io.tollgate.authz.testing.TestAccessTokens.Signer;
import io.tollgate.testing.TestClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Differential test of the strict RS256 path against JJWT 0.13 (the library that signs Tollgate
 * tokens), on valid random tokens, the hostile variants of {@link TestAccessTokens} and random
 * mutations of valid tokens. The contract: everything {@link AccessTokenValidator} accepts, JJWT
 * (same key, issuer, clock and skew) accepts too, with the same claims; where JJWT accepts and the
 * validator refuses, the reason is one of the checks that are stricter by design, never a
 * signature, algorithm, issuer or time check.
 */
class AccessTokenValidatorDifferentialTest {

    /**
     * Checks JJWT does not make (as configured here) or makes more leniently. ALG_NOT_ALLOWED is
     * here because JJWT lets the header pick any algorithm that fits an RSA key (RS512, PS256):
     * exactly the RFC 8725 §3.1 gap the validator closes.
     */
    private static final Set<Reason> STRICTER_BY_DESIGN = EnumSet.of(Reason.ALG_NOT_ALLOWED, Reason.DUPLICATE_JSON_KEY, Reason.UNEXPECTED_HEADER,
            Reason.KEY_REFERENCE_HEADER, Reason.CRIT_HEADER, Reason.TYPE_INVALID, Reason.KID_MISSING, Reason.KID_UNKNOWN,
            Reason.AUDIENCE_INVALID, Reason.CLAIM_MISSING, Reason.CLAIM_INVALID, Reason.ISSUED_IN_FUTURE,
            Reason.MALFORMED_BASE64);

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private static final String NOISE = ALPHABET + ".=+/ \"{}\u00e9\u0000";

    private final TestClock clock = TestClock.at("2025-06-01T12:00:00Z");
    private final TestAccessTokens tokens = TestAccessTokens.at(clock);
    private final AccessTokenValidator validator = tokens.validator();
    private final JwtParser jjwt = Jwts.parser()
            .verifyWith(tokens.key().publicKey())
            .requireIssuer(TestAccessTokens.ISSUER)
            .clock(() -> Date.from(clock.instant()))
            .clockSkewSeconds(60)
            .build();
    private final Random random = new Random(20250601L);
    private final Map<Reason, Integer> stricter = new EnumMap<>(Reason.class);

    @Test
    void validateWhenRandomValidTokensThenBothAcceptWithSameClaims() {
        for (int i = 0; i < 300; i++) {
            TestAccessTokens.Builder builder = tokens.valid()
                    .claim("sub", randomText())
                    .claim("tid", randomText())
                    .claim("org", randomText())
                    .claim("sid", randomText())
                    .claim("jti", randomText())
                    .claim("roles", List.of(randomText(), randomText()))
                    .claim("exp", clock.instant().getEpochSecond() + 1 + random.nextInt(3600))
                    .claim("ext", Map.of("n", random.nextLong(), "s", randomText(), "a", List.of(random.nextBoolean())));
            String token = builder.build();
            assertEquals(Outcome.BOTH_ACCEPT, compare(token), token);
        }
    }

    @Test
    void validateWhenHostileVariantsThenNeverAcceptedWhereJjwtRefuses() {
        List<String> variants = new ArrayList<>();
        for (String alg : List.of("none", "None", "NONE")) {
            variants.add(tokens.valid().header("alg", alg).signer(Signer.NONE).build());
        }
        variants.add(tokens.valid().header("alg", "HS256").signer(Signer.HS256_PUBLIC_KEY).build());
        variants.add(tokens.valid().header("alg", "HS384").signer(Signer.HS384_PUBLIC_KEY).build());
        variants.add(tokens.valid().header("alg", "RS512").signer(Signer.RS512).build());
        variants.add(tokens.valid().header("alg", "PS256").signer(Signer.PS256).build());
        variants.add(tokens.valid().signer(Signer.PS256).build());
        variants.add(tokens.valid().signedWith(tokens.otherKey()).build());
        variants.add(tokens.valid().header("jku", "https://attacker.example/jwks").build());
        variants.add(tokens.valid().header("crit", List.of("exp")).header("exp", 1).build());
        variants.add(tokens.valid().header("zip", "DEF").build());
        variants.add(tokens.valid().header("typ", "JWT").build());
        variants.add(tokens.valid().claim("iss", "https://evil.test").build());
        variants.add(tokens.valid().claim("exp", clock.instant().getEpochSecond() - 61).build());
        variants.add(tokens.valid().claim("nbf", clock.instant().getEpochSecond() + 3600).build());
        variants.add(tokens.valid().withoutClaim("exp").build());
        variants.add(tokens.valid().withoutClaim("sub").build());
        variants.add(tokens.valid().rawPayload("{\"iss\":\"" + TestAccessTokens.ISSUER + "\",\"sub\":\"a\",\"sub\":\"b\"}").build());
        for (String variant : variants) {
            assertTrue(compare(variant) != Outcome.ONLY_VALIDATOR_ACCEPTS, variant);
        }
    }

    @Test
    void validateWhenRandomMutationsThenValidatorNeverMoreLenientThanJjwt() {
        int bothAccept = 0;
        for (int i = 0; i < 3000; i++) {
            String token = mutate(tokens.valid().claim("sub", randomText()).build());
            Outcome outcome = compare(token);
            if (outcome == Outcome.BOTH_ACCEPT) {
                bothAccept++;
            }
        }
        // Some mutations (e.g. inside an unused trailing bit) keep a token valid for JJWT; the
        // corpus must not be so destructive that nothing interesting is compared.
        assertTrue(bothAccept < 3000, "mutations must change something");
        assertTrue(stricter.keySet().stream().allMatch(STRICTER_BY_DESIGN::contains), stricter.toString());
    }

    @Test
    void validateWhenRandomClockThenTimeChecksAgree() {
        for (int i = 0; i < 200; i++) {
            long now = clock.instant().getEpochSecond();
            long offset = random.nextInt(2400) - 1200;
            String token = tokens.valid().claim("iat", now - 120).claim("nbf", now + offset / 2)
                    .claim("exp", now + offset).build();
            long shift = random.nextInt(1200) - 120;
            if (Math.abs(now + offset + 60 - (now + shift)) <= 1 || Math.abs(now + offset / 2 - 60 - (now + shift)) <= 1) {
                continue; // exact skew boundaries differ by design (validator: exp + skew is already expired)
            }
            clock.advance(Duration.ofSeconds(shift));
            Outcome outcome = compare(token);
            assertTrue(outcome == Outcome.BOTH_ACCEPT || outcome == Outcome.BOTH_REJECT,
                    outcome + " offset=" + offset + " shift=" + shift + " " + stricter);
            clock.advance(Duration.ofSeconds(-shift));
        }
    }

    private enum Outcome {
        BOTH_ACCEPT, BOTH_REJECT, ONLY_JJWT_ACCEPTS, ONLY_VALIDATOR_ACCEPTS
    }

    private Outcome compare(String token) {
        VerifiedAccessToken ours = null;
        Reason reason = null;
        try {
            ours = validator.validate(token);
        } catch (TokenRejectedException e) {
            reason = e.reason();
        }
        Claims theirs = null;
        try {
            theirs = jjwt.parseSignedClaims(token).getPayload();
        } catch (JwtException | IllegalArgumentException e) {
            // JJWT refused: both exception families are its documented rejections.
        }
        if (ours != null && theirs == null) {
            fail("validator accepted a token JJWT refuses: " + token);
        }
        if (ours != null) {
            assertEquals(theirs.getSubject(), ours.sub());
            assertEquals(theirs.get("tid"), ours.tenant());
            assertEquals(theirs.get("roles"), ours.roles());
            assertEquals(theirs.getExpiration().toInstant(), ours.expiresAt());
            assertEquals(Set.of(ours.audience()), theirs.getAudience());
            return Outcome.BOTH_ACCEPT;
        }
        if (theirs != null) {
            stricter.merge(reason, 1, Integer::sum);
            assertTrue(STRICTER_BY_DESIGN.contains(reason), "JJWT accepted what the validator refused with " + reason);
            return Outcome.ONLY_JJWT_ACCEPTS;
        }
        return Outcome.BOTH_REJECT;
    }

    private String mutate(String token) {
        StringBuilder text = new StringBuilder(token);
        int position = random.nextInt(text.length());
        switch (random.nextInt(6)) {
            case 0 -> text.setCharAt(position, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            case 1 -> text.setCharAt(position, NOISE.charAt(random.nextInt(NOISE.length())));
            case 2 -> text.deleteCharAt(position);
            case 3 -> text.insert(position, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            case 4 -> text.setLength(position);
            default -> {
                // Flip the unused low bits of the last signature character.
                char last = text.charAt(text.length() - 1);
                text.setCharAt(text.length() - 1, ALPHABET.charAt(ALPHABET.indexOf(last) ^ (1 + random.nextInt(3))));
            }
        }
        return text.toString();
    }

    private String randomText() {
        int length = 1 + random.nextInt(24);
        StringBuilder text = new StringBuilder(length + 2).append((char) ('a' + random.nextInt(26)));
        for (int i = 0; i < length; i++) {
            int kind = random.nextInt(10);
            text.append(kind < 7 ? (char) ('a' + random.nextInt(26))
                    : kind < 8 ? "\"\\/\t\n".charAt(random.nextInt(5))
                    : kind < 9 ? (char) (0x00e0 + random.nextInt(64))
                    : "\ud83d\ude00");
        }
        return text.append((char) ('a' + random.nextInt(26))).toString();
    }
}
