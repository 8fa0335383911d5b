package io.tollgate.jwks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.json.Json;
import io.tollgate.testing.TestClock;
import io.tollgate.token.SigningKeyRotationPlan;
import io.tollgate.token.SigningKeySet;
import io.tollgate.token.VerificationKeyCache;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The jwks function through its sample events. */
class JwksHandlerIT {

    private final TestClock clock = TestClock.at("2026-03-01T09:00:00Z");
    private final AtomicReference<Optional<SigningKeySet>> published = new AtomicReference<>(Optional.empty());
    private final JwksHandler handler = new JwksHandler(new VerificationKeyCache(published::get, clock,
            Duration.ofMinutes(5), Duration.ofSeconds(10)), "https://auth.test");

    @Test
    void jwksWhenNothingPublishedThen503() {
        APIGatewayV2HTTPResponse response = handler.handleRequest(
                EventLoader.loadApiGatewayHttpEvent("../../events/jwks.json"), null);
        assertEquals(503, response.getStatusCode());
    }

    @Test
    void jwksWhenPublishedThenKeySetCacheableAndPublicOnly() throws Exception {
        SigningKeySet keys = SigningKeyRotationPlan.defaults().rotate(Optional.empty(), clock.instant(), new SecureRandom());
        published.set(Optional.of(keys.publicOnly()));
        APIGatewayV2HTTPResponse response = handler.handleRequest(
                EventLoader.loadApiGatewayHttpEvent("../../events/jwks.json"), null);
        assertEquals(200, response.getStatusCode());
        assertEquals("public, max-age=300", response.getHeaders().get("Cache-Control"));
        assertEquals("application/jwk-set+json", response.getHeaders().get("Content-Type"));
        JsonNode body = Json.mapper().readTree(response.getBody());
        assertEquals(keys.current().kid(), body.get("keys").get(0).get("kid").asText());
        assertTrue(body.get("keys").findValues("d").isEmpty());
    }

    @Test
    void discoveryWhenSampleEventThenIssuerAndJwksUri() throws Exception {
        APIGatewayV2HTTPResponse response = handler.handleRequest(
                EventLoader.loadApiGatewayHttpEvent("../../events/openid-configuration.json"), null);
        JsonNode body = Json.mapper().readTree(response.getBody());
        assertEquals("https://auth.test", body.get("issuer").asText());
        assertEquals("https://auth.test/.well-known/jwks.json", body.get("jwks_uri").asText());
    }

    @Test
    void cacheWhenKeyPublishedAfterLoadThenUnknownKidReloadsAtMostEveryTenSeconds() {
        SigningKeySet keys = SigningKeyRotationPlan.defaults().rotate(Optional.empty(), clock.instant(), new SecureRandom());
        VerificationKeyCache cache = new VerificationKeyCache(published::get, clock, Duration.ofMinutes(5),
                Duration.ofSeconds(10));
        assertTrue(cache.byKid(keys.current().kid()).isEmpty());
        published.set(Optional.of(keys.publicOnly()));
        assertTrue(cache.byKid(keys.current().kid()).isEmpty(), "no reload within 10 s of the last one");
        clock.advance(Duration.ofSeconds(11));
        assertTrue(cache.byKid(keys.current().kid()).isPresent());
    }
}
