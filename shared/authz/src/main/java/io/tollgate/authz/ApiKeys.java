package io.tollgate.authz;

import io.tollgate.authz.internal.Base64Url;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * API keys for services ({@code X-Api-Key}, docs/openapi.yaml): {@code tg_<prefix>_<secret>} where the
 * prefix is 8 characters of {@code [a-z0-9]} (public, used to look the key up) and the secret is
 * 256 random bits in unpadded base64url (43 characters). The key is shown once; only the prefix
 * and the SHA-256 of the whole key are stored (a fast hash is right for 256-bit random secrets:
 * there is nothing to brute-force, unlike passwords). Verification compares digests in constant
 * time ({@link MessageDigest#isEqual}); no type here prints a secret in {@code toString}.
 */
public final class ApiKeys {

    /** Total length of a key: {@code "tg_".length() + 8 + "_".length() + 43}. */
    public static final int LENGTH = 55;
    private static final String PREFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final int PREFIX_LENGTH = 8;
    private static final int SECRET_BYTES = 32;

    private final SecureRandom random;

    public ApiKeys(SecureRandom random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    /** What is stored for a key: the look-up prefix and the base64url SHA-256 of the full key. */
    public record StoredApiKey(String prefix, String sha256) {
        public StoredApiKey {
            Objects.requireNonNull(prefix, "prefix");
            Objects.requireNonNull(sha256, "sha256");
        }
    }

    /** A freshly generated key: its plaintext goes to the caller once, {@link #stored()} to the table. */
    public static final class IssuedApiKey {
        private final String plaintext;
        private final StoredApiKey stored;

        private IssuedApiKey(String plaintext, StoredApiKey stored) {
            this.plaintext = plaintext;
            this.stored = stored;
        }

        /** The full key, to show the owner exactly once. */
        public String plaintext() {
            return plaintext;
        }

        public StoredApiKey stored() {
            return stored;
        }

        @Override
        public String toString() {
            return "IssuedApiKey[prefix=" + stored.prefix() + ", secret=<redacted>]";
        }
    }

    /** A syntactically valid key received from a caller, not yet verified. */
    public static final class PresentedApiKey {
        private final String prefix;
        private final String key;

        private PresentedApiKey(String prefix, String key) {
            this.prefix = prefix;
            this.key = key;
        }

        /** The public prefix, to look the stored key up. */
        public String prefix() {
            return prefix;
        }

        @Override
        public String toString() {
            return "PresentedApiKey[prefix=" + prefix + ", secret=<redacted>]";
        }
    }

    /** A new key from the injected {@link SecureRandom}. */
    public IssuedApiKey generate() {
        StringBuilder prefix = new StringBuilder(PREFIX_LENGTH);
        for (int i = 0; i < PREFIX_LENGTH; i++) {
            prefix.append(PREFIX_ALPHABET.charAt(random.nextInt(PREFIX_ALPHABET.length())));
        }
        byte[] secret = new byte[SECRET_BYTES];
        random.nextBytes(secret);
        String key = "tg_" + prefix + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        return new IssuedApiKey(key, new StoredApiKey(prefix.toString(), encode(sha256(key))));
    }

    /**
     * Parses a key strictly: exact length, {@code tg_} marker, prefix alphabet, {@code _}, and a
     * canonical 43-character base64url secret. Anything else is empty (answer 401, no look-up).
     */
    public static Optional<PresentedApiKey> parse(String text) {
        if (text == null || text.length() != LENGTH || !text.startsWith("tg_") || text.charAt(3 + PREFIX_LENGTH) != '_') {
            return Optional.empty();
        }
        for (int i = 3; i < 3 + PREFIX_LENGTH; i++) {
            if (PREFIX_ALPHABET.indexOf(text.charAt(i)) < 0) {
                return Optional.empty();
            }
        }
        byte[] secret = Base64Url.decode(text, 4 + PREFIX_LENGTH, LENGTH);
        if (secret == null || secret.length != SECRET_BYTES) {
            return Optional.empty();
        }
        return Optional.of(new PresentedApiKey(text.substring(3, 3 + PREFIX_LENGTH), text));
    }

    /** Whether {@code presented} is the key {@code stored} was made from (constant-time digest comparison). */
    public static boolean verify(PresentedApiKey presented, StoredApiKey stored) {
        Objects.requireNonNull(presented, "presented");
        Objects.requireNonNull(stored, "stored");
        byte[] expected = Base64Url.decode(stored.sha256(), 0, stored.sha256().length());
        boolean samePrefix = presented.prefix.equals(stored.prefix());
        boolean sameDigest = expected != null && MessageDigest.isEqual(sha256(presented.key), expected);
        return samePrefix & sameDigest;
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }

    private static String encode(byte[] digest) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    }
}
