package io.tollgate.authz;

import io.tollgate.session.SessionRevocations;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decision of the HTTP API Lambda authorizer for one request (ADR 0013): route
 * declared in the {@link RouteCatalog} (undeclared → denied), credential verified (RFC 8725
 * access token or API key), session and user not revoked ({@link SessionRevocations}, ≤ 30 s
 * stale), the token's audience one the route accepts ({@link Route#accepts}, ADR 0052),
 * permission granted by the {@link AccessPolicy} on the target (tenant and org from the token,
 * never from the body), and the principal under its rate limit.
 *
 * <p>A warm request pays no AWS call: keys, revocation state, API keys and tenant limits are
 * cached; the rate limiter leases its tokens in batches.
 */
public final class RequestAuthorizer {

    private static final Logger LOG = LoggerFactory.getLogger(RequestAuthorizer.class);
    private static final String BEARER = "bearer ";

    private final RouteCatalog routes;
    private final TenantPolicies policies;
    private final AccessTokenValidator tokens;
    private final SessionRevocations revocations;
    private final ApiKeyLookup apiKeys;
    private final RateLimiter rateLimiter;
    private final Clock clock;

    /** Cached API key look-up (the authorizer's view of {@link ApiKeyRepository}). */
    public interface ApiKeyLookup {
        Optional<ApiKeyRepository.ApiKeyRecord> find(String prefix);
    }

    /** One policy for every tenant. */
    public RequestAuthorizer(RouteCatalog routes, AccessPolicy policy, AccessTokenValidator tokens,
            SessionRevocations revocations, ApiKeyLookup apiKeys, RateLimiter rateLimiter, Clock clock) {
        this(routes, TenantPolicies.single(policy), tokens, revocations, apiKeys, rateLimiter, clock);
    }

