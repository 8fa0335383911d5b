package io.tollgate.crypto;

import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link DataKeyProvider} decorator that bounds calls to KMS (cost, latency, the per-account
 * request quota) by reusing data keys, within {@link DataKeyCachePolicy} bounds (docs/contract.md §Encryption and storage).
 *
 * <ul>
 *   <li><b>Encryption:</b> one current data key per {@link EncryptionContext}, handed out by
 *       {@link #generateDataKey} at most {@code maxUses} times and for at most {@code maxAge}
 *       after it was generated. Keys are never shared across contexts, so a tenant's data is
 *       never encrypted under a key wrapped for another tenant.</li>
 *   <li><b>Decryption:</b> unwrapped keys by (wrapped key bytes, context), with the same use,
 *       age and size bounds. A key this cache generated is also entered here, so reading back
 *       what was just written needs no {@code Decrypt} call.</li>
 * </ul>
 *
 * <p>Each cache holds at most {@code maxEntries} keys; the least recently used goes first.
 * Expiry is measured with the injected {@link Clock}. Thread-safe: the maps are guarded by this
 * object's lock, and the delegate is called outside it (two threads that miss together may both
 * call KMS; the later key wins). A failed delegate call caches nothing. Evicted keys are left to
 * the garbage collector rather than zeroed, because a caller may still be using them.
 */
public final class DataKeyCache implements DataKeyProvider {

    private final DataKeyProvider delegate;
    private final DataKeyCachePolicy policy;
    private final Clock clock;
    private final LinkedHashMap<EncryptionContext, Entry<DataKey>> encryptionKeys;
    private final LinkedHashMap<WrappedKey, Entry<byte[]>> decryptionKeys;

    public DataKeyCache(DataKeyProvider delegate, DataKeyCachePolicy policy, Clock clock) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.encryptionKeys = new LinkedHashMap<>(16, 0.75f, true);
        this.decryptionKeys = new LinkedHashMap<>(16, 0.75f, true);
    }

    @Override
    public DataKey generateDataKey(EncryptionContext context) {
        Objects.requireNonNull(context, "context");
        synchronized (this) {
            DataKey cached = take(encryptionKeys, context);
            if (cached != null) {
                return cached;
            }
        }
        DataKey fresh = delegate.generateDataKey(context);
        synchronized (this) {
            put(encryptionKeys, context, fresh);
            put(decryptionKeys, new WrappedKey(fresh.wrapped(), context), fresh.plaintext());
        }
        return fresh;
    }

    @Override
    public byte[] decryptDataKey(byte[] wrapped, EncryptionContext context) {
        Objects.requireNonNull(wrapped, "wrapped");
        Objects.requireNonNull(context, "context");
        WrappedKey lookup = new WrappedKey(wrapped.clone(), context);
        synchronized (this) {
            byte[] cached = take(decryptionKeys, lookup);
            if (cached != null) {
                return cached.clone();
            }
        }
        byte[] plaintext = delegate.decryptDataKey(lookup.bytes(), context);
        synchronized (this) {
            put(decryptionKeys, lookup, plaintext.clone());
        }
        return plaintext;
    }

    /** How many keys the encryption and decryption caches hold now (expired ones included until touched). */
    public synchronized int size() {
        return encryptionKeys.size() + decryptionKeys.size();
    }

    @Override
    public String toString() {
        return "DataKeyCache[delegate=" + delegate + ", policy=" + policy + "]";
    }

    private <K, V> V take(LinkedHashMap<K, Entry<V>> map, K key) {
        Entry<V> entry = map.get(key);
        if (entry == null) {
            return null;
        }
        if (!clock.instant().isBefore(entry.expiresAt) || entry.uses >= policy.maxUses()) {
            map.remove(key);
            return null;
        }
        entry.uses++;
        if (entry.uses >= policy.maxUses()) {
            map.remove(key);
        }
        return entry.value;
    }

    private <K, V> void put(LinkedHashMap<K, Entry<V>> map, K key, V value) {
        if (policy.maxEntries() == 0 || policy.maxUses() <= 1) {
            return; // the one use is the one being returned now
        }
        Instant now = clock.instant();
        map.values().removeIf(entry -> !now.isBefore(entry.expiresAt));
        map.put(key, new Entry<>(value, now.plus(policy.maxAge())));
        Iterator<Map.Entry<K, Entry<V>>> eldest = map.entrySet().iterator();
        while (map.size() > policy.maxEntries() && eldest.hasNext()) {
            eldest.next();
            eldest.remove();
        }
    }

    /** A cached value; {@code uses} counts hand-outs including the first. Guarded by the cache lock. */
    private static final class Entry<V> {
        private final V value;
        private final Instant expiresAt;
        private int uses = 1;

        private Entry(V value, Instant expiresAt) {
            this.value = value;
            this.expiresAt = expiresAt;
        }
    }

    /** Decryption cache key: content equality over the wrapped bytes, plus the context. */
    private record WrappedKey(byte[] bytes, EncryptionContext context) {
        @Override
        public boolean equals(Object other) {
            return other instanceof WrappedKey that && Arrays.equals(bytes, that.bytes) && context.equals(that.context);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(bytes) + context.hashCode();
        }

        @Override
        public String toString() {
            return "WrappedKey[" + bytes.length + " bytes, " + context + "]";
        }
    }
}
