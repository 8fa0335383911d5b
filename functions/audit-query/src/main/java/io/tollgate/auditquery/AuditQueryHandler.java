package io.tollgate.auditquery;

import io.tollgate.platform.SnapStartPriming.HttpPrimer;
import io.tollgate.platform.SnapStartPriming;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.tollgate.audit.AuditEventType;
import io.tollgate.audit.AuditRecorder;
import io.tollgate.audit.AuditSeverity;
import io.tollgate.audit.chain.ChainVerifier;
import io.tollgate.audit.platform.AuditServices;
import io.tollgate.audit.query.AuditEventQuery;
import io.tollgate.audit.report.ComplianceReportHtml;
import io.tollgate.audit.report.ComplianceReporter;
import io.tollgate.audit.verification.VerificationJob;
import io.tollgate.audit.verification.VerificationJobQueue;
import io.tollgate.audit.verification.VerificationJobs;
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
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * {@code GET /v1/audit/events}, {@code GET /v1/audit/verify}, the compliance report and the
 * incident export (docs/openapi.yaml, permission
 * {@code audit:read}, enforced by the authorizer). Both act on the caller's own tenant, taken from
 * the verified token, never from the request: no parameter can name another tenant.
 *
 * <p>Ranges longer than {@link #MAX_VERIFY_POSITIONS} are verified by an asynchronous job (ADR 0071):
 * {@code POST /v1/audit/verifications} queues it (202 with its id and {@code Location}),
 * {@code GET /v1/audit/verifications/{id}} answers its state and, once completed, the report
 * {@code GET /v1/audit/verify} would give. A job is looked up under the caller's tenant only.
 *
 * <p>Reading the trail is itself audited (ADR 0062): a search or a verification is recorded as
 * {@code data_query}, a compliance report as {@code report_generation} (both LOW), with the
 * parameters the caller used and never what was returned.
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
    /**
     * Chain positions {@code GET /v1/audit/verify} checks in one request: API Gateway answers within 30 s, and
     * reading and hashing 20 000 events takes a few seconds. Longer ranges are checked in consecutive pieces
     * (each anchored on a signed digest), by an asynchronous job (ADR 0071) or in full with
     * {@code ./tollgate audit verify}.
     */
    static final long MAX_VERIFY_POSITIONS = 20_000;
    private final long maxVerifyPositions;
    private final ComplianceReporter reports;
    private final AuditRecorder audit;
    private final VerificationJobs jobs;
    private final Supplier<VerificationJobQueue> jobQueue;
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
        this(audit, MAX_VERIFY_POSITIONS);
    }

    /** As above, with the bound of {@code GET /v1/audit/verify} given (tests). */
    AuditQueryHandler(AuditServices services, long maxVerifyPositions) {
        this(services.query(), services.verifier(), services.complianceReporter(), services.platform().audit(),
                services.verificationJobs(), services::verificationQueue, new IncidentStore(
                        services.platform().dynamoDb(), services.platform().config().tables().identity()),
                services.platform().clock(), maxVerifyPositions);
    }

    private AuditQueryHandler(AuditEventQuery query, ChainVerifier verifier, ComplianceReporter reports,
            AuditRecorder audit, VerificationJobs jobs, Supplier<VerificationJobQueue> jobQueue, IncidentStore incidents,
            java.time.Clock clock, long maxVerifyPositions) {
        this.jobs = Objects.requireNonNull(jobs, "jobs");
        this.jobQueue = Objects.requireNonNull(jobQueue, "jobQueue");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.maxVerifyPositions = maxVerifyPositions;
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
                case "GET /v1/audit/verify" -> verify(request, tenant);
                case "GET /v1/compliance/report" -> report(request, tenant);
                case "POST /v1/audit/verifications" -> startVerification(request, tenant);
                case "GET /v1/audit/verifications/{id}" -> verification(request, event, tenant);
                case "GET /v1/incidents/{id}/export" -> incidentExport(request, event, tenant);
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
        Map<String, Object> used = parameters(request, "from", "to", "type", "severity", "user", "result", "limit");
        used.put("cursor", request.queryParameter("cursor").isPresent());
        recordRead(AuditEventType.DATA_QUERY, request, "audit_events", "search", used);
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
        Map<String, Object> used = parameters(request, "from", "to", "standard");
        used.put("format", html ? "html" : "json");
        recordRead(AuditEventType.REPORT_GENERATION, request, "compliance_report", "generate", used);
        return html ? ApiResponses.html(200, ComplianceReportHtml.render(report), ComplianceReportHtml.styleHash())
                : ApiResponses.json(200, report);
    }

    private APIGatewayV2HTTPResponse verify(ApiRequest request, String tenant) {
        Map<String, Object> report;
        try {
            report = verifier.verify(tenant, instant(request, "from"), instant(request, "to"), maxVerifyPositions).wire();
        } catch (ChainVerifier.RangeTooLargeException tooLarge) {
            throw ProblemException.invalid(ErrorCode.VALIDATION_FAILED, "The request is not valid.",
                    List.of(new ProblemException.FieldError("to", "range_too_large", "The range holds "
                            + tooLarge.positions() + " audit events; one request verifies at most " + maxVerifyPositions
                            + ". Verify consecutive, shorter from/to ranges, or start an asynchronous verification"
                            + " with POST /v1/audit/verifications.")));
        }
        recordRead(AuditEventType.DATA_QUERY, request, "audit_chain", "verify", parameters(request, "from", "to"));
        return ApiResponses.json(200, report);
    }

    /** The body of {@code POST /v1/audit/verifications}: the range, as for {@code GET /v1/audit/verify}. */
    record VerificationRequest(String from, String to) {
    }

    /**
     * {@code POST /v1/audit/verifications}: stores a pending job for the caller's tenant, queues it for the
     * worker, answers 202 with the job and its {@code Location}.
     */
    private APIGatewayV2HTTPResponse startVerification(ApiRequest request, String tenant) {
        VerificationRequest range = request.body(VerificationRequest.class);
        Optional<Instant> from = instant("from", range.from());
        Optional<Instant> to = instant("to", range.to());
        if (from.isPresent() && to.isPresent() && to.get().isBefore(from.get())) {
            throw invalid("to", "to must not be before from.");
        }
        VerificationJob job = jobs.create(tenant, from, to);
        jobQueue.get().enqueue(new VerificationJobQueue.Message(tenant, job.id()));
        Map<String, Object> used = new LinkedHashMap<>();
        from.ifPresent(value -> used.put("from", value.toString()));
        to.ifPresent(value -> used.put("to", value.toString()));
        recordRead(AuditEventType.DATA_QUERY, request, "audit_verification", "create", used);
        APIGatewayV2HTTPResponse response = ApiResponses.json(202, jobBody(job));
        response.getHeaders().put("Location", "/v1/audit/verifications/" + job.id());
        return response;
    }

    /** {@code GET /v1/audit/verifications/{id}}: the caller's tenant's job, 404 for any other id. */
    private APIGatewayV2HTTPResponse verification(ApiRequest request, APIGatewayV2HTTPEvent event, String tenant) {
        String id = Optional.ofNullable(event.getPathParameters()).map(p -> p.get("id")).orElse("");
        VerificationJob job = jobs.find(tenant, id)
                .orElseThrow(() -> new ProblemException(ErrorCode.NOT_FOUND, "No such verification job."));
        recordRead(AuditEventType.DATA_QUERY, request, "audit_verification", "read", Map.of("id", job.id()));
        return ApiResponses.json(200, jobBody(job));
    }

    /** A job on the wire: id, status, range, times, progress while running, the report once completed. */
    private static Map<String, Object> jobBody(VerificationJob job) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", job.id());
        body.put("status", job.status().wireName());
        job.from().ifPresent(from -> body.put("from", from.toString()));
        job.to().ifPresent(to -> body.put("to", to.toString()));
        body.put("created_at", job.createdAt().toString());
        body.put("updated_at", job.updatedAt().toString());
        body.put("expires_at", job.expiresAt().toString());
        if (job.status() == VerificationJob.Status.RUNNING) {
            job.progress().ifPresent(progress -> body.put("progress", Map.of("from_seq", progress.fromSeq(),
                    "to_seq", progress.toSeq(), "next_seq", progress.nextSeq())));
        }
        job.report().ifPresent(report -> body.put("report", report));
        return body;
    }

    /** The query parameters among {@code names} the caller gave (already validated by the read), as given. */
    private static Map<String, Object> parameters(ApiRequest request, String... names) {
        Map<String, Object> used = new LinkedHashMap<>();
        for (String name : names) {
            request.queryParameter(name).ifPresent(value -> used.put(name, value));
        }
        return used;
    }

    /** Records that the caller read the trail: what and with which parameters, never the result (ADR 0062). */
    private void recordRead(AuditEventType type, ApiRequest request, String resource, String action,
            Map<String, Object> parameters) {
        ApiRequest.Principal caller = request.requirePrincipal();
        audit.record(type, new AuditRecorder.Actor(caller.tenantId(), caller.userId(), caller.organizationId(),
                request.sourceIp(), request.userAgent()), resource, action, "success", Map.of("parameters", parameters));
    }

    /**
     * The evidence bundle of an incident for the caller's tenant: the incident, every audit event of
     * the tenant from its detection until now (at most {@link #EXPORT_MAX_EVENTS}, oldest first;
     * {@code truncated} when more exist) and the chain verification of that period. 404 when the
     * incident does not exist or does not affect the caller's tenant (ADR 0066).
     */
    private APIGatewayV2HTTPResponse incidentExport(ApiRequest request, APIGatewayV2HTTPEvent event, String tenant) {
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
        Map<String, Object> verification;
        try {
            verification = verifier.verify(tenant, Optional.of(from), Optional.of(to), maxVerifyPositions).wire();
        } catch (ChainVerifier.RangeTooLargeException tooLarge) {
            // Too long to verify within one request: the bundle says so and how to verify it (ADR 0071).
            verification = Map.of("verified", false, "reason", "range_too_large", "positions", tooLarge.positions(),
                    "verify_with", "POST /v1/audit/verifications");
        }
        body.put("verification", verification);
        recordRead(AuditEventType.DATA_QUERY, request, "incident", "export", Map.of("id", incident.id()));
        return ApiResponses.json(200, body);
    }

    private static Optional<Instant> instant(ApiRequest request, String name) {
        return instant(name, request.queryParameter(name).orElse(null));
    }

    private static Optional<Instant> instant(String name, String value) {
        return Optional.ofNullable(value).map(given -> {
            try {
                return Instant.parse(given);
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
