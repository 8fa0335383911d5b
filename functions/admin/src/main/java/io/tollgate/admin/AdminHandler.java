package io.tollgate.admin;

import io.tollgate.administration.ManagedUser;
import io.tollgate.authz.Permission;
import io.tollgate.consent.ConsentService;
import java.util.List;
import io.tollgate.platform.SnapStartPriming.HttpPrimer;
import io.tollgate.platform.SnapStartPriming;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.administration.AdminPaths;
import io.tollgate.administration.AdministrationServices;
import io.tollgate.administration.Caller;
import io.tollgate.administration.Organization;
import io.tollgate.administration.Page;
import io.tollgate.administration.PageRequest;
import io.tollgate.administration.SettingsDocument;
import io.tollgate.administration.TenantAdministration;
import io.tollgate.administration.UserAdministration;
import io.tollgate.http.ApiResponses;
import io.tollgate.incident.Incident;
import io.tollgate.incident.IncidentRegister;
import io.tollgate.http.ErrorCode;
import io.tollgate.http.HttpEndpoint;
import io.tollgate.http.ProblemException;
import io.tollgate.platform.TollgateServices;
import io.tollgate.stepup.StepUpGuard;
import io.tollgate.user.UserDirectory;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Tenant, organisation and user administration (docs/openapi.yaml) and the incident register:
 * adapts API Gateway events to {@link UserAdministration}, {@link TenantAdministration} and
 * {@link IncidentRegister}, which hold every rule (ADR 0017, ADR 0066).
 * The authorizer has already decided on the route (ADR 0013); the services decide again on the
 * loaded resource. The caller is always the authorizer's principal; no body field names a tenant.
 */
