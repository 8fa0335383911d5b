package io.tollgate.token;

import java.math.BigInteger;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders the published verification keys as an RFC 7517 JWK Set: one RSA key per
 * {@code kid} ({@code kty=RSA}, {@code use=sig}, {@code alg} fixed by the key, RFC 7518 §6.3.1
 * {@code n}/{@code e} as unsigned big-endian base64url). Private parts never enter this class.
 */
public final class JsonWebKeys {

    private JsonWebKeys() {
    }

    /** The JWK Set document for {@code keys}, current key first, then next, then previous. */
    public static Map<String, Object> toJwkSet(SigningKeySet keys) {
        List<Map<String, Object>> jwks = new ArrayList<>();
        for (SigningKey.Status status : List.of(SigningKey.Status.CURRENT, SigningKey.Status.NEXT,
                SigningKey.Status.PREVIOUS)) {
            keys.withStatus(status).forEach(key -> jwks.add(toJwk(key)));
        }
        return Map.of("keys", List.copyOf(jwks));
    }

    static Map<String, Object> toJwk(SigningKey key) {
        if (!(key.publicKey() instanceof RSAPublicKey rsa)) {
            throw new IllegalStateException("Signing key " + key.kid() + " is not an RSA key");
        }
        Map<String, Object> jwk = new LinkedHashMap<>();
        jwk.put("kty", "RSA");
        jwk.put("use", "sig");
        jwk.put("alg", key.algorithm());
        jwk.put("kid", key.kid());
        jwk.put("n", unsigned(rsa.getModulus()));
        jwk.put("e", unsigned(rsa.getPublicExponent()));
        return jwk;
    }

    private static String unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
