package io.tollgate.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SigningKeyRotationPlanTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final SigningKeyRotationPlan plan = SigningKeyRotationPlan.defaults();

    @Test
    void rotateWhenNoKeySetThenCurrentAndNextCreated() {
        SigningKeySet set = plan.rotate(Optional.empty(), T0, RANDOM);
        assertEquals(1, set.withStatus(SigningKey.Status.CURRENT).size());
        assertEquals(1, set.withStatus(SigningKey.Status.NEXT).size());
        assertTrue(set.keys().stream().allMatch(k -> k.privateKey().isPresent()));
    }

    @Test
    void rotateWhenNoNextKeyThenNextAddedAndCurrentKept() {
        SigningKey only = SigningKeySetCodec.generateRsa(2048, SigningKey.Status.CURRENT, T0, RANDOM);
        SigningKeySet set = plan.rotate(Optional.of(new SigningKeySet(List.of(only))), T0.plusSeconds(5), RANDOM);
        assertEquals(only.kid(), set.current().kid());
        assertEquals(1, set.withStatus(SigningKey.Status.NEXT).size());
    }

    @Test
    void rotateWhenNextPublishedLongEnoughThenPromotedAndCurrentBecomesPrevious() {
        SigningKeySet first = plan.rotate(Optional.empty(), T0, RANDOM);
        Instant later = T0.plus(Duration.ofDays(30));
        SigningKeySet second = plan.rotate(Optional.of(first), later, RANDOM);
        assertEquals(first.withStatus(SigningKey.Status.NEXT).getFirst().kid(), second.current().kid());
        assertEquals(later, second.current().statusSince());
        assertEquals(first.current().kid(), second.withStatus(SigningKey.Status.PREVIOUS).getFirst().kid());
        assertEquals(1, second.withStatus(SigningKey.Status.NEXT).size());
    }

    @Test
    void rotateWhenNextPublishedTooRecentlyThenRefused() {
        SigningKeySet first = plan.rotate(Optional.empty(), T0, RANDOM);
        assertThrows(SigningKeyRotationPlan.RotationRefusedException.class,
                () -> plan.rotate(Optional.of(first), T0.plus(Duration.ofMinutes(9)), RANDOM));
    }

    @Test
    void rotateWhenPreviousOlderThanRetentionThenDroppedElseKept() {
        SigningKeySet first = plan.rotate(Optional.empty(), T0, RANDOM);
        SigningKeySet second = plan.rotate(Optional.of(first), T0.plus(Duration.ofMinutes(10)), RANDOM);
        SigningKeySet soon = plan.rotate(Optional.of(second), T0.plus(Duration.ofMinutes(25)), RANDOM);
        assertEquals(2, soon.withStatus(SigningKey.Status.PREVIOUS).size(), "a previous key younger than 2 h stays");
        SigningKeySet late = plan.rotate(Optional.of(second), T0.plus(Duration.ofMinutes(10)).plus(Duration.ofHours(2)),
                RANDOM);
        assertEquals(List.of(second.current().kid()),
                late.withStatus(SigningKey.Status.PREVIOUS).stream().map(SigningKey::kid).toList());
    }

    @Test
    void codecWhenRoundTripThenStatusSinceKeptAndPublicFormHasNoPrivateKey() {
        SigningKeySet set = plan.rotate(Optional.of(plan.rotate(Optional.empty(), T0, RANDOM)),
                T0.plus(Duration.ofHours(1)), RANDOM);
        SigningKeySet decoded = SigningKeySetCodec.decode(SigningKeySetCodec.encode(set), true);
        assertEquals(set.current().statusSince(), decoded.current().statusSince());
        String published = SigningKeySetCodec.encodePublic(set);
        assertTrue(!published.contains("private_key"), published);
        assertTrue(SigningKeySetCodec.decode(published, true).keys().stream().allMatch(k -> k.privateKey().isEmpty()));
    }

    @Test
    void jwkSetWhenRenderedThenRsaParametersAndNoPrivatePart() {
        SigningKeySet set = plan.rotate(Optional.empty(), T0, RANDOM);
        var jwks = JsonWebKeys.toJwkSet(set);
        @SuppressWarnings("unchecked")
        List<java.util.Map<String, Object>> keys = (List<java.util.Map<String, Object>>) jwks.get("keys");
        assertEquals(2, keys.size());
        assertEquals(set.current().kid(), keys.getFirst().get("kid"));
        assertEquals("AQAB", keys.getFirst().get("e"));
        assertEquals(342, ((String) keys.getFirst().get("n")).length(), "2048-bit modulus, unsigned, base64url");
        assertTrue(keys.stream().noneMatch(k -> k.containsKey("d")));
    }
}