public final class AdminHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    /** SnapStart priming (ADR 0049): held here because the CRaC context holds it weakly. */
    final SnapStartPriming priming;

    private static final Pattern USER_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private static final Pattern INCIDENT_ID = Pattern.compile("inc_[0-9a-f]{24}");

    private final UserAdministration users;
    private final TenantAdministration tenants;
    private final IncidentRegister incidents;
    private final Clock clock;
    private final StepUpGuard stepUp;
    private final ConsentService consents;

    /** Read a user's consent state (ADR 0068): administrators only. */
    private static final Permission CONSENT_READ = Permission.required("consent:read");

    /** Used by AWS Lambda. */
    public AdminHandler() {
        this(TollgateServices.fromEnvironment());
    }

    /** Used by the local runtime and tests. */
    public AdminHandler(TollgateServices services) {
        this(AdministrationServices.create(services), services.clock(), new StepUpGuard(new UserDirectory(
                services.dynamoDb(), services.config().tables()), services.clock(), services.defaultSettings()),
                ConsentService.create(services));
    }

    public AdminHandler(AdministrationServices administration, Clock clock, StepUpGuard stepUp, ConsentService consents) {
        this.stepUp = Objects.requireNonNull(stepUp, "stepUp");
        this.consents = Objects.requireNonNull(consents, "consents");
        this.users = Objects.requireNonNull(administration, "administration").users();
        this.tenants = administration.tenants();
        this.incidents = administration.incidents();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.priming = SnapStartPriming.http(this, 35, List.of(
                HttpPrimer.unknownField("POST /v1/tenants"),
                HttpPrimer.unknownField("POST /v1/tenants/{t}/organizations"),
                HttpPrimer.unknownField("POST /v1/users"),
                HttpPrimer.unknownField("PATCH /v1/users/{id}"),
                HttpPrimer.unknownField("PUT /v1/users/{id}/roles"),
                HttpPrimer.unknownField("POST /v1/incidents"),
                HttpPrimer.query("GET /v1/users", Map.of("email", "priming@example.invalid", "limit", "1"))));
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpEndpoint.handle(event, context, request -> {
            Caller caller = Caller.of(request);
            return switch (Optional.ofNullable(event.getRouteKey()).orElse("")) {
                case "POST /v1/tenants" -> {
                    TenantAdministration.CreatedTenant created = tenants.create(caller,
                            request.body(TenantAdministration.NewTenant.class));
                    yield ApiResponses.json(201, view(created));
                }
                case "POST /v1/tenants/{t}/organizations" -> ApiResponses.json(201, tenants.createOrganization(caller,
                        AdminPaths.tenant(event), request.body(TenantAdministration.NewOrganization.class)).view());
                case "GET /v1/tenants/{t}/organizations" -> ApiResponses.json(200, page("organizations",
                        tenants.organizations(caller, AdminPaths.tenant(event), PageRequest.fromQuery(event.getQueryStringParameters())),
                        Organization::view));
                case "GET /v1/tenants/{t}/settings" -> ApiResponses.json(200,
                        SettingsDocument.write(tenants.settings(caller, AdminPaths.tenant(event))));
                case "PUT /v1/tenants/{t}/settings" -> ApiResponses.json(200, SettingsDocument.write(
                        tenants.replaceSettings(caller, AdminPaths.tenant(event), request.body(JsonNode.class))));
                case "POST /v1/users" -> ApiResponses.json(201,
                        users.create(caller, request.body(UserAdministration.NewUser.class)).view(clock.instant()));
                case "GET /v1/users" -> {
                    Instant now = clock.instant();
                    Map<String, String> query = event.getQueryStringParameters() == null ? Map.of()
                            : event.getQueryStringParameters();
                    if (query.containsKey("email")) {
                        Map<String, String> rest = new HashMap<>(query);
                        String email = rest.remove("email");
                        if (!rest.isEmpty()) {
                            // A look-up by address is one answer: no paging parameters with it.
                            throw ProblemException.invalid(ErrorCode.VALIDATION_FAILED, "The request is not valid.",
                                    java.util.List.of(new ProblemException.FieldError(rest.keySet().iterator().next(),
                                            "not_with_email", "email is not combined with other parameters.")));
                        }
                        yield ApiResponses.json(200, page("users", new Page<>(users.findByEmail(caller, email),
                                Optional.empty()), u -> u.view(now)));
                    }
                    yield ApiResponses.json(200, page("users",
                            users.list(caller, PageRequest.fromQuery(query)), u -> u.view(now)));
                }
                case "GET /v1/users/{id}" -> ApiResponses.json(200, users.get(caller, userId(event)).view(clock.instant()));
                case "PATCH /v1/users/{id}" -> {
                    UserAdministration.UserChange change = request.body(UserAdministration.UserChange.class);
                    if (change.email() != null && userId(event).equals(caller.principal().userId())) {
                        // One's own address receives the security notices: changing it needs a recent sign-in (ADR 0053).
                        stepUp.require(request.requirePrincipal());
                    }
                    yield ApiResponses.json(200, users.update(caller, userId(event), change).view(clock.instant()));
                }
                case "DELETE /v1/users/{id}" -> {
                    users.delete(caller, userId(event));
                    yield ApiResponses.empty(204);
                }
                case "PUT /v1/users/{id}/roles" -> ApiResponses.json(200, users.replaceRoles(caller, userId(event),
                        request.body(UserAdministration.RoleAssignment.class)).view(clock.instant()));
                case "DELETE /v1/users/{id}/api-keys" -> ApiResponses.json(200,
                        Map.of("revoked", users.revokeApiKeys(caller, userId(event))));
                case "POST /v1/tenants/{t}/api-keys/revoke-all" -> ApiResponses.json(200,
                        Map.of("revoked", users.revokeTenantApiKeys(caller, AdminPaths.tenant(event))));
                case "GET /v1/users/{id}/consents" -> {
                    // The rules of an administrator reading a data subject (scope, rank), then the state.
                    ManagedUser subject = users.subject(caller, userId(event), CONSENT_READ);
                    yield ApiResponses.json(200, Map.of("user_id", subject.userId(), "consents",
                            consents.list(subject.tenantId(), subject.userId())));
                }
                case "POST /v1/users/{id}/unlock" -> {
                    users.unlock(caller, userId(event));
                    yield ApiResponses.empty(204);
                }
                case "POST /v1/incidents" -> ApiResponses.json(201,
                        incidents.open(caller, request.body(IncidentRegister.NewIncident.class)).view());
                case "GET /v1/incidents" -> ApiResponses.json(200, Map.of("incidents",
                        incidents.list(caller).stream().map(Incident::view).toList()));
                case "GET /v1/incidents/{id}" -> ApiResponses.json(200,
                        incidents.get(caller, incidentId(event)).view());
                case "POST /v1/incidents/{id}/phase" -> ApiResponses.json(200, incidents.advance(caller,
                        incidentId(event), request.body(IncidentRegister.PhaseMove.class)).view());
                default -> throw new ProblemException(ErrorCode.NOT_FOUND, "No such route.");
            };
        });
    }

    /** An incident id is {@code inc_} and 24 hex digits; anything else cannot exist (404). */
    private static String incidentId(APIGatewayV2HTTPEvent event) {
        String id = AdminPaths.parameter(event, "id");
        if (!INCIDENT_ID.matcher(id).matches()) {
            throw new ProblemException(ErrorCode.NOT_FOUND, "No such incident.");
        }
        return id;
    }

    /** A user id is a UUID; anything else cannot exist (404, like an unknown id). */
    private static String userId(APIGatewayV2HTTPEvent event) {
        String id = AdminPaths.parameter(event, "id");
        if (!USER_ID.matcher(id).matches()) {
            throw new ProblemException(ErrorCode.NOT_FOUND, "No such user.");
        }
        return id;
    }

    private static <T> Map<String, Object> page(String name, Page<T> page, Function<T, Map<String, Object>> view) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(name, page.items().stream().map(view).toList());
        out.put("next_cursor", page.nextCursor().orElse(null));
        return out;
    }

    private Map<String, Object> view(TenantAdministration.CreatedTenant created) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", created.tenant().id());
        out.put("name", created.tenant().name());
        out.put("status", created.tenant().status().name());
        out.put("role_profile", created.tenant().roleProfile());
        out.put("settings", SettingsDocument.write(created.tenant().settings()));
        created.admin().ifPresent(admin -> out.put("admin", admin.view(clock.instant())));
        return out;
    }
}
