package io.tollgate.password;

import io.tollgate.settings.SecuritySettings.Argon2Settings;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashing (RFC 9106; OWASP parameters m=19 MiB, t=2, p=1 by default) with a
 * 128-bit per-user salt, an optional pepper (HMAC-SHA-256 of the password under a key held in
 * Secrets Manager), and the PHC string format so the parameters travel with the hash and can be
 * raised later: {@link Verification#needsRehash()} tells the caller to store a new hash.
 *
 * <p>Comparison is constant time. {@link #verifyDummy} spends the same work when there is no
 * user, so a wrong user name costs as long as a wrong password (no user enumeration by timing).
 */
public final class Argon2idPasswordHasher {

    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final Argon2Settings target;
    private final SecureRandom random;
    private final byte[] pepper;
    private final String dummyHash;

    public Argon2idPasswordHasher(Argon2Settings target, SecureRandom random, Optional<byte[]> pepper) {
        this.target = Objects.requireNonNull(target, "target");
        this.random = Objects.requireNonNull(random, "random");
        this.pepper = pepper.map(byte[]::clone).orElse(null);
        byte[] unguessable = new byte[32];
        random.nextBytes(unguessable);
        this.dummyHash = hash(B64.encodeToString(unguessable));
    }

    /** A new PHC-encoded hash of {@code password} with a fresh salt and the target parameters. */
    public String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] digest = derive(password, salt, target.memoryKib(), target.iterations(), target.parallelism(), HASH_BYTES);
        return "$argon2id$v=19$m=" + target.memoryKib() + ",t=" + target.iterations() + ",p=" + target.parallelism()
                + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(digest);
    }

    /** Verifies {@code password} against a stored PHC hash, in constant time. */
    public Verification verify(String password, String encoded) {
        Phc phc = Phc.parse(encoded);
        byte[] actual = derive(password, phc.salt, phc.memoryKib, phc.iterations, phc.parallelism, phc.hash.length);
        boolean matches = MessageDigest.isEqual(actual, phc.hash);
        boolean weaker = phc.memoryKib < target.memoryKib() || phc.iterations < target.iterations()
                || phc.parallelism != target.parallelism() || phc.hash.length != HASH_BYTES;
        return new Verification(matches, matches && weaker);
    }

    /** Spends one verification's work on a hash nobody knows the password of; always false. */
    public boolean verifyDummy(String password) {
        verify(password, dummyHash);
        return false;
    }

    private byte[] derive(String password, byte[] salt, int memoryKib, int iterations, int parallelism, int length) {
        Argon2Parameters parameters = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKib)
                .withIterations(iterations)
                .withParallelism(parallelism)
                .withSalt(salt)
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(parameters);
        byte[] input = peppered(password);
        byte[] out = new byte[length];
        try {
            generator.generateBytes(input, out);
        } finally {
            Arrays.fill(input, (byte) 0);
        }
        return out;
    }

    private byte[] peppered(String password) {
        byte[] raw = password.getBytes(StandardCharsets.UTF_8);
        if (pepper == null) {
            return raw;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(pepper, "HmacSHA256"));
            return mac.doFinal(raw);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /** The result of {@link #verify}: whether it matched, and whether the stored hash is weaker than today's target. */
    public record Verification(boolean matches, boolean needsRehash) {
    }

    private record Phc(int memoryKib, int iterations, int parallelism, byte[] salt, byte[] hash) {
        static Phc parse(String encoded) {
            String[] parts = encoded.split("\\$");
            if (parts.length != 6 || !parts[1].equals("argon2id") || !parts[2].equals("v=19")) {
                throw new IllegalArgumentException("Not an Argon2id v19 PHC string");
            }
            int m = 0;
            int t = 0;
            int p = 0;
            for (String parameter : parts[3].split(",")) {
                String[] kv = parameter.split("=", 2);
                if (kv.length != 2) {
                    throw new IllegalArgumentException("Bad Argon2 parameter");
                }
                int value = Integer.parseInt(kv[1]);
                switch (kv[0]) {
                    case "m" -> m = value;
                    case "t" -> t = value;
                    case "p" -> p = value;
                    default -> throw new IllegalArgumentException("Unknown Argon2 parameter");
                }
            }
            if (m < 8 || t < 1 || p < 1 || m > 4 * 1024 * 1024 || t > 100 || p > 64) {
                throw new IllegalArgumentException("Argon2 parameters out of range");
            }
            return new Phc(m, t, p, B64D.decode(parts[4]), B64D.decode(parts[5]));
        }
    }
}
