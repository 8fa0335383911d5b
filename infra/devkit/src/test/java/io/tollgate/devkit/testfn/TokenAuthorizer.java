package io.tollgate.devkit.testfn;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.SimpleIAMPolicyResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Test Lambda authorizer (simple responses): allows exactly {@code Authorization: Bearer good}. */
public final class TokenAuthorizer implements RequestHandler<APIGatewayV2CustomAuthorizerEvent, SimpleIAMPolicyResponse> {

    private final List<APIGatewayV2CustomAuthorizerEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public SimpleIAMPolicyResponse handleRequest(APIGatewayV2CustomAuthorizerEvent event, Context context) {
        events.add(event);
        boolean allowed = List.of("Bearer good").equals(event.getIdentitySource());
        return SimpleIAMPolicyResponse.builder()
                .withIsAuthorized(allowed)
                .withContext(allowed ? Map.of("principal", "alice", "tenant", "acme") : Map.of())
                .build();
    }

    public List<APIGatewayV2CustomAuthorizerEvent> events() {
        return List.copyOf(events);
    }
}
