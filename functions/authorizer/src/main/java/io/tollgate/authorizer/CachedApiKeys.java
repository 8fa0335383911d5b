package io.tollgate.authorizer;

import io.tollgate.authz.ApiKeyRepository;
import io.tollgate.authz.RequestAuthorizer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * API key records as a warm authorizer sees them: cached for the revocation bound (30 s), at most
 * 10 000 prefixes (LRU), and the key's last-use time written at most once a minute per container.
 */
final class CachedApiKeys implements RequestAuthorizer.ApiKeyLookup {

    private static final int MAX_ENTRIES = 10_000;

    private final ApiKeyRepository repository;
    private final Clock clock;
    private final Duration maxAge;
    private final Map<String, Cached> cache = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    private record Cached(Optional<ApiKeyRepository.ApiKeyRecord> record, Instant loadedAt, Instant touchedAt) {
    }

    CachedApiKeys(ApiKeyRepository repository, Clock clock, Duration maxAge) {
        this.repository = Objects.requireNonNull(repository, "repository");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
    }

    @Override
    public Optional<ApiKeyRepository.ApiKeyRecord> find(String prefix) {
        Instant now = clock.instant();
        Cached entry;
        synchronized (cache) {
            entry = cache.get(prefix);
        }
        if (entry == null || !entry.loadedAt().plus(maxAge).isAfter(now)) {
            entry = new Cached(repository.find(prefix), now, entry == null ? Instant.EPOCH : entry.touchedAt());
        }
        if (entry.record().isPresent() && entry.record().get().active()
                && !entry.touchedAt().plus(ApiKeyRepository.LAST_USED_RESOLUTION).isAfter(now)) {
            repository.touch(prefix, now);
            entry = new Cached(entry.record(), entry.loadedAt(), now);
        }
        synchronized (cache) {
            cache.put(prefix, entry);
        }
        return entry.record();
    }
}
