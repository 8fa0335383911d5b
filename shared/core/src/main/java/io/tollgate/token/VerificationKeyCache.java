package io.tollgate.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The verification keys as a warm authorizer or jwks container sees them: the published set,
 * cached for {@code ttl} so a warm request pays no AWS call. An unknown {@code kid} triggers at
 * most one reload per {@code minReloadInterval} (a token signed by a key published after the last
 * load), so a flood of forged {@code kid}s cannot turn into a flood of DynamoDB reads.
 *
 * <p>Staleness bound: a newly published key is seen at the latest {@code ttl} after publication;
 * keys sign only after {@link SigningKeyRotationPlan#publicationLead()} (10 min) of publication,
 * which is longer than the default {@code ttl} (5 min).
 */
public final class VerificationKeyCache {

    private final Supplier<Optional<SigningKeySet>> source;
    private final Clock clock;
    private final Duration ttl;
    private final Duration minReloadInterval;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Snapshot snapshot;

    private record Snapshot(Optional<SigningKeySet> keys, Instant loadedAt) {
    }

    public VerificationKeyCache(Supplier<Optional<SigningKeySet>> source, Clock clock, Duration ttl,
            Duration minReloadInterval) {
        this.source = Objects.requireNonNull(source, "source");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.minReloadInterval = Objects.requireNonNull(minReloadInterval, "minReloadInterval");
    }

    /** Over the published item, 5 minutes of cache, at most one extra reload per 10 seconds. */
    public static VerificationKeyCache over(PublishedSigningKeys published, Clock clock) {
        return new VerificationKeyCache(() -> published.load().map(PublishedSigningKeys.Publication::keys), clock,
                Duration.ofMinutes(5), Duration.ofSeconds(10));
    }

    /** The published, non-retired key with this {@code kid}. */
    public Optional<SigningKey> byKid(String kid) {
        Optional<SigningKey> key = current().flatMap(keys -> keys.published(kid));
        if (key.isPresent()) {
            return key;
        }
        Snapshot seen = snapshot;
        if (seen != null && seen.loadedAt().plus(minReloadInterval).isAfter(clock.instant())) {
            return Optional.empty();
        }
        return reload(seen).flatMap(keys -> keys.published(kid));
    }

    /** The whole published set (for JWKS), if any. */
    public Optional<SigningKeySet> current() {
        Snapshot seen = snapshot;
        if (seen != null && seen.loadedAt().plus(ttl).isAfter(clock.instant())) {
            return seen.keys();
        }
        return reload(seen);
    }

    private Optional<SigningKeySet> reload(Snapshot seen) {
        lock.lock();
        try {
            if (snapshot != seen) {
                return snapshot.keys();
            }
            Snapshot loaded = new Snapshot(source.get(), clock.instant());
            snapshot = loaded;
            return loaded.keys();
        } finally {
            lock.unlock();
        }
    }
}
