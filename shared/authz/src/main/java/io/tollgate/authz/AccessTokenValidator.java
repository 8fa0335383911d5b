package io.tollgate.authz;

import io.tollgate.authz.TokenRejectedException.Reason;
import io.tollgate.authz.internal.Base64Url;
import io.tollgate.authz.internal.JoseJson;
import io.tollgate.token.SigningKey;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Validates Tollgate access tokens: compact JWS (RFC 7515) JWTs (RFC 7519) in the JWT profile
 * for OAuth 2.0 access tokens (RFC 9068), following the JWT best current practices (RFC 8725).
 *
 * <p>What it enforces, in this order (the first failure wins and names its
 * {@link TokenRejectedException.Reason}):
 * <ol>
 * <li>size ≤ {@link Settings#maxTokenLength()} (8 KiB), exactly three segments;</li>
 * <li>canonical unpadded base64url, a UTF-8 JSON object header without duplicate members;</li>
 * <li>{@code alg} present and not {@code none}; no {@code crit}; no header that lets the token name
 * its own key ({@code jku}, {@code jwk}, {@code x5u}, {@code x5c}, {@code x5t}); no other
 * parameter than {@code alg}, {@code kid}, {@code typ}; {@code typ} is {@code at+jwt};</li>
 * <li>{@code kid} names a published key, and {@code alg} equals <em>that key's</em> algorithm:
 * the algorithm is fixed by the key, never chosen by the header (RFC 8725 §3.1), so HS256 signed
 * with the public key as HMAC secret, RS512 or PS256 are all refused before any crypto;</li>
 * <li>the signature verifies (JDK {@code SHA256withRSA}, signature length = modulus length);</li>
 * <li>only then is the payload parsed: no duplicate members, {@code iss} equal to the
 * configured issuer, {@code aud} one accepted audience (a single string, as Tollgate issues it),
 * {@code exp} / {@code nbf} / {@code iat} against the injected clock with the configured skew
 * (60 s), and the required claims {@code sub}, {@code tid}, {@code sid}, {@code roles},
 * {@code jti} with their types; identifiers must not be blank or padded with whitespace.</li>
 * </ol>
 *
 * <p><b>Why not JJWT here.</b> JJWT is what signs tokens ({@code AccessTokenIssuer}), and was the
 * first choice to verify them. Measured in the same JMH run as a bare JDK RSA verification, JJWT's
 * parse-and-verify reaches about 0.6× (0.55–0.72× over runs) of the bare verification's throughput; the authorizer runs
 * on every request and the goal is ≥ 0.9×. JJWT also accepts duplicate JSON members (last one
 * wins), which RFC 7515 §5.2 asks to reject. This class is therefore a deliberately narrow RS256
 * path: it accepts a strict subset of what JJWT accepts, which {@code AccessTokenValidatorDifferentialTest}
 * checks on random and malformed tokens.
 *
 * <p>Immutable and thread-safe.
 */
public final class AccessTokenValidator {

    private static final Set<String> KEY_REFERENCE_HEADERS = Set.of("jku", "jwk", "x5u", "x5c", "x5t", "x5t#S256");
    /** Year 9999: beyond this a NumericDate is not a plausible time. */
    private static final long MAX_EPOCH_SECOND = 253_402_300_799L;

    private final VerificationKeys keys;
    private final Clock clock;
    private final Settings settings;

    /**
     * What the validator accepts.
     *
     * @param issuer         the exact {@code iss} Tollgate signs with
     * @param audiences      the {@code aud} values this resource server accepts
     * @param clockSkew      tolerance for {@code exp}, {@code nbf}, {@code iat} (0..5 minutes)
     * @param maxTokenLength the largest accepted compact token, in characters (1 KiB..64 KiB)
     */
    public record Settings(String issuer, Set<String> audiences, Duration clockSkew, int maxTokenLength) {

        public Settings {
            Objects.requireNonNull(issuer, "issuer");
            if (issuer.isBlank()) {
                throw new IllegalArgumentException("issuer must not be blank");
            }
            audiences = Set.copyOf(audiences);
            if (audiences.isEmpty()) {
                throw new IllegalArgumentException("at least one audience must be accepted");
            }
            Objects.requireNonNull(clockSkew, "clockSkew");
            if (clockSkew.isNegative() || clockSkew.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new IllegalArgumentException("clockSkew must be 0..5 minutes");
            }
            if (maxTokenLength < 1024 || maxTokenLength > 64 * 1024) {
                throw new IllegalArgumentException("maxTokenLength must be 1 KiB..64 KiB");
            }
        }

        /** docs/contract.md §Tokens and keys defaults: 60 s skew, 8 KiB maximum token size. */
        public static Settings defaults(String issuer, Set<String> audiences) {
            return new Settings(issuer, audiences, Duration.ofSeconds(60), 8 * 1024);
        }
    }

    public AccessTokenValidator(VerificationKeys keys, Clock clock, Settings settings) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * Validates a compact access token (the part after {@code Bearer }).
     *
     * @throws TokenRejectedException with the precise reason when any check fails
     */
    public VerifiedAccessToken validate(String token) {
        if (token == null || token.isEmpty() || token.length() > settings.maxTokenLength()) {
            throw new TokenRejectedException(Reason.OVERSIZED_OR_EMPTY);
        }
        int firstDot = token.indexOf('.');
        int secondDot = firstDot < 0 ? -1 : token.indexOf('.', firstDot + 1);
        if (firstDot <= 0 || secondDot < 0 || secondDot == firstDot + 1 || token.indexOf('.', secondDot + 1) >= 0) {
            throw new TokenRejectedException(Reason.NOT_A_COMPACT_JWS);
        }

        Map<String, Object> header = json(decode(token, 0, firstDot));
        String kid = checkHeader(header);
        SigningKey key = keys.byKid(kid).orElseThrow(() -> new TokenRejectedException(Reason.KID_UNKNOWN));
        if (!key.algorithm().equals(header.get("alg"))) {
            throw new TokenRejectedException(Reason.ALG_NOT_ALLOWED);
        }
        byte[] signature = decode(token, secondDot + 1, token.length());
        verifySignature(key, token.substring(0, secondDot).getBytes(StandardCharsets.US_ASCII), signature);

        Map<String, Object> claims = json(decode(token, firstDot + 1, secondDot));
        return checkClaims(claims, kid);
    }

    private static byte[] decode(String token, int from, int to) {
        byte[] bytes = Base64Url.decode(token, from, to);
        if (bytes == null) {
            throw new TokenRejectedException(Reason.MALFORMED_BASE64);
        }
        return bytes;
    }

    private static Map<String, Object> json(byte[] utf8) {
        try {
            return JoseJson.parseObject(utf8);
        } catch (JoseJson.RefusedException e) {
            throw new TokenRejectedException(e.failure() == JoseJson.Failure.DUPLICATE_KEY
                    ? Reason.DUPLICATE_JSON_KEY : Reason.MALFORMED_JSON, e);
        }
    }

    /** Checks the JOSE header and returns its {@code kid}. */
    private static String checkHeader(Map<String, Object> header) {
        if (!(header.get("alg") instanceof String alg)) {
            throw new TokenRejectedException(Reason.ALG_MISSING);
        }
        if (alg.equalsIgnoreCase("none")) {
            throw new TokenRejectedException(Reason.ALG_NONE);
        }
        if (header.containsKey("crit")) {
            throw new TokenRejectedException(Reason.CRIT_HEADER);
        }
        for (String name : header.keySet()) {
            if (KEY_REFERENCE_HEADERS.contains(name)) {
                throw new TokenRejectedException(Reason.KEY_REFERENCE_HEADER);
            }
        }
        for (String name : header.keySet()) {
            if (!name.equals("alg") && !name.equals("kid") && !name.equals("typ")) {
                throw new TokenRejectedException(Reason.UNEXPECTED_HEADER);
            }
        }
        if (!(header.get("typ") instanceof String typ)
                || !(typ.equalsIgnoreCase("at+jwt") || typ.equalsIgnoreCase("application/at+jwt"))) {
            throw new TokenRejectedException(Reason.TYPE_INVALID);
        }
        if (!(header.get("kid") instanceof String kid) || kid.isEmpty()) {
            throw new TokenRejectedException(Reason.KID_MISSING);
        }
        return kid;
    }

    private static void verifySignature(SigningKey key, byte[] signingInput, byte[] signature) {
        if (!(key.publicKey() instanceof RSAPublicKey rsa)
                || signature.length != (rsa.getModulus().bitLength() + 7) / 8) {
            throw new TokenRejectedException(Reason.SIGNATURE_INVALID);
        }
        boolean valid;
        try {
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(rsa);
            verifier.update(signingInput);
            valid = verifier.verify(signature);
        } catch (SignatureException e) {
            throw new TokenRejectedException(Reason.SIGNATURE_INVALID, e);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("The JDK cannot verify RS256 with key " + key.kid(), e);
        }
        if (!valid) {
            throw new TokenRejectedException(Reason.SIGNATURE_INVALID);
        }
    }

    private VerifiedAccessToken checkClaims(Map<String, Object> claims, String kid) {
        if (!settings.issuer().equals(claims.get("iss"))) {
            throw new TokenRejectedException(Reason.ISSUER_INVALID);
        }
        if (!(claims.get("aud") instanceof String audience) || !settings.audiences().contains(audience)) {
            throw new TokenRejectedException(Reason.AUDIENCE_INVALID);
        }
        Instant now = clock.instant();
        long skew = settings.clockSkew().toSeconds();
        long nowSeconds = now.getEpochSecond();

        long exp = requiredTime(claims, "exp");
        if (nowSeconds >= exp + skew) {
            throw new TokenRejectedException(Reason.EXPIRED);
        }
        if (claims.containsKey("nbf") && optionalTime(claims, "nbf") > nowSeconds + skew) {
            throw new TokenRejectedException(Reason.NOT_YET_VALID);
        }
        long iat = requiredTime(claims, "iat");
        if (iat > nowSeconds + skew) {
            throw new TokenRejectedException(Reason.ISSUED_IN_FUTURE);
        }
        String sub = requiredString(claims, "sub");
        String tenant = requiredString(claims, "tid");
        String sid = requiredString(claims, "sid");
        String jti = requiredString(claims, "jti");
        List<String> roles = strings(claims, "roles", true);
        Optional<String> org = claims.containsKey("org") ? Optional.of(requiredString(claims, "org")) : Optional.empty();
        List<String> amr = strings(claims, "amr", false);
        Optional<Instant> authTime = claims.containsKey("auth_time")
                ? Optional.of(Instant.ofEpochSecond(optionalTime(claims, "auth_time"))) : Optional.empty();
        return new VerifiedAccessToken(sub, tenant, org, roles, sid, amr, authTime, audience,
                Instant.ofEpochSecond(iat), Instant.ofEpochSecond(exp), jti, kid);
    }

    private static long requiredTime(Map<String, Object> claims, String name) {
        if (!claims.containsKey(name)) {
            throw new TokenRejectedException(Reason.CLAIM_MISSING);
        }
        return optionalTime(claims, name);
    }

    /** A NumericDate (RFC 7519 §2), accepted only as an integer within year 0..9999. */
    private static long optionalTime(Map<String, Object> claims, String name) {
        if (claims.get(name) instanceof Long seconds && seconds >= 0 && seconds <= MAX_EPOCH_SECOND) {
            return seconds;
        }
        throw new TokenRejectedException(Reason.CLAIM_INVALID);
    }

    private static String requiredString(Map<String, Object> claims, String name) {
        Object value = claims.get(name);
        if (value == null) {
            throw new TokenRejectedException(Reason.CLAIM_MISSING);
        }
        if (!(value instanceof String text) || !isIdentifier(text)) {
            throw new TokenRejectedException(Reason.CLAIM_INVALID);
        }
        return text;
    }

    /** Non-empty, without leading or trailing whitespace or control characters. */
    private static boolean isIdentifier(String text) {
        return !text.isEmpty() && !isSpace(text.charAt(0)) && !isSpace(text.charAt(text.length() - 1));
    }

    private static boolean isSpace(char c) {
        return c <= ' ' || Character.isWhitespace(c) || Character.isSpaceChar(c);
    }

    private static List<String> strings(Map<String, Object> claims, String name, boolean required) {
        Object value = claims.get(name);
        if (value == null) {
            if (required) {
                throw new TokenRejectedException(Reason.CLAIM_MISSING);
            }
            return List.of();
        }
        if (!(value instanceof List<?> items)) {
            throw new TokenRejectedException(Reason.CLAIM_INVALID);
        }
        List<String> result = new ArrayList<>(items.size());
        for (Object item : items) {
            if (!(item instanceof String text) || !isIdentifier(text)) {
                throw new TokenRejectedException(Reason.CLAIM_INVALID);
            }
            result.add(text);
        }
        return result;
    }
}
