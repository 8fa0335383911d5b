package io.tollgate.authorizer;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.SimpleIAMPolicyResponse;
import io.tollgate.authz.AccessTokenValidator;
import io.tollgate.authz.ApiKeyRepository;
import io.tollgate.authz.DynamoDbWindowCounter;
import io.tollgate.authz.RateLimiter;
import io.tollgate.authz.RequestAuthorizer;
import io.tollgate.authz.RouteCatalog;
import io.tollgate.authz.TenantPolicies;
import io.tollgate.http.ApiRequest;
import io.tollgate.observability.Metrics;
import io.tollgate.platform.SnapStartPriming;
import io.tollgate.platform.TollgateServices;
import io.tollgate.session.SessionRevocations;
import io.tollgate.storage.Attributes;
import io.tollgate.storage.Keys;
import io.tollgate.tenant.Tenant;
import io.tollgate.token.PublishedSigningKeys;
import io.tollgate.token.VerificationKeyCache;
import io.tollgate.observability.LambdaLogging;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The HTTP API Lambda authorizer (REQUEST, payload 2.0, simple responses) in front of every
 * non-public route (ADR 0013). It adapts the event to {@link RequestAuthorizer} and maps
 * the outcome: allowed requests carry the principal in the context ({@code sub}, {@code tenant},
 * {@code org}, {@code roles}, {@code sid}, {@code amr}, {@code auth_time}, {@code auth_method});
 * refusals are passed on as a {@code decision} the functions answer as 401 / 403 / 429 problems;
 * undeclared routes are denied here ({@code isAuthorized: false}).
 *
 * <p>Everything expensive (clients, key parsing, policy and route files) happens once, in the
 * init phase; warm requests are served from caches (zero AWS calls, see docs/performance.md).
 */
public final class AuthorizerHandler implements RequestHandler<APIGatewayV2CustomAuthorizerEvent, SimpleIAMPolicyResponse> {

    /** Metric: one per decision, dimension {@code Verdict} (ALLOW, TOKEN_INVALID, FORBIDDEN, RATE_LIMITED, UNDECLARED_ROUTE). */
    static final String DECISIONS_METRIC = "AuthorizerDecisions";
    /** Metric: time to decide, in milliseconds, same dimension. */
    static final String LATENCY_METRIC = "AuthorizerLatency";

    /** A token that fails before any key look-up ({@code alg: none}): priming never calls AWS. */
    private static final String PRIMING_TOKEN = "eyJhbGciOiJub25lIiwidHlwIjoiYXQrand0Iiwia2lkIjoicCJ9."
            + "eyJzdWIiOiJwIiwidGlkIjoicCJ9.";

    private final RequestAuthorizer authorizer;
    private final Metrics metrics;
    /** SnapStart priming (ADR 0049): held here because the CRaC context holds it weakly. */
    final SnapStartPriming priming;

    /** Used by AWS Lambda. */
    public AuthorizerHandler() {
        this(TollgateServices.fromEnvironment());
    }

    /** Used by the local runtime. */
    public AuthorizerHandler(TollgateServices services) {
        this(create(services), services.metrics());
    }

    /** Used by tests. */
    public AuthorizerHandler(RequestAuthorizer authorizer, Metrics metrics) {
        this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.priming = SnapStartPriming.register(this::prime);
    }

    /**
     * SnapStart priming (ADR 0049): runs the request path (route matching, header and JSON
     * parsing, the refusal mapping) a few thousand times before the snapshot so restored
     * containers start with loaded classes. Uses only inputs refused before any AWS call; returns
     * how many token refusals it produced.
     */
    private int prime() {
        int refused = 0;
        for (int i = 0; i < 2_000; i++) {
            if (authorizer.authorize("GET", "/v1/me", Optional.of("Bearer " + PRIMING_TOKEN), Optional.empty())
                    .verdict() == RequestAuthorizer.Verdict.TOKEN_INVALID) {
                refused++;
            }
            authorizer.authorize("GET", "/v1/users/u-" + (i % 10), Optional.empty(), Optional.of("tg_invalid"));
            authorizer.authorize("POST", "/v1/auth/login", Optional.empty(), Optional.empty());
        }
        return refused;
    }

