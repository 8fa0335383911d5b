package io.tollgate.authz;

import io.tollgate.token.SigningKey;
import io.tollgate.token.SigningKeySet;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The public keys an access token may be verified with, looked up by the {@code kid} of its JOSE
 * header (RFC 7515 §4.1.4). Only published (next, current, previous) keys are returned; the key,
 * not the token, fixes the algorithm (RFC 8725 §3.1). Implementations hold public keys only
 * (docs/contract.md §Tokens and keys: the authorizer never sees a private key); the DynamoDB-published implementation
 * with a cache comes with the authorizer function.
 */
@FunctionalInterface
public interface VerificationKeys {

    /** The published key with this {@code kid}, or empty when none is (unknown or retired). */
    Optional<SigningKey> byKid(String kid);

    /** A fixed set of keys (tests, local runtime); private key material is dropped. */
    static VerificationKeys of(Collection<SigningKey> keys) {
        Map<String, SigningKey> byKid = keys.stream()
                .filter(k -> k.status() != SigningKey.Status.RETIRED)
                .map(k -> new SigningKey(k.kid(), k.algorithm(), k.status(), k.createdAt(), k.publicKey(),
                        Optional.empty()))
                .collect(Collectors.toUnmodifiableMap(SigningKey::kid, Function.identity()));
        return kid -> Optional.ofNullable(byKid.get(kid));
    }

    /** The published keys of a signing key set. */
    static VerificationKeys of(SigningKeySet set) {
        return of(set.keys());
    }
}
