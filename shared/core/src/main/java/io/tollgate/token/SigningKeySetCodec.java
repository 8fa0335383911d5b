package io.tollgate.token;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.tollgate.json.Json;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The JSON form of a signing key set as stored in the Secrets Manager secret (and the local key
 * file): {@code {"keys":[{"kid","alg","status","created_at","public_key","private_key"}]}} with
 * X.509 / PKCS#8 DER keys in base64. Also generates new RSA keys.
 */
public final class SigningKeySetCodec {

    private SigningKeySetCodec() {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record StoredKey(String kid, String alg, String status, @JsonProperty("created_at") String createdAt,
            @JsonProperty("status_since") String statusSince,
            @JsonProperty("public_key") String publicKey, @JsonProperty("private_key") String privateKey) {
    }

    record StoredKeySet(List<StoredKey> keys) {
    }

    /** Parses a stored key set; with {@code includePrivate} false the private keys are dropped. */
    public static SigningKeySet decode(String json, boolean includePrivate) {
        try {
            StoredKeySet stored = Json.mapper().readValue(json, StoredKeySet.class);
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            return new SigningKeySet(stored.keys().stream().map(k -> toKey(rsa, k, includePrivate)).toList());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Signing key set is not valid JSON of the expected shape", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA is unavailable", e);
        }
    }

    private static SigningKey toKey(KeyFactory rsa, StoredKey stored, boolean includePrivate) {
        try {
            PublicKey publicKey = rsa.generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(stored.publicKey())));
            Optional<PrivateKey> privateKey = includePrivate && stored.privateKey() != null
                    ? Optional.of(rsa.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(stored.privateKey()))))
                    : Optional.empty();
            Instant created = Instant.parse(stored.createdAt());
            return new SigningKey(stored.kid(), stored.alg(), SigningKey.Status.valueOf(stored.status()), created,
                    stored.statusSince() == null ? created : Instant.parse(stored.statusSince()), publicKey, privateKey);
        } catch (GeneralSecurityException | IllegalArgumentException | NullPointerException
                | java.time.format.DateTimeParseException e) {
            throw new IllegalStateException("Signing key " + stored.kid() + " cannot be decoded", e);
        }
    }

    /** Serialises a key set without any private key: what is published for verification. */
    public static String encodePublic(SigningKeySet set) {
        return encode(set.publicOnly());
    }

    /** Serialises a key set, private keys included (only for the secret store). */
    public static String encode(SigningKeySet set) {
        List<StoredKey> keys = set.keys().stream().map(k -> new StoredKey(k.kid(), k.algorithm(), k.status().name(),
                k.createdAt().toString(), k.statusSince().toString(),
                Base64.getEncoder().encodeToString(k.publicKey().getEncoded()),
                k.privateKey().map(p -> Base64.getEncoder().encodeToString(p.getEncoded())).orElse(null))).toList();
        try {
            return Json.mapper().writeValueAsString(new StoredKeySet(keys));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialise signing key set", e);
        }
    }

    /** A new RSA key ({@code bits} ≥ 2048) with a random {@code kid}. */
    public static SigningKey generateRsa(int bits, SigningKey.Status status, Instant now, SecureRandom random) {
        if (bits < 2048) {
            throw new IllegalArgumentException("RSA keys must be at least 2048 bits");
        }
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(new RSAKeyGenParameterSpec(bits, RSAKeyGenParameterSpec.F4), random);
            KeyPair pair = generator.generateKeyPair();
            byte[] kid = new byte[12];
            random.nextBytes(kid);
            return new SigningKey(Base64.getUrlEncoder().withoutPadding().encodeToString(kid), "RS256", status, now,
                    pair.getPublic(), Optional.of(pair.getPrivate()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA key generation is unavailable", e);
        }
    }
}