    static RequestAuthorizer create(TollgateServices services) {
        var tables = services.config().tables();
        var keys = VerificationKeyCache.over(new PublishedSigningKeys(services.dynamoDb(), tables), services.clock());
        var validator = new AccessTokenValidator(keys::byKid, services.clock(), AccessTokenValidator.Settings.defaults(
                services.config().tokenIssuer(), new HashSet<>(services.defaultSettings().tokens().audiences())));
        var apiKeyRepository = new ApiKeyRepository(services.dynamoDb(), tables, services.clock());
        var apiKeys = new CachedApiKeys(apiKeyRepository, services.clock(), SessionRevocations.DEFAULT_MAX_AGE);
        var tenantLimits = new TenantLimits(tenant -> {
            Map<String, AttributeValue> item = services.dynamoDb().getItem(r -> r.tableName(tables.identity())
                    .key(Keys.tenant(tenant))).item();
            return item == null || item.isEmpty() ? services.defaultSettings().rateLimitPerMinute()
                    : Tenant.fromItem(item).settings().rateLimitPerMinute();
        }, services.clock(), Duration.ofMinutes(5));
        // A tenant's role profile never changes (ADR 0039): read once per tenant and container.
        var policies = TenantPolicies.bundled(tenant -> Optional.ofNullable(services.dynamoDb().getItem(r -> r
                .tableName(tables.identity()).key(Keys.tenant(tenant))
                .projectionExpression(Tenant.ROLE_PROFILE_ATTRIBUTE)).item())
                .flatMap(item -> Attributes.string(item, Tenant.ROLE_PROFILE_ATTRIBUTE)));
        return new RequestAuthorizer(RouteCatalog.load(), policies, validator,
                new SessionRevocations(services.dynamoDb(), tables, services.clock(), SessionRevocations.DEFAULT_MAX_AGE,
                        10_000),
                apiKeys, new RateLimiter(new DynamoDbWindowCounter(services.dynamoDb(), tables), services.clock(),
                        RateLimiter.Settings.defaults(), tenantLimits::limit),
                services.clock());
    }

    @Override
    public SimpleIAMPolicyResponse handleRequest(APIGatewayV2CustomAuthorizerEvent event, Context context) {
        return LambdaLogging.around(context, () -> invoke(event));
    }

    private SimpleIAMPolicyResponse invoke(APIGatewayV2CustomAuthorizerEvent event) {
        var http = event.getRequestContext() == null ? null : event.getRequestContext().getHttp();
        String method = http == null || http.getMethod() == null ? "" : http.getMethod();
        String path = event.getRawPath() != null ? event.getRawPath() : http == null ? "" : http.getPath();
        long started = System.nanoTime();
        RequestAuthorizer.Outcome outcome = authorizer.authorize(method, path == null ? "" : path,
                header(event, "authorization"), header(event, "x-api-key"));
        metrics.put(Map.of("Verdict", outcome.verdict().name()), Map.of(
                DECISIONS_METRIC, Metrics.Measurement.count(1),
                LATENCY_METRIC, Metrics.Measurement.milliseconds((System.nanoTime() - started) / 1_000_000.0)));
        Map<String, String> answer = new LinkedHashMap<>(outcome.context());
        switch (outcome.verdict()) {
            case ALLOW -> answer.put(ApiRequest.DECISION, "allow");
            case TOKEN_INVALID -> answer.put(ApiRequest.DECISION, "token_invalid");
            case FORBIDDEN -> answer.put(ApiRequest.DECISION, "forbidden");
            case RATE_LIMITED -> {
                answer.put(ApiRequest.DECISION, "rate_limited");
                answer.put("retry_after", Long.toString(outcome.retryAfterSeconds()));
            }
            case UNDECLARED_ROUTE -> {
                return SimpleIAMPolicyResponse.builder().withIsAuthorized(false).withContext(Map.of()).build();
            }
        }
        return SimpleIAMPolicyResponse.builder().withIsAuthorized(true).withContext(answer).build();
    }

    private static Optional<String> header(APIGatewayV2CustomAuthorizerEvent event, String name) {
        Map<String, String> headers = event.getHeaders();
        if (headers == null) {
            return Optional.empty();
        }
        for (Map.Entry<String, String> entry : headers.entrySet()) {
            if (entry.getKey().equalsIgnoreCase(name) && entry.getValue() != null && !entry.getValue().isEmpty()) {
                return Optional.of(entry.getValue());
            }
        }
        return Optional.empty();
    }
}
