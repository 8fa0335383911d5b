package io.tollgate.crypto;

import static io.tollgate.crypto.TestContexts.ACME_EMAIL;
import static io.tollgate.crypto.TestContexts.ACME_TOTP;
import static io.tollgate.crypto.TestContexts.GLOBEX_TOTP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.crypto.testing.ManualClock;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DataKeyCacheTest {

    private final ManualClock clock = ManualClock.at("2025-01-01T00:00:00Z");
    private final CountingProvider provider = new CountingProvider();

    private DataKeyCache cache(int maxUses, Duration maxAge, int maxEntries) {
        return new DataKeyCache(provider, new DataKeyCachePolicy(maxUses, maxAge, maxEntries), clock);
    }

    @Test
    void generateDataKeyWhenWithinMaxUsesThenSameKeyThenFreshKey() {
        DataKeyCache cache = cache(3, Duration.ofMinutes(5), 10);
        DataKey first = cache.generateDataKey(ACME_TOTP);
        assertSame(first, cache.generateDataKey(ACME_TOTP));
        assertSame(first, cache.generateDataKey(ACME_TOTP));
        assertEquals(1, provider.generated.get());
        DataKey fourth = cache.generateDataKey(ACME_TOTP);
        assertEquals(2, provider.generated.get());
        assertFalse(java.util.Arrays.equals(first.wrapped(), fourth.wrapped()));
    }

    @Test
    void generateDataKeyWhenMaxAgeReachedThenFreshKey() {
        DataKeyCache cache = cache(1000, Duration.ofMinutes(5), 10);
        DataKey first = cache.generateDataKey(ACME_TOTP);
        clock.advance(Duration.ofMinutes(5).minusMillis(1));
        assertSame(first, cache.generateDataKey(ACME_TOTP));
        clock.advance(Duration.ofMillis(1));
        DataKey later = cache.generateDataKey(ACME_TOTP);
        assertEquals(2, provider.generated.get());
        assertFalse(first == later);
    }

    @Test
    void generateDataKeyWhenContextDiffersThenKeyNeverShared() {
        DataKeyCache cache = cache(1000, Duration.ofMinutes(5), 10);
        DataKey acme = cache.generateDataKey(ACME_TOTP);
        DataKey globex = cache.generateDataKey(GLOBEX_TOTP);
        DataKey email = cache.generateDataKey(ACME_EMAIL);
        assertEquals(3, provider.generated.get());
        assertFalse(java.util.Arrays.equals(acme.plaintext(), globex.plaintext()));
        assertFalse(java.util.Arrays.equals(acme.plaintext(), email.plaintext()));
    }

    @Test
    void generateDataKeyWhenMaxEntriesExceededThenLeastRecentlyUsedEvicted() {
        DataKeyCache cache = cache(1000, Duration.ofMinutes(5), 2);
        cache.generateDataKey(ACME_TOTP);
        cache.generateDataKey(GLOBEX_TOTP);
        cache.generateDataKey(ACME_TOTP); // ACME_TOTP now most recent
        cache.generateDataKey(ACME_EMAIL); // evicts GLOBEX_TOTP
        assertEquals(3, provider.generated.get());
        cache.generateDataKey(ACME_TOTP);
        assertEquals(3, provider.generated.get());
        cache.generateDataKey(GLOBEX_TOTP);
        assertEquals(4, provider.generated.get());
        assertTrue(cache.size() <= 4, "each of the two caches holds at most 2: " + cache.size());
    }

    @Test
    void decryptDataKeyWhenSameWrappedKeyAgainThenOneUnwrapUntilBoundsReached() {
        DataKeyCache cache = cache(2, Duration.ofMinutes(5), 10);
        DataKey key = provider.ring.generateDataKey(ACME_TOTP);
        assertArrayEquals(key.plaintext(), cache.decryptDataKey(key.wrapped(), ACME_TOTP));
        assertArrayEquals(key.plaintext(), cache.decryptDataKey(key.wrapped(), ACME_TOTP));
        assertEquals(1, provider.unwrapped.get());
        cache.decryptDataKey(key.wrapped(), ACME_TOTP);
        assertEquals(2, provider.unwrapped.get(), "max uses reached");
        clock.advance(Duration.ofMinutes(5));
        cache.decryptDataKey(key.wrapped(), ACME_TOTP);
        assertEquals(3, provider.unwrapped.get(), "max age reached");
    }

    @Test
    void decryptDataKeyWhenKeyWasGeneratedHereThenNoUnwrapCall() {
        DataKeyCache cache = cache(1000, Duration.ofMinutes(5), 10);
        DataKey key = cache.generateDataKey(ACME_TOTP);
        assertArrayEquals(key.plaintext(), cache.decryptDataKey(key.wrapped(), ACME_TOTP));
        assertEquals(0, provider.unwrapped.get());
    }

    @Test
    void decryptDataKeyWhenContextDiffersThenCacheNotUsedAndIntegrityFailure() {
        DataKeyCache cache = cache(1000, Duration.ofMinutes(5), 10);
        DataKey key = cache.generateDataKey(ACME_TOTP);
        assertThrows(CiphertextIntegrityException.class, () -> cache.decryptDataKey(key.wrapped(), GLOBEX_TOTP));
        assertEquals(1, provider.unwrapped.get());
    }

    @Test
    void decryptDataKeyWhenCallerAltersReturnedArrayThenCacheUnaffected() {
        DataKeyCache cache = cache(1000, Duration.ofMinutes(5), 10);
        DataKey key = cache.generateDataKey(ACME_TOTP);
        java.util.Arrays.fill(cache.decryptDataKey(key.wrapped(), ACME_TOTP), (byte) 0);
        assertArrayEquals(key.plaintext(), cache.decryptDataKey(key.wrapped(), ACME_TOTP));
    }

    @Test
    void generateDataKeyWhenDisabledThenEveryCallReachesProvider() {
        DataKeyCache cache = new DataKeyCache(provider, DataKeyCachePolicy.disabled(), clock);
        DataKey key = cache.generateDataKey(ACME_TOTP);
        cache.generateDataKey(ACME_TOTP);
        cache.decryptDataKey(key.wrapped(), ACME_TOTP);
        cache.decryptDataKey(key.wrapped(), ACME_TOTP);
        assertEquals(2, provider.generated.get());
        assertEquals(2, provider.unwrapped.get());
        assertEquals(0, cache.size());
    }

    @Test
    void generateDataKeyWhenProviderFailsThenNothingCachedAndNextCallRetries() {
        DataKeyCache cache = cache(1000, Duration.ofMinutes(5), 10);
        provider.failure.set(new EncryptionUnavailableException("KMS GenerateDataKey failed (test)", null));
        assertThrows(EncryptionUnavailableException.class, () -> cache.generateDataKey(ACME_TOTP));
        assertEquals(0, cache.size());
        provider.failure.set(null);
        cache.generateDataKey(ACME_TOTP);
        assertEquals(2, provider.generated.get());
    }

    @Test
    void generateDataKeyWhenManyThreadsThenNoKeyServesMoreThanMaxUses() throws Exception {
        int maxUses = 7;
        DataKeyCache cache = cache(maxUses, Duration.ofMinutes(5), 4);
        EncryptionContext[] contexts = {ACME_TOTP, GLOBEX_TOTP, ACME_EMAIL};
        Map<ByteBuffer, AtomicInteger> usesPerKey = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Void>> tasks = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int offset = t;
                tasks.add(() -> {
                    for (int i = 0; i < 500; i++) {
                        DataKey key = cache.generateDataKey(contexts[(i + offset) % contexts.length]);
                        usesPerKey.computeIfAbsent(ByteBuffer.wrap(key.wrapped()), k -> new AtomicInteger()).incrementAndGet();
                        assertArrayEquals(key.plaintext(), cache.decryptDataKey(key.wrapped(),
                                contexts[(i + offset) % contexts.length]));
                    }
                    return null;
                });
            }
            for (Future<Void> done : pool.invokeAll(tasks)) {
                done.get();
            }
        } finally {
            pool.shutdownNow();
        }
        int total = usesPerKey.values().stream().mapToInt(AtomicInteger::get).sum();
        assertEquals(8 * 500, total);
        usesPerKey.values().forEach(uses -> assertTrue(uses.get() <= maxUses, "a key served " + uses.get()));
        assertTrue(provider.generated.get() >= total / maxUses, "generated " + provider.generated.get());
    }

    @Test
    void policyWhenOutOfBoundsThenRejected() {
        assertThrows(IllegalArgumentException.class, () -> new DataKeyCachePolicy(0, Duration.ofMinutes(1), 1));
        assertThrows(IllegalArgumentException.class, () -> new DataKeyCachePolicy(1, Duration.ZERO, 1));
        assertThrows(IllegalArgumentException.class, () -> new DataKeyCachePolicy(1, Duration.ofHours(2), 1));
        assertThrows(IllegalArgumentException.class, () -> new DataKeyCachePolicy(1, Duration.ofMinutes(1), -1));
        assertEquals(new DataKeyCachePolicy(1000, Duration.ofMinutes(5), 100), DataKeyCachePolicy.defaults());
    }
}
