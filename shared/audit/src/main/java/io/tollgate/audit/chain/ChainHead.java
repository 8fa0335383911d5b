package io.tollgate.audit.chain;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The last link of a tenant's chain: its sequence number and hash. Before the first event the
 * head is {@link #GENESIS}: sequence 0 and 64 zero hex digits, the {@code prev_hash} of event 1.
 */
public record ChainHead(long seq, String hash) {

    static final Pattern HEX_SHA256 = Pattern.compile("[0-9a-f]{64}");

    /** The head of an empty chain. */
    public static final ChainHead GENESIS = new ChainHead(0, "0".repeat(64));

    public ChainHead {
        Objects.requireNonNull(hash, "hash");
        if (seq < 0) {
            throw new IllegalArgumentException("seq must be >= 0");
        }
        if (!HEX_SHA256.matcher(hash).matches()) {
            throw new IllegalArgumentException("hash must be 64 lower-case hex digits");
        }
    }
}
