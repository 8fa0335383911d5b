package io.tollgate.admin;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.tollgate.administration.AdministrationServices;
import io.tollgate.administration.FirstSuperAdmin;
import io.tollgate.observability.LambdaLogging;
import io.tollgate.platform.TollgateServices;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates a fresh stack's first {@code super_admin} when an operator invokes it by hand
 * ({@code aws lambda invoke}, docs/deploy.md): no route, no schedule, only the invoker's IAM permission.
 * Input {@code {"tenant": "...", "tenant_name": "...", "email": "..."}}; the result carries the one-time
 * invitation token for {@code POST /v1/auth/password/set}, or {@code error} when the stack has its first
 * administrator already or the input is invalid. The token is never logged.
 */
public final class FirstSuperAdminHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    private static final Logger LOG = LoggerFactory.getLogger(FirstSuperAdminHandler.class);

    private final FirstSuperAdmin firstSuperAdmin;

    /** Used by AWS Lambda. */
    public FirstSuperAdminHandler() {
        this(TollgateServices.fromEnvironment());
    }

    /** Used by the local runtime and tests. */
    public FirstSuperAdminHandler(TollgateServices services) {
        this(AdministrationServices.firstSuperAdmin(services));
    }

    public FirstSuperAdminHandler(FirstSuperAdmin firstSuperAdmin) {
        this.firstSuperAdmin = Objects.requireNonNull(firstSuperAdmin, "firstSuperAdmin");
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        return LambdaLogging.around(context, () -> invoke(event == null ? Map.of() : event));
    }

    private Map<String, Object> invoke(Map<String, Object> event) {
        Map<String, Object> result = new LinkedHashMap<>();
        try {
            FirstSuperAdmin.Created created = firstSuperAdmin.create(new FirstSuperAdmin.Request(
                    text(event, "tenant"), text(event, "tenant_name"), text(event, "email")));
            LOG.info("first super_admin created tenant={} user_id={}", created.tenantId(), created.userId());
            result.put("tenant", created.tenantId());
            result.put("user_id", created.userId());
            result.put("invitation_token", created.invitationToken());
            result.put("expires_at", created.expiresAt().toString());
        } catch (FirstSuperAdmin.AlreadyCreatedException | IllegalArgumentException refused) {
            LOG.warn("first super_admin refused: {}", refused.getMessage());
            result.put("error", refused.getMessage());
        }
        return result;
    }

    private static String text(Map<String, Object> event, String field) {
        return event.get(field) instanceof String value ? value.trim() : "";
    }
}
