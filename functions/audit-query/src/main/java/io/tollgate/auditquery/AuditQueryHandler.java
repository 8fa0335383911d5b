package io.tollgate.auditquery;

import io.tollgate.platform.SnapStartPriming.HttpPrimer;
import io.tollgate.platform.SnapStartPriming;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.tollgate.audit.AuditSeverity;
import io.tollgate.audit.chain.ChainVerifier;
import io.tollgate.audit.platform.AuditServices;
import io.tollgate.audit.query.AuditEventQuery;
import io.tollgate.audit.report.ComplianceReportHtml;
import io.tollgate.audit.report.ComplianceReporter;
import io.tollgate.http.ApiRequest;
import io.tollgate.http.ApiResponses;
import io.tollgate.http.ErrorCode;
import io.tollgate.http.HttpEndpoint;
import io.tollgate.http.ProblemException;
import io.tollgate.incident.Incident;
import io.tollgate.incident.IncidentStore;
import io.tollgate.platform.TollgateServices;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code GET /v1/audit/events}, {@code GET /v1/audit/verify}, the compliance report and the
 * incident export (SPEC.md §3, permission
 * {@code audit:read}, enforced by the authorizer). Both act on the caller's own tenant, taken from
 * the verified token, never from the request: no parameter can name another tenant.
 */
