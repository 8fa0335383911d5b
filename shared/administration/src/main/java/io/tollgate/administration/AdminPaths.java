package io.tollgate.administration;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.tollgate.http.ErrorCode;
import io.tollgate.http.ProblemException;
import io.tollgate.tenant.Tenant;
import java.util.Optional;

/** Path parameters of the administration routes, checked the same way by every handler that serves them. */
public final class AdminPaths {

    private AdminPaths() {
    }

    /** The path parameter, or empty text when the route has none by that name. */
    public static String parameter(APIGatewayV2HTTPEvent event, String name) {
        return Optional.ofNullable(event.getPathParameters()).map(p -> p.get(name)).orElse("");
    }

    /** {@code {t}}: a well-formed tenant id, else 404 (no such tenant can exist). */
    public static String tenant(APIGatewayV2HTTPEvent event) {
        String id = parameter(event, "t");
        if (!Tenant.ID.matcher(id).matches()) {
            throw new ProblemException(ErrorCode.NOT_FOUND, "No such tenant.");
        }
        return id;
    }
}
