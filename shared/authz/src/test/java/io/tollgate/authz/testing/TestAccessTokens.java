package io.tollgate.authz.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.tollgate.authz.AccessTokenValidator;
import io.tollgate.authz.VerificationKeys;
import io.tollgate.json.Json;
import io.tollgate.token.SigningKey;
import io.tollgate.token.SigningKeySetCodec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Builds Tollgate access tokens for tests: a valid RFC 9068 token by default (exactly what
 * {@code AccessTokenIssuer} produces), and every malformed or hostile variant the validator must
 * refuse (alg none, HMAC with the public key, foreign algorithms and keys, extra headers, raw or
 * duplicate-key JSON, broken base64url...). Signing is done by hand with the JDK so no library can
 * "fix" a deliberately broken token.
 *
 * <p>Two RSA-2048 keys are generated once per JVM: {@link #key()} is published by
 * {@link #verificationKeys()}, {@link #otherKey()} is not.
 */
public final class TestAccessTokens {

    public static final String ISSUER = "https://auth.tollgate.test";
    public static final String AUDIENCE = "api-users";

    private static final class Keys {
        static final SigningKey PUBLISHED = SigningKeySetCodec.generateRsa(2048, SigningKey.Status.CURRENT,
                Instant.parse("2025-01-01T00:00:00Z"), new SecureRandom());
        static final SigningKey OTHER = SigningKeySetCodec.generateRsa(2048, SigningKey.Status.CURRENT,
                Instant.parse("2025-01-01T00:00:00Z"), new SecureRandom());
    }

    private final Clock clock;

    private TestAccessTokens(Clock clock) {
        this.clock = clock;
    }

    /** Tokens issued "now" according to {@code clock}. */
    public static TestAccessTokens at(Clock clock) {
        return new TestAccessTokens(clock);
    }

    /** The published key (private part included, for signing). */
    public SigningKey key() {
        return Keys.PUBLISHED;
    }

    /** A key of the right kind that is not published. */
    public SigningKey otherKey() {
        return Keys.OTHER;
    }

    /** Publishes {@link #key()} only. */
    public VerificationKeys verificationKeys() {
        return VerificationKeys.of(List.of(Keys.PUBLISHED));
    }

    /** A validator with the default settings, accepting {@code api-users} and {@code admin-panel}. */
    public AccessTokenValidator validator() {
        return new AccessTokenValidator(verificationKeys(), clock,
                AccessTokenValidator.Settings.defaults(ISSUER, Set.of(AUDIENCE, "admin-panel")));
    }

    /** A builder preset with a valid token for an {@code org_admin} of {@code acme/risk}. */
    public Builder valid() {
        Instant now = clock.instant();
        Builder builder = new Builder();
        builder.header.put("kid", Keys.PUBLISHED.kid());
        builder.header.put("typ", "at+jwt");
        builder.header.put("alg", "RS256");
        builder.claims.put("iss", ISSUER);
        builder.claims.put("sub", "u-alice");
        builder.claims.put("aud", AUDIENCE);
        builder.claims.put("iat", now.getEpochSecond());
        builder.claims.put("nbf", now.getEpochSecond());
        builder.claims.put("exp", now.plus(Duration.ofMinutes(15)).getEpochSecond());
        builder.claims.put("jti", "8e0f3c1a-2b4d-4e6f-8a9b-0c1d2e3f4a5b");
        builder.claims.put("tid", "acme");
        builder.claims.put("org", "risk");
        builder.claims.put("roles", List.of("org_admin"));
        builder.claims.put("sid", "s-1");
        builder.claims.put("amr", List.of("pwd", "otp"));
        builder.claims.put("auth_time", now.minusSeconds(5).getEpochSecond());
        return builder;
    }

    /** How the signature segment is produced. */
    public enum Signer {
        /** RS256 with the chosen key (the only valid one). */
        RS256,
        /** RS512 (an algorithm other than the key's). */
        RS512,
        /** PS256 (RSASSA-PSS, another algorithm than the key's). */
        PS256,
        /** HMAC-SHA256 keyed with the public key's encoded bytes (the classic key-confusion attack). */
        HS256_PUBLIC_KEY,
        /** HMAC-SHA384 keyed with the public key's encoded bytes. */
        HS384_PUBLIC_KEY,
        /** An empty signature segment ({@code alg: none} style). */
        NONE
    }

    /** Mutable, single-use token builder. */
    public final class Builder {
        private final Map<String, Object> header = new LinkedHashMap<>();
        private final Map<String, Object> claims = new LinkedHashMap<>();
        private String rawHeader;
        private byte[] rawPayload;
        private String rawSignature;
        private String rawHeaderSegment;
        private String rawPayloadSegment;
        private SigningKey signingKey = Keys.PUBLISHED;
        private Signer signer = Signer.RS256;

        private Builder() {
        }

        public Builder header(String name, Object value) {
            header.put(name, value);
            return this;
        }

        public Builder withoutHeader(String name) {
            header.remove(name);
            return this;
        }

        public Builder claim(String name, Object value) {
            claims.put(name, value);
            return this;
        }

        public Builder withoutClaim(String name) {
            claims.remove(name);
            return this;
        }

        /** Replaces the header JSON verbatim (e.g. with duplicate members). */
        public Builder rawHeader(String json) {
            this.rawHeader = json;
            return this;
        }

        /** Replaces the payload verbatim; it is still signed, so only the payload checks can refuse it. */
        public Builder rawPayload(String json) {
            return rawPayload(json.getBytes(StandardCharsets.UTF_8));
        }

        public Builder rawPayload(byte[] bytes) {
            this.rawPayload = bytes.clone();
            return this;
        }

        /** Replaces the encoded header segment verbatim (e.g. with invalid base64url); still signed. */
        public Builder rawHeaderSegment(String segment) {
            this.rawHeaderSegment = segment;
            return this;
        }

        /** Replaces the encoded payload segment verbatim (e.g. with invalid base64url); still signed. */
        public Builder rawPayloadSegment(String segment) {
            this.rawPayloadSegment = segment;
            return this;
        }

        /** Replaces the signature segment verbatim (already base64url or deliberately not). */
        public Builder rawSignature(String segment) {
            this.rawSignature = segment;
            return this;
        }

        public Builder signedWith(SigningKey key) {
            this.signingKey = key;
            return this;
        }

        public Builder signer(Signer signer) {
            this.signer = signer;
            return this;
        }

        /** The compact serialisation {@code header.payload.signature}. */
        public String build() {
            String h = rawHeaderSegment != null ? rawHeaderSegment
                    : b64(rawHeader != null ? rawHeader.getBytes(StandardCharsets.UTF_8) : json(header));
            String p = rawPayloadSegment != null ? rawPayloadSegment
                    : b64(rawPayload != null ? rawPayload : json(claims));
            String signingInput = h + "." + p;
            String s = rawSignature != null ? rawSignature
                    : b64(sign(signingInput.getBytes(StandardCharsets.US_ASCII)));
            return signingInput + "." + s;
        }

        private byte[] sign(byte[] input) {
            try {
                PrivateKey privateKey = signingKey.privateKey().orElseThrow();
                byte[] publicBytes = signingKey.publicKey().getEncoded();
                return switch (signer) {
                    case RS256 -> rsa("SHA256withRSA", privateKey, input);
                    case RS512 -> rsa("SHA512withRSA", privateKey, input);
                    case PS256 -> {
                        Signature pss = Signature.getInstance("RSASSA-PSS");
                        pss.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
                        pss.initSign(privateKey);
                        pss.update(input);
                        yield pss.sign();
                    }
                    case HS256_PUBLIC_KEY -> hmac("HmacSHA256", publicBytes, input);
                    case HS384_PUBLIC_KEY -> hmac("HmacSHA384", publicBytes, input);
                    case NONE -> new byte[0];
                };
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("Cannot sign test token with " + signer, e);
            }
        }
    }

    private static byte[] rsa(String algorithm, PrivateKey key, byte[] input) throws GeneralSecurityException {
        Signature signature = Signature.getInstance(algorithm);
        signature.initSign(key);
        signature.update(input);
        return signature.sign();
    }

    private static byte[] hmac(String algorithm, byte[] secret, byte[] input) throws GeneralSecurityException {
        Mac mac = Mac.getInstance(algorithm);
        mac.init(new SecretKeySpec(secret, algorithm));
        return mac.doFinal(input);
    }

    /** Unpadded base64url, as JWS requires. */
    public static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static byte[] json(Map<String, Object> members) {
        try {
            return Json.mapper().writeValueAsBytes(members);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialise test token JSON", e);
        }
    }
}
