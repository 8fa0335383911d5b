package io.tollgate.retentionrun;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.tollgate.administration.AdminPaths;
import io.tollgate.administration.Caller;
import io.tollgate.audit.platform.AuditServices;
import io.tollgate.http.ApiResponses;
import io.tollgate.http.ErrorCode;
import io.tollgate.http.HttpEndpoint;
import io.tollgate.http.ProblemException;
import io.tollgate.platform.TollgateServices;
import io.tollgate.retention.RetentionAdministration;
import io.tollgate.retention.RetentionServices;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code /v1/tenants/{t}/retention} and {@code /v1/tenants/{t}/legal-holds/{hold}}:
 * adapts API Gateway events to {@link RetentionAdministration}, which holds every rule.
 */
public final class RetentionAdminHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private static final Pattern HOLD = Pattern.compile("tenant|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final RetentionAdministration administration;

    /** Used by AWS Lambda. */
    public RetentionAdminHandler() {
        this(TollgateServices.fromEnvironment());
    }

    public RetentionAdminHandler(TollgateServices services) {
        this(AuditServices.fromEnvironment(services));
    }

    /** Used by the local runtime. */
    public RetentionAdminHandler(AuditServices audit) {
        this(RetentionServices.fromEnvironment(audit, System.getenv()).administration());
    }

    public RetentionAdminHandler(RetentionAdministration administration) {
        this.administration = Objects.requireNonNull(administration, "administration");
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpEndpoint.handle(event, context, request -> {
            Caller caller = Caller.of(request);
            return switch (Optional.ofNullable(event.getRouteKey()).orElse("")) {
                case "GET /v1/tenants/{t}/retention" -> ApiResponses.json(200, administration.view(caller, AdminPaths.tenant(event)));
                case "PUT /v1/tenants/{t}/retention" -> ApiResponses.json(200, administration.replaceOverrides(caller,
                        AdminPaths.tenant(event), request.body(RetentionAdministration.OverridesChange.class)));
                case "PUT /v1/tenants/{t}/legal-holds/{hold}" -> {
                    administration.placeHold(caller, AdminPaths.tenant(event), hold(event),
                            request.body(RetentionAdministration.HoldRequest.class));
                    yield ApiResponses.empty(204);
                }
                case "DELETE /v1/tenants/{t}/legal-holds/{hold}" -> {
                    administration.releaseHold(caller, AdminPaths.tenant(event), hold(event));
                    yield ApiResponses.empty(204);
                }
                default -> throw new ProblemException(ErrorCode.NOT_FOUND, "No such route.");
            };
        });
    }

    /** {@code tenant} or a user id (a UUID); anything else cannot exist. */
    private static String hold(APIGatewayV2HTTPEvent event) {
        String hold = AdminPaths.parameter(event, "hold");
        if (!HOLD.matcher(hold).matches()) {
            throw new ProblemException(ErrorCode.NOT_FOUND, "No such legal hold target.");
        }
        return hold;
    }
}