    /** Each principal's roles read in its own tenant's role profile (ADR 0039). */
    public RequestAuthorizer(RouteCatalog routes, TenantPolicies policies, AccessTokenValidator tokens,
            SessionRevocations revocations, ApiKeyLookup apiKeys, RateLimiter rateLimiter, Clock clock) {
        this.routes = Objects.requireNonNull(routes, "routes");
        this.policies = Objects.requireNonNull(policies, "policies");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.revocations = Objects.requireNonNull(revocations, "revocations");
        this.apiKeys = Objects.requireNonNull(apiKeys, "apiKeys");
        this.rateLimiter = Objects.requireNonNull(rateLimiter, "rateLimiter");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** What the authorizer answers: allow with the principal's context, or one of the refusals. */
    public record Outcome(Verdict verdict, Map<String, String> context, long retryAfterSeconds, String reason) {
        public Outcome {
            context = Map.copyOf(context);
        }

        static Outcome refuse(Verdict verdict, String reason) {
            return new Outcome(verdict, Map.of(), 0, reason);
        }
    }

    /** The verdicts, each mapped to one HTTP answer by the functions' shared error mapper. */
    public enum Verdict {
        ALLOW, TOKEN_INVALID, FORBIDDEN, RATE_LIMITED, UNDECLARED_ROUTE
    }

    /** Decides for {@code method rawPath} with the request's {@code Authorization} and {@code X-Api-Key} headers. */
    public Outcome authorize(String method, String rawPath, Optional<String> authorization, Optional<String> apiKey) {
        Optional<RouteMatch> match = routes.match(method.toUpperCase(Locale.ROOT), rawPath);
        if (match.isEmpty()) {
            return Outcome.refuse(Verdict.UNDECLARED_ROUTE, "undeclared_route");
        }
        Route route = match.get().route();
        if (route.access() == Route.Access.PUBLIC) {
            return new Outcome(Verdict.ALLOW, Map.of("auth_method", "none"), 0, "public");
        }
        Optional<Authenticated> caller;
        if (apiKey.isPresent() && authorization.isEmpty()) {
            if (!acceptsApiKey(route)) {
                return Outcome.refuse(Verdict.TOKEN_INVALID, "api_key_not_accepted_here");
            }
            caller = fromApiKey(apiKey.get());
        } else if (authorization.isPresent() && apiKey.isEmpty()) {
            if (route.credential() == Route.Credential.API_KEY) {
                return Outcome.refuse(Verdict.TOKEN_INVALID, "api_key_required");
            }
            caller = fromBearer(authorization.get());
        } else {
            return Outcome.refuse(Verdict.TOKEN_INVALID, authorization.isEmpty() ? "no_credential" : "two_credentials");
        }
        if (caller.isEmpty()) {
            return Outcome.refuse(Verdict.TOKEN_INVALID, "credential_invalid");
        }
        Authenticated who = caller.get();
        if (!route.accepts(who.audience())) {
            return Outcome.refuse(Verdict.TOKEN_INVALID, "audience_not_accepted");
        }
        Decision decision = match.get().decide(policies.forTenant(who.principal().tenant()), who.principal());
        if (!decision.allowed()) {
            return Outcome.refuse(Verdict.FORBIDDEN, decision.reason().name().toLowerCase(Locale.ROOT));
        }
        RateLimiter.RateDecision rate = rateLimiter.acquire(who.principal().tenant(), who.rateKey());
        if (!rate.allowed()) {
            return new Outcome(Verdict.RATE_LIMITED, Map.of(), rate.retryAfterSeconds(), "rate_limited");
        }
        Map<String, String> context = new LinkedHashMap<>(who.context());
        if (!decision.constraints().isEmpty()) {
            context.put("scope_constraints", decision.constraints().stream().map(s -> s.name().toLowerCase(Locale.ROOT))
                    .sorted().collect(Collectors.joining(",")));
        }
        return new Outcome(Verdict.ALLOW, context, 0, decision.reason().name().toLowerCase(Locale.ROOT));
    }

    /**
     * API keys act on permission routes, on their own {@code GET /v1/me}, and on API-key routes; never on
     * account management, nor on a route that names token audiences (an API key has none).
     */
    static boolean acceptsApiKey(Route route) {
        return route.credential() == Route.Credential.API_KEY
                || (route.access() == Route.Access.PERMISSION && route.audiences().isEmpty())
                || (route.method().equals("GET") && route.path().equals("/v1/me"));
    }

    /** A verified caller; {@code audience} is the access token's {@code aud}, {@code null} for an API key. */
    private record Authenticated(Principal principal, String rateKey, Map<String, String> context, String audience) {
    }

    private Optional<Authenticated> fromBearer(String header) {
        if (header.length() <= BEARER.length() || !header.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
            return Optional.empty();
        }
        VerifiedAccessToken token;
        try {
            token = tokens.validate(header.substring(BEARER.length()).strip());
        } catch (TokenRejectedException e) {
            LOG.info("Access token refused: {}", e.reason());
            return Optional.empty();
        }
        if (revocations.revoked(token.tenant(), token.sub(), token.sid(), token.issuedAt())) {
            LOG.info("Access token refused: session revoked");
            return Optional.empty();
        }
        Principal principal = Principal.of(token);
        Map<String, String> context = new LinkedHashMap<>();
        context.put("sub", token.sub());
        context.put("tenant", token.tenant());
        token.org().ifPresent(org -> context.put("org", org));
        context.put("roles", String.join(",", token.roles()));
        context.put("sid", token.sid());
        context.put("amr", String.join(",", token.amr()));
        token.authTime().ifPresent(t -> context.put("auth_time", Long.toString(t.getEpochSecond())));
        context.put("auth_method", "bearer");
        return Optional.of(new Authenticated(principal, token.tenant() + "#USER#" + token.sub(), context,
                token.audience()));
    }

    private Optional<Authenticated> fromApiKey(String header) {
        Optional<ApiKeys.PresentedApiKey> presented = ApiKeys.parse(header.strip());
        if (presented.isEmpty()) {
            return Optional.empty();
        }
        Optional<ApiKeyRepository.ApiKeyRecord> stored = apiKeys.find(presented.get().prefix());
        if (stored.isEmpty() || !stored.get().usableAt(clock.instant())
                || !ApiKeys.verify(presented.get(), stored.get().stored())) {
            LOG.info("API key refused: prefix {}", presented.get().prefix());
            return Optional.empty();
        }
        ApiKeyRepository.ApiKeyRecord key = stored.get();
        if (revocations.apiKeyOwnerBlocked(key.tenantId(), key.userId(), key.username())) {
            LOG.info("API key refused: owner disabled, locked or gone");
            return Optional.empty();
        }
        Principal principal = new Principal(key.userId(), key.tenantId(), Optional.ofNullable(key.organizationId()),
                key.roles());
        Map<String, String> context = new LinkedHashMap<>();
        context.put("sub", key.userId());
        context.put("tenant", key.tenantId());
        if (key.organizationId() != null) {
            context.put("org", key.organizationId());
        }
        context.put("roles", String.join(",", key.roles()));
        context.put("api_key", key.prefix());
        context.put("auth_method", "api_key");
        return Optional.of(new Authenticated(principal, key.tenantId() + "#KEY#" + key.prefix(), context, null));
    }

    /** For tests and metrics: the roles as the context carries them. */
    static List<String> roles(Map<String, String> context) {
        return List.of(context.getOrDefault("roles", "").split(","));
    }
}
