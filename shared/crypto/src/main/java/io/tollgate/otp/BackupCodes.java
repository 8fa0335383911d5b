package io.tollgate.otp;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * MFA recovery codes: {@value #COUNT} single-use codes of 10 symbols from Crockford's Base32
 * alphabet ({@code 0-9 a-z} without {@code i l o u}), 50 random bits each, shown once as
 * {@code xxxxx-xxxxx}. Decision and threat model: docs/adr/0009-backup-code-hashing.md.
 *
 * <p>Input is normalised before matching: case, spaces and dashes are ignored, and the
 * look-alikes {@code o}→{@code 0}, {@code i}/{@code l}→{@code 1} are mapped, so a code read
 * off paper or a screen is accepted however it was typed.
 *
 * <p>Only a keyed hash is stored: HMAC-SHA-256 of the normalised code under a per-user 256-bit
 * random salt, itself first keyed with the server-side pepper when one is configured
 * ({@code key = HMAC-SHA-256(pepper, salt)}). {@link #match} hashes the input once and compares
 * it with every stored hash in constant time ({@link MessageDigest#isEqual}), without stopping
 * at the first match, and returns the matching index; the caller consumes that slot with a
 * conditional write (the slot still holds the expected hash) so a code works once.
 */
public final class BackupCodes {

    /** How many codes a set holds. */
    public static final int COUNT = 10;
    /** Symbols per code (5 bits each: 50 bits of entropy). */
    public static final int SYMBOLS = 10;

    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final int SALT_BYTES = 32;
    private static final int HASH_BYTES = 32;
    private static final String HMAC = "HmacSHA256";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final SecureRandom random;
    private final byte[] pepper;

    /**
     * @param random source of codes and salts, created once per container
     * @param pepper optional server-side secret (from Secrets Manager) mixed into every hash key,
     *               so a leaked table alone does not allow an offline search
     */
    public BackupCodes(SecureRandom random, Optional<byte[]> pepper) {
        this.random = Objects.requireNonNull(random, "random");
        this.pepper = pepper.map(byte[]::clone).orElse(null);
        if (this.pepper != null && this.pepper.length < 16) {
            throw new IllegalArgumentException("The backup code pepper must be at least 128 bits");
        }
    }

    /** A new set of {@value #COUNT} distinct codes and their stored form. */
    public Issued generate() {
        Set<String> codes = new LinkedHashSet<>();
        while (codes.size() < COUNT) {
            char[] symbols = new char[SYMBOLS];
            for (int i = 0; i < SYMBOLS; i++) {
                symbols[i] = ALPHABET[random.nextInt(ALPHABET.length)];
            }
            codes.add(new String(symbols));
        }
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        Mac mac = mac(salt);
        List<String> hashes = new ArrayList<>(COUNT);
        List<String> display = new ArrayList<>(COUNT);
        for (String code : codes) {
            hashes.add(B64.encodeToString(mac.doFinal(code.getBytes(StandardCharsets.US_ASCII))));
            display.add(code.substring(0, SYMBOLS / 2) + "-" + code.substring(SYMBOLS / 2));
        }
        return new Issued(display, new Stored(B64.encodeToString(salt), hashes));
    }

    /**
     * Finds which unused code of {@code stored} the user typed.
     *
     * @return the index of the matching slot, or empty if the input is malformed or matches none
     */
    public OptionalInt match(String input, Stored stored) {
        Objects.requireNonNull(stored, "stored");
        Optional<String> normalised = normalise(input);
        if (normalised.isEmpty()) {
            return OptionalInt.empty();
        }
        byte[] candidate = mac(B64D.decode(stored.salt())).doFinal(normalised.get().getBytes(StandardCharsets.US_ASCII));
        byte[] consumed = new byte[HASH_BYTES];
        int matched = -1;
        for (int i = 0; i < stored.hashes().size(); i++) {
            String hash = stored.hashes().get(i);
            byte[] expected = hash.isEmpty() ? consumed : B64D.decode(hash);
            if (MessageDigest.isEqual(expected, candidate) & !hash.isEmpty()) {
                matched = i;
            }
        }
        return matched < 0 ? OptionalInt.empty() : OptionalInt.of(matched);
    }

    /** The canonical (lower-case, look-alikes mapped) form of a typed code, or empty if it cannot be one. */
    static Optional<String> normalise(String input) {
        if (input == null || input.length() > 64) {
            return Optional.empty();
        }
        StringBuilder out = new StringBuilder(SYMBOLS);
        for (char c : input.toLowerCase(Locale.ROOT).toCharArray()) {
            switch (c) {
                case ' ', '-', '\t' -> {
                }
                case 'o' -> out.append('0');
                case 'i', 'l' -> out.append('1');
                default -> {
                    if (c >= 128 || indexOf(c) < 0) {
                        return Optional.empty();
                    }
                    out.append(c);
                }
            }
        }
        return out.length() == SYMBOLS ? Optional.of(out.toString()) : Optional.empty();
    }

    private static int indexOf(char c) {
        for (int i = 0; i < ALPHABET.length; i++) {
            if (ALPHABET[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private Mac mac(byte[] salt) {
        try {
            byte[] key = salt;
            if (pepper != null) {
                Mac keyed = Mac.getInstance(HMAC);
                keyed.init(new SecretKeySpec(pepper, HMAC));
                key = keyed.doFinal(salt);
            }
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    @Override
    public String toString() {
        return "BackupCodes[pepper=" + (pepper == null ? "none" : "<redacted>") + "]";
    }

    /**
     * A freshly generated set: {@code codes} to show the user once (never store or log them) and
     * {@code stored}, the only form to persist.
     */
    public record Issued(List<String> codes, Stored stored) {
        public Issued {
            codes = List.copyOf(codes);
            Objects.requireNonNull(stored, "stored");
        }

        @Override
        public String toString() {
            return "Issued[codes=<" + codes.size() + " redacted>, stored=" + stored + "]";
        }
    }

    /**
     * The persisted form of a set: the Base64url salt and one Base64url HMAC per code, an empty
     * string marking a consumed slot. Contains no code; safe to store, not to publish.
     */
    public record Stored(String salt, List<String> hashes) {
        public Stored {
            Objects.requireNonNull(salt, "salt");
            hashes = List.copyOf(hashes);
        }

        /** A copy with slot {@code index} consumed. */
        public Stored withConsumed(int index) {
            Objects.checkIndex(index, hashes.size());
            List<String> next = new ArrayList<>(hashes);
            next.set(index, "");
            return new Stored(salt, next);
        }

        /** How many codes are still unused. */
        public int remaining() {
            return (int) hashes.stream().filter(hash -> !hash.isEmpty()).count();
        }

        @Override
        public String toString() {
            return "Stored[" + remaining() + " of " + hashes.size() + " unused]";
        }
    }
}
