package io.tollgate.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Opaque bearer secrets (refresh tokens, MFA challenge tokens): 256 random bits, base64url,
 * stored only as their SHA-256 so a leaked table does not leak usable tokens (docs/contract.md §Tokens and keys).
 */
public final class OpaqueTokens {

    private final SecureRandom random;

    public OpaqueTokens(SecureRandom random) {
        this.random = random;
    }

    /** A new 256-bit token, base64url without padding (43 characters). */
    public String generate() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The lower-case hex SHA-256 of a token: the only form that is stored. */
    public static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }
}
