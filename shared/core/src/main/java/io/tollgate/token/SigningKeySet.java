package io.tollgate.token;

import java.util.List;
import java.util.Optional;

/**
 * The signing keys in force: exactly one {@code CURRENT} key signs, {@code NEXT} and
 * {@code PREVIOUS} keys are published for verification only.
 */
public record SigningKeySet(List<SigningKey> keys) {

    public SigningKeySet {
        keys = List.copyOf(keys);
        long current = keys.stream().filter(k -> k.status() == SigningKey.Status.CURRENT).count();
        if (current != 1) {
            throw new IllegalArgumentException("A signing key set needs exactly one CURRENT key, found " + current);
        }
        if (keys.stream().map(SigningKey::kid).distinct().count() != keys.size()) {
            throw new IllegalArgumentException("Duplicate kid in signing key set");
        }
    }

    /** The key that signs new tokens. */
    public SigningKey current() {
        return keys.stream().filter(k -> k.status() == SigningKey.Status.CURRENT).findFirst().orElseThrow();
    }

    /** The keys in {@code status}. */
    public List<SigningKey> withStatus(SigningKey.Status status) {
        return keys.stream().filter(k -> k.status() == status).toList();
    }

    /** The same set without private keys. */
    public SigningKeySet publicOnly() {
        return new SigningKeySet(keys.stream().map(SigningKey::publicOnly).toList());
    }

    /** A published (non-retired) key by {@code kid}. */
    public Optional<SigningKey> published(String kid) {
        return keys.stream().filter(k -> k.kid().equals(kid) && k.status() != SigningKey.Status.RETIRED).findFirst();
    }
}
