package io.tollgate.crypto;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds of {@link DataKeyCache}; every cached data key is dropped at whichever bound it reaches
 * first. See docs/adr/0010-envelope-encryption-format.md for why these defaults.
 *
 * @param maxUses    how many encryptions (or decryptions) one cached key may serve; at least 1
 * @param maxAge     how long a key may stay cached after KMS produced it; positive, at most 1 hour
 * @param maxEntries how many keys each of the two caches (encryption, decryption) holds; 0
 *                   disables caching
 */
public record DataKeyCachePolicy(int maxUses, Duration maxAge, int maxEntries) {

    private static final Duration LONGEST_AGE = Duration.ofHours(1);

    public DataKeyCachePolicy {
        Objects.requireNonNull(maxAge, "maxAge");
        if (maxUses < 1) {
            throw new IllegalArgumentException("maxUses must be at least 1");
        }
        if (maxAge.isNegative() || maxAge.isZero() || maxAge.compareTo(LONGEST_AGE) > 0) {
            throw new IllegalArgumentException("maxAge must be positive and at most " + LONGEST_AGE);
        }
        if (maxEntries < 0 || maxEntries > 10_000) {
            throw new IllegalArgumentException("maxEntries must be 0 to 10000");
        }
    }

    /** 1,000 uses, 5 minutes, 100 entries per cache. */
    public static DataKeyCachePolicy defaults() {
        return new DataKeyCachePolicy(1_000, Duration.ofMinutes(5), 100);
    }

    /** No caching: every encryption calls {@code GenerateDataKey}, every decryption {@code Decrypt}. */
    public static DataKeyCachePolicy disabled() {
        return new DataKeyCachePolicy(1, Duration.ofSeconds(1), 0);
    }
}
