package io.tollgate.crypto;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** A {@link LocalKeyRing} that counts calls and can be told to fail, like an unreachable KMS. */
final class CountingProvider implements DataKeyProvider {

    final LocalKeyRing ring = LocalKeyRing.inMemory(new SecureRandom());
    final AtomicInteger generated = new AtomicInteger();
    final AtomicInteger unwrapped = new AtomicInteger();
    final AtomicReference<RuntimeException> failure = new AtomicReference<>();

    @Override
    public DataKey generateDataKey(EncryptionContext context) {
        generated.incrementAndGet();
        failIfAsked();
        return ring.generateDataKey(context);
    }

    @Override
    public byte[] decryptDataKey(byte[] wrapped, EncryptionContext context) {
        unwrapped.incrementAndGet();
        failIfAsked();
        return ring.decryptDataKey(wrapped, context);
    }

    @Override
    public String toString() {
        return "CountingProvider[" + ring + "]";
    }

    private void failIfAsked() {
        RuntimeException e = failure.get();
        if (e != null) {
            throw e;
        }
    }
}