public final class AuditQueryHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    /** SnapStart priming (ADR 0049): held here because the CRaC context holds it weakly. */
    final SnapStartPriming priming;

    private static final Pattern TEXT = Pattern.compile("[A-Za-z0-9._:@-]{1,256}");
    private static final Pattern INCIDENT_ID = Pattern.compile("inc_[0-9a-f]{24}");
    /** The most events an incident export carries. */
    static final int EXPORT_MAX_EVENTS = 5000;

    private final AuditEventQuery query;
    private final ChainVerifier verifier;
    private final ComplianceReporter reports;
    private final IncidentStore incidents;
    private final java.time.Clock clock;

    /** Used by AWS Lambda. */
    public AuditQueryHandler() {
        this(TollgateServices.fromEnvironment());
    }

    public AuditQueryHandler(TollgateServices services) {
        this(AuditServices.fromEnvironment(services));
    }

    /** Used by the local runtime. */
    public AuditQueryHandler(AuditServices audit) {
        this(audit.query(), audit.verifier(), audit.complianceReporter(), new IncidentStore(
                audit.platform().dynamoDb(), audit.platform().config().tables().identity()), audit.platform().clock());
    }

    public AuditQueryHandler(AuditEventQuery query, ChainVerifier verifier, ComplianceReporter reports,
            IncidentStore incidents, java.time.Clock clock) {
        this.query = Objects.requireNonNull(query, "query");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.reports = Objects.requireNonNull(reports, "reports");
        this.incidents = Objects.requireNonNull(incidents, "incidents");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.priming = SnapStartPriming.http(this, 50, List.of(
                HttpPrimer.query("GET /v1/audit/events", Map.of("severity", "priming", "limit", "10")),
                HttpPrimer.query("GET /v1/audit/events", Map.of("from", "priming")),
                HttpPrimer.query("GET /v1/audit/verify", Map.of("to", "priming")),
                HttpPrimer.query("GET /v1/compliance/report", Map.of("from", "2026-01-01T00:00:00Z"))));
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpEndpoint.handle(event, context, request -> {
            String tenant = request.requireUnconstrainedPrincipal().tenantId();
            return switch (Optional.ofNullable(event.getRouteKey()).orElse("")) {
                case "GET /v1/audit/events" -> events(request, tenant);
                case "GET /v1/audit/verify" -> ApiResponses.json(200, verify(request, tenant));
                case "GET /v1/compliance/report" -> report(request, tenant);
                case "GET /v1/incidents/{id}/export" -> ApiResponses.json(200, incidentExport(event, tenant));
                default -> throw new ProblemException(ErrorCode.NOT_FOUND, "No such route.");
            };
        });
    }

    private APIGatewayV2HTTPResponse events(ApiRequest request, String tenant) {
        AuditEventQuery.Filter filter = new AuditEventQuery.Filter(instant(request, "from"), instant(request, "to"),
                text(request, "type"), request.queryParameter("severity").map(AuditQueryHandler::severity),
                text(request, "user"), text(request, "result"));
        int limit = request.queryParameter("limit").map(AuditQueryHandler::limit).orElse(AuditEventQuery.DEFAULT_LIMIT);
        AuditEventQuery.Page page = query.find(tenant, filter, limit, request.queryParameter("cursor"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("events", page.events());
        page.cursor().ifPresent(cursor -> body.put("next_cursor", cursor));
        return ApiResponses.json(200, body);
    }

    /**
     * {@code GET /v1/compliance/report?from&to&standard=} (all three required); HTML when the
     * {@code Accept} header asks for {@code text/html}, JSON otherwise.
     */
    private APIGatewayV2HTTPResponse report(ApiRequest request, String tenant) {
        Instant from = instant(request, "from").orElseThrow(() -> invalid("from", "from is required."));
        Instant to = instant(request, "to").orElseThrow(() -> invalid("to", "to is required."));
        ComplianceReporter.Standard standard = request.queryParameter("standard")
                .flatMap(ComplianceReporter.Standard::of)
                .orElseThrow(() -> invalid("standard", "standard must be one of gdpr, sox, pci, iso27001, soc2."));
        Map<String, Object> report = reports.report(tenant, from, to, standard);
        boolean html = request.header("accept").map(accept -> accept.contains("text/html")).orElse(false);
        return html ? ApiResponses.html(200, ComplianceReportHtml.render(report)) : ApiResponses.json(200, report);
    }

    /**
     * The evidence bundle of an incident for the caller's tenant: the incident, every audit event of
     * the tenant from its detection until now (at most {@link #EXPORT_MAX_EVENTS}, oldest first;
     * {@code truncated} when more exist) and the chain verification of that period. 404 when the
     * incident does not exist or does not affect the caller's tenant (ADR 0066).
     */
    private Map<String, Object> incidentExport(APIGatewayV2HTTPEvent event, String tenant) {
        String id = Optional.ofNullable(event.getPathParameters()).map(p -> p.get("id")).orElse("");
        Incident incident = (INCIDENT_ID.matcher(id).matches() ? incidents.find(id) : Optional.<Incident>empty())
                .filter(i -> i.affectedTenants().contains(tenant))
                .orElseThrow(() -> new ProblemException(ErrorCode.NOT_FOUND, "No such incident."));
        Instant from = incident.detectedAt();
        Instant to = clock.instant();
        AuditEventQuery.Filter period = new AuditEventQuery.Filter(Optional.of(from), Optional.of(to), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty());
        List<Map<String, Object>> events = new java.util.ArrayList<>();
        Optional<String> cursor = Optional.empty();
        do {
            AuditEventQuery.Page page = query.find(tenant, period, AuditEventQuery.MAX_LIMIT, cursor);
            events.addAll(page.events());
            cursor = page.cursor();
        } while (cursor.isPresent() && events.size() < EXPORT_MAX_EVENTS);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("incident", incident.view());
        body.put("tenant", tenant);
        body.put("from", from.toString());
        body.put("to", to.toString());
        body.put("events", events.size() > EXPORT_MAX_EVENTS ? events.subList(0, EXPORT_MAX_EVENTS) : events);
        body.put("truncated", cursor.isPresent() || events.size() > EXPORT_MAX_EVENTS);
        body.put("verification", verifier.verify(tenant, Optional.of(from), Optional.of(to)).wire());
        return body;
    }

    private Map<String, Object> verify(ApiRequest request, String tenant) {
        return verifier.verify(tenant, instant(request, "from"), instant(request, "to")).wire();
    }

    private static Optional<Instant> instant(ApiRequest request, String name) {
        return request.queryParameter(name).map(value -> {
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException e) {
                throw invalid(name, name + " must be an ISO-8601 UTC instant, e.g. 2026-01-31T00:00:00Z.");
            }
        });
    }

    private static Optional<String> text(ApiRequest request, String name) {
        return request.queryParameter(name).map(value -> {
            if (!TEXT.matcher(value).matches()) {
                throw invalid(name, name + " has characters or a length that no stored value has.");
            }
            return value;
        });
    }

    private static AuditSeverity severity(String value) {
        try {
            return AuditSeverity.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw invalid("severity", "severity must be one of critical, high, medium, low.");
        }
    }

    private static int limit(String value) {
        if (!value.matches("[0-9]{1,3}")) {
            throw invalid("limit", "limit must be 1 to " + AuditEventQuery.MAX_LIMIT + ".");
        }
        return Integer.parseInt(value);
    }

    private static ProblemException invalid(String field, String detail) {
        return ProblemException.invalid(ErrorCode.VALIDATION_FAILED, "The request is not valid.",
                List.of(new ProblemException.FieldError(field, "invalid", detail)));
    }
}
