package io.tollgate.token;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The life cycle of signing keys (docs/contract.md §Tokens and keys): next → current → previous → retired, as a pure
 * function from the key set in force to the next one. The rules that keep every issued token
 * verifiable:
 *
 * <ul>
 *   <li>a key signs only after it was published as {@code NEXT} for at least
 *       {@link #publicationLead()} — longer than the JWKS {@code max-age} plus the authorizer's
 *       key cache, so every verifier knows it before the first token it signs;</li>
 *   <li>a demoted key stays published as {@code PREVIOUS} for at least
 *       {@link #previousRetention()} — longer than the longest access-token life plus skew;</li>
 *   <li>without a valid key set (first deployment) a new {@code CURRENT} and {@code NEXT} are
 *       created; without a {@code NEXT} key one is added and nothing is promoted.</li>
 * </ul>
 */
public record SigningKeyRotationPlan(Duration publicationLead, Duration previousRetention, int rsaBits) {

    /** Defaults: 10 minutes of publication lead (JWKS max-age 5 min), 2 hours of retention. */
    public static SigningKeyRotationPlan defaults() {
        return new SigningKeyRotationPlan(Duration.ofMinutes(10), Duration.ofHours(2), 2048);
    }

    public SigningKeyRotationPlan {
        Objects.requireNonNull(publicationLead, "publicationLead");
        Objects.requireNonNull(previousRetention, "previousRetention");
        if (rsaBits < 2048) {
            throw new IllegalArgumentException("rsaBits must be at least 2048");
        }
    }

    /** Why a rotation cannot happen now. */
    public static final class RotationRefusedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RotationRefusedException(String message) {
            super(message);
        }
    }

    /**
     * The key set after one rotation step at {@code now}.
     *
     * @throws RotationRefusedException if the {@code NEXT} key has not been published long enough
     */
    public SigningKeySet rotate(Optional<SigningKeySet> inForce, Instant now, SecureRandom random) {
        if (inForce.isEmpty()) {
            return new SigningKeySet(List.of(
                    SigningKeySetCodec.generateRsa(rsaBits, SigningKey.Status.CURRENT, now, random),
                    SigningKeySetCodec.generateRsa(rsaBits, SigningKey.Status.NEXT, now, random)));
        }
        SigningKeySet set = inForce.get();
        List<SigningKey> next = set.withStatus(SigningKey.Status.NEXT);
        List<SigningKey> kept = new ArrayList<>();
        set.withStatus(SigningKey.Status.PREVIOUS).stream()
                .filter(k -> k.statusSince().plus(previousRetention).isAfter(now))
                .forEach(kept::add);
        if (next.isEmpty()) {
            kept.add(set.current());
            kept.add(SigningKeySetCodec.generateRsa(rsaBits, SigningKey.Status.NEXT, now, random));
            return new SigningKeySet(kept);
        }
        SigningKey promoted = next.getFirst();
        if (promoted.statusSince().plus(publicationLead).isAfter(now)) {
            throw new RotationRefusedException("The next signing key " + promoted.kid() + " was published at "
                    + promoted.statusSince() + "; it may sign only after " + publicationLead.toMinutes()
                    + " minutes of publication");
        }
        kept.add(set.current().withStatus(SigningKey.Status.PREVIOUS, now));
        kept.add(promoted.withStatus(SigningKey.Status.CURRENT, now));
        kept.add(SigningKeySetCodec.generateRsa(rsaBits, SigningKey.Status.NEXT, now, random));
        return new SigningKeySet(kept);
    }
}
