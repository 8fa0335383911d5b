package io.tollgate.devkit;

import com.amazonaws.services.lambda.runtime.events.SimpleIAMPolicyResponse;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a Lambda authorizer with simple responses decided: {@code isAuthorized} and the context passed on to the
 * route's function as {@code requestContext.authorizer.lambda}.
 */
record AuthorizerDecision(boolean authorized, Map<String, Object> context) {

    /**
     * Reads a {@link SimpleIAMPolicyResponse} or a {@code Map} with {@code isAuthorized} / {@code context} keys.
     *
     * @throws IllegalArgumentException for any other result, as API Gateway answers 500 to a malformed one
     */
    static AuthorizerDecision from(Object result) {
        if (result instanceof SimpleIAMPolicyResponse simple) {
            return new AuthorizerDecision(simple.getIsAuthorized(), copy(simple.getContext()));
        }
        if (result instanceof Map<?, ?> map && map.get("isAuthorized") instanceof Boolean authorized) {
            Object context = map.get("context");
            if (context != null && !(context instanceof Map<?, ?>)) {
                throw new IllegalArgumentException("Authorizer context must be a map, got " + context.getClass());
            }
            return new AuthorizerDecision(authorized, copy((Map<?, ?>) context));
        }
        throw new IllegalArgumentException("A simple-response authorizer must return SimpleIAMPolicyResponse or a map"
                + " with a boolean isAuthorized, got " + (result == null ? "null" : result.getClass().getName()));
    }

    private static Map<String, Object> copy(Map<?, ?> context) {
        Map<String, Object> copy = new LinkedHashMap<>();
        if (context != null) {
            context.forEach((key, value) -> copy.put(String.valueOf(key), value));
        }
        return Collections.unmodifiableMap(copy);
    }
}
