package io.tollgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ApiRequestTest {

    record Body(String name, String value) {
    }

    private static ApiRequest request(String body) {
        return new ApiRequest(APIGatewayV2HTTPEvent.builder().withBody(body).build());
    }

    private static ProblemException refused(String body) {
        return assertThrows(ProblemException.class, () -> request(body).body(Body.class));
    }

    private static ApiRequest authorized(java.util.Map<String, Object> context) {
        return new ApiRequest(APIGatewayV2HTTPEvent.builder().withRequestContext(APIGatewayV2HTTPEvent.RequestContext
                .builder().withAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder().withLambda(context)
                        .build()).build()).build());
    }

    @Test
    void requireUnconstrainedPrincipalWhenAllowLeftScopeConstraintsThenForbidden() {
        ApiRequest constrained = authorized(java.util.Map.of("decision", "allow", "sub", "u-1", "tenant", "acme",
                "scope_constraints", "own,own_org"));
        assertEquals(java.util.List.of("own", "own_org"), constrained.scopeConstraints());
        assertEquals(ErrorCode.FORBIDDEN, assertThrows(ProblemException.class,
                constrained::requireUnconstrainedPrincipal).errorCode());
    }

    @Test
    void requireUnconstrainedPrincipalWhenDecisionCompleteThenPrincipal() {
        ApiRequest complete = authorized(java.util.Map.of("decision", "allow", "sub", "u-1", "tenant", "acme"));
        assertEquals(java.util.List.of(), complete.scopeConstraints());
        assertEquals("u-1", complete.requireUnconstrainedPrincipal().userId());
        assertEquals(ErrorCode.TOKEN_INVALID, assertThrows(ProblemException.class,
                () -> request("{}").requireUnconstrainedPrincipal()).errorCode());
    }

    @Test
    void bodyWhenExactRecordThenParsed() {
        assertEquals(new Body("a", "b"), request("{\"name\":\"a\",\"value\":\"b\"}").body(Body.class));
    }

    @Test
    void bodyWhenBase64EncodedThenDecoded() {
        String encoded = Base64.getEncoder().encodeToString("{\"name\":\"a\"}".getBytes(StandardCharsets.UTF_8));
        var event = APIGatewayV2HTTPEvent.builder().withBody(encoded).withIsBase64Encoded(true).build();
        assertEquals("a", new ApiRequest(event).body(Body.class).name());
    }

    @Test
    void bodyWhenNotJsonThenMalformed() {
        assertEquals(ErrorCode.MALFORMED_REQUEST, refused("name=a").errorCode());
        assertEquals(ErrorCode.MALFORMED_REQUEST, refused("{\"name\":").errorCode());
        assertEquals(ErrorCode.MALFORMED_REQUEST, refused("[1,2]").errorCode());
        assertEquals(ErrorCode.MALFORMED_REQUEST, refused("").errorCode());
    }

    @Test
    void bodyWhenOver16KibThenMalformed() {
        String big = "{\"name\":\"" + "x".repeat(ApiRequest.MAX_BODY_BYTES) + "\"}";
        assertEquals(ErrorCode.MALFORMED_REQUEST, refused(big).errorCode());
    }

    @Test
    void bodyWhenUnknownFieldThenValidationFailedNamingIt() {
        ProblemException problem = refused("{\"name\":\"a\",\"admin\":true}");
        assertEquals(ErrorCode.VALIDATION_FAILED, problem.errorCode());
        assertEquals("admin", problem.errors().get(0).field());
    }

    @Test
    void bodyWhenNumberForStringThenWrongType() {
        ProblemException problem = refused("{\"name\":42}");
        assertEquals(ErrorCode.VALIDATION_FAILED, problem.errorCode());
        assertEquals("name", problem.errors().get(0).field());
    }

    @Test
    void bodyWhenDuplicateKeyThenMalformed() {
        assertEquals(ErrorCode.MALFORMED_REQUEST, refused("{\"name\":\"a\",\"name\":\"b\"}").errorCode());
    }
}
