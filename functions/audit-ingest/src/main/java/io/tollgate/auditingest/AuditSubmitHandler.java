package io.tollgate.auditingest;

import io.tollgate.platform.SnapStartPriming.HttpPrimer;
import io.tollgate.platform.SnapStartPriming;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.audit.AuditDeliveryException;
import io.tollgate.audit.ingest.AuditSubmission;
import io.tollgate.audit.platform.AuditServices;
import io.tollgate.http.ApiRequest;
import io.tollgate.http.ApiResponses;
import io.tollgate.http.ErrorCode;
import io.tollgate.http.HttpEndpoint;
import io.tollgate.http.ProblemException;
import io.tollgate.platform.TollgateServices;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code POST /v1/audit/events} (docs/openapi.yaml): an external service (authenticated by a service API
 * key with {@code audit:create}, enforced by the authorizer) submits {@code {"events":[...]}}, 1 to
 * 100 events; the valid ones are queued for the chain of the key's tenant. Answers 202
 * {@code {"accepted":n,"rejected":[{"index","code","field"}]}}; 503 when the queue refused them.
 */
public final class AuditSubmitHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    /** SnapStart priming (ADR 0049): held here because the CRaC context holds it weakly. */
    final SnapStartPriming priming;

    /** 100 events of at most 16 KiB each would exceed what a client should send in one call. */
    static final int MAX_BODY_BYTES = 1024 * 1024;

    private final AuditSubmission submission;

    /** Used by AWS Lambda. */
    public AuditSubmitHandler() {
        this(TollgateServices.fromEnvironment());
    }

    public AuditSubmitHandler(TollgateServices services) {
        this(AuditServices.fromEnvironment(services));
    }

    /** Used by the local runtime. */
    public AuditSubmitHandler(AuditServices audit) {
        this(audit.submission());
    }

    public AuditSubmitHandler(AuditSubmission submission) {
        this.submission = Objects.requireNonNull(submission, "submission");
        this.priming = SnapStartPriming.http(this, 100, List.of(
                HttpPrimer.body("POST /v1/audit/events", "{\"events\":[]}").authenticatedBy("api_key"),
                HttpPrimer.body("POST /v1/audit/events", "{\"events\":").authenticatedBy("api_key")));
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpEndpoint.handle(event, context, request -> {
            ApiRequest.Principal caller = request.requireUnconstrainedPrincipal();
            String apiKeyPrefix = request.apiKeyPrefix().filter(prefix -> "api_key".equals(caller.authMethod()))
                    .orElseThrow(() -> new ProblemException(ErrorCode.FORBIDDEN,
                            "Audit events are submitted with a service API key."));
            JsonNode body = request.jsonBody(MAX_BODY_BYTES);
            JsonNode events = body.get("events");
            if (!body.isObject() || body.size() != 1 || events == null || !events.isArray() || events.isEmpty()
                    || events.size() > AuditSubmission.MAX_BATCH) {
                throw ProblemException.invalid(ErrorCode.VALIDATION_FAILED, "The request is not valid.",
                        List.of(new ProblemException.FieldError("events", "invalid",
                                "events must be an array of 1 to " + AuditSubmission.MAX_BATCH + " audit events.")));
            }
            AuditSubmission.Receipt receipt;
            try {
                receipt = submission.submit(events, caller.tenantId(), apiKeyPrefix);
            } catch (AuditDeliveryException e) {
                throw new ProblemException(ErrorCode.SERVICE_UNAVAILABLE, "The audit queue is unavailable; retry later.");
            }
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("accepted", receipt.accepted());
            answer.put("rejected", receipt.rejected().stream().map(r -> Map.of("index", r.index(), "code", r.code(),
                    "field", r.field())).toList());
            return ApiResponses.json(202, answer);
        });
    }
}
