package io.tollgate.devkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.amazonaws.services.lambda.runtime.events.SimpleIAMPolicyResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthorizerDecisionTest {

    @Test
    void fromWhenSimpleIamPolicyResponseThenDecisionAndContext() {
        AuthorizerDecision decision = AuthorizerDecision.from(new SimpleIAMPolicyResponse(true, Map.of("sub", "u1")));
        assertEquals(new AuthorizerDecision(true, Map.of("sub", "u1")), decision);
    }

    @Test
    void fromWhenMapWithIsAuthorizedThenDecisionAndContext() {
        assertEquals(new AuthorizerDecision(false, Map.of()), AuthorizerDecision.from(Map.of("isAuthorized", false)));
        assertEquals(new AuthorizerDecision(true, Map.of("n", 1)),
                AuthorizerDecision.from(Map.of("isAuthorized", true, "context", Map.of("n", 1))));
    }

    @Test
    void fromWhenAnythingElseThenRefused() {
        assertThrows(IllegalArgumentException.class, () -> AuthorizerDecision.from(null));
        assertThrows(IllegalArgumentException.class, () -> AuthorizerDecision.from("Allow"));
        assertThrows(IllegalArgumentException.class, () -> AuthorizerDecision.from(Map.of("isAuthorized", "true")));
    }
}
