package io.tollgate.testing;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.tollgate.user.UserAccount;
import java.util.HashMap;
import java.util.Map;

/** Completes sample API Gateway events (events/) as the authorizer would have for a given caller. */
public final class SampleEvents {

    private SampleEvents() {
    }

    /**
     * Sets the authorizer context of {@code event} to {@code caller} (sub, tenant, roles, org) with a
     * fresh {@code auth_time} (a token of a login just now, as credential changes need); returns the event.
     */
    public static APIGatewayV2HTTPEvent asCaller(APIGatewayV2HTTPEvent event, UserAccount caller) {
        Map<String, Object> context = new HashMap<>(event.getRequestContext().getAuthorizer().getLambda());
        context.put("sub", caller.userId());
        context.put("tenant", caller.tenantId());
        context.put("roles", String.join(",", caller.roles()));
        context.put("auth_time", Long.toString(java.time.Instant.now().getEpochSecond()));
        if (caller.organizationId() == null) {
            context.remove("org");
        } else {
            context.put("org", caller.organizationId());
        }
        event.getRequestContext().getAuthorizer().setLambda(context);
        return event;
    }
}
