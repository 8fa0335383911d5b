package io.tollgate.privacyfn;

import java.util.List;
import io.tollgate.platform.SnapStartPriming.HttpPrimer;
import io.tollgate.platform.SnapStartPriming;
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
import io.tollgate.privacy.PrivacyRequests;
import io.tollgate.privacy.PrivacyServices;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code POST /v1/privacy/requests} and {@code GET /v1/privacy/requests/{id}} (docs/openapi.yaml):
 * adapts API Gateway events to {@link PrivacyRequests}, which holds every rule (ADR 0028).
 */
public final class PrivacyHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    /** SnapStart priming (ADR 0049): held here because the CRaC context holds it weakly. */
    final SnapStartPriming priming;

    private static final Pattern REQUEST_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final PrivacyRequests requests;
    private final Clock clock;

    /** Used by AWS Lambda. */
    public PrivacyHandler() {
        this(TollgateServices.fromEnvironment());
    }

    public PrivacyHandler(TollgateServices services) {
        this(AuditServices.fromEnvironment(services));
    }

    /** Used by the local runtime. */
    public PrivacyHandler(AuditServices audit) {
        this(PrivacyServices.of(audit).requests(), audit.platform().clock());
    }

    public PrivacyHandler(PrivacyRequests requests, Clock clock) {
        this.requests = Objects.requireNonNull(requests, "requests");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.priming = SnapStartPriming.http(this, 100, List.of(
                HttpPrimer.unknownField("POST /v1/privacy/requests"),
                HttpPrimer.query("GET /v1/privacy/requests/{id}", Map.of())));
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpEndpoint.handle(event, context, request -> {
            Caller caller = Caller.of(request);
            return switch (Optional.ofNullable(event.getRouteKey()).orElse("")) {
                case "POST /v1/privacy/requests" -> {
                    PrivacyRequests.Answer answer = requests.file(caller, request.body(PrivacyRequests.NewRequest.class));
                    Map<String, Object> out = new LinkedHashMap<>(answer.request().view(clock.instant()));
                    answer.data().ifPresent(data -> out.put("data", data));
                    yield ApiResponses.json(201, out);
                }
                case "GET /v1/privacy/requests/{id}" -> ApiResponses.json(200,
                        requests.get(caller, requestId(event)).view(clock.instant()));
                default -> throw new ProblemException(ErrorCode.NOT_FOUND, "No such route.");
            };
        });
    }

    /** A request id is a UUID; anything else cannot exist. */
    private static String requestId(APIGatewayV2HTTPEvent event) {
        String id = AdminPaths.parameter(event, "id");
        if (!REQUEST_ID.matcher(id).matches()) {
            throw new ProblemException(ErrorCode.NOT_FOUND, "No such request.");
        }
        return id;
    }
}
