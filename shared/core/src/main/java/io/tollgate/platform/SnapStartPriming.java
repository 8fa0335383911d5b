package io.tollgate.platform;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.tollgate.http.ApiRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;

/**
 * SnapStart priming of one function (ADR 0049): before the snapshot of a published version is
 * taken ({@link #beforeCheckpoint}), the function's request path is run with synthetic requests
 * that it refuses before any AWS call or state change, so that a restored container starts with
 * the classes of that path loaded and initialised (event mapping, JSON, validation, problem+json,
 * the JSON log line) instead of loading them on its first real request.
 *
 * <p>Priming never writes, never records an audit event, never sends mail or SMS and never logs
 * anything but the refusals' codes: each function's priming test proves it against DynamoDB Local.
 * The handler keeps the returned object in a field: the CRaC context holds resources weakly.
 */
public final class SnapStartPriming implements Resource {

    private static final Logger LOG = LoggerFactory.getLogger(SnapStartPriming.class);
    private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([^}]+)}");
    /** The caller of every priming request; no tenant or user has this id (ids are generated). */
    static final String PRIMING_ID = "snapstart-priming";

    private final IntSupplier prime;

    private SnapStartPriming(IntSupplier prime) {
        this.prime = Objects.requireNonNull(prime, "prime");
    }

    /**
     * Registers {@code prime} to run before the snapshot. {@code prime} runs the function's request
     * path with refused inputs only and answers how many were refused as expected.
     */
    public static SnapStartPriming register(IntSupplier prime) {
        SnapStartPriming priming = new SnapStartPriming(prime);
        Core.getGlobalContext().register(priming);
        return priming;
    }

    /**
     * Priming of an HTTP function: each of {@code requests} is sent {@code rounds} times through
     * {@code handler}'s {@code handleRequest} (the whole path of a real request, from the API
     * Gateway event to the problem+json answer); a request counts as refused when answered 4xx.
     */
    public static SnapStartPriming http(RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler,
            int rounds, List<HttpPrimer> requests) {
        Objects.requireNonNull(handler, "handler");
        List<HttpPrimer> primers = List.copyOf(requests);
        return register(() -> {
            int refused = 0;
            for (int round = 0; round < rounds; round++) {
                for (HttpPrimer primer : primers) {
                    int status = handler.handleRequest(primer.event(round), null).getStatusCode();
                    if (status >= 400 && status < 500) {
                        refused++;
                    }
                }
            }
            return refused;
        });
    }

    /**
     * The key {@link #dynamoDbRead} asks for: every table's {@code pk}/{@code sk} pair, held by no item.
     * Public so the template checks can prove each function's policy allows this read, conditions included.
     */
    public static final String PRIMING_KEY = "SNAPSTART#PRIMING";

    /**
     * Invoke priming of the AWS SDK (ADR 0049): one strongly consistent {@code GetItem} of
     * {@value #PRIMING_KEY} in {@code table}, a key no item has, so the snapshot holds the SDK's
     * request path loaded and initialised (endpoint rules, credentials, signing, the HTTP client,
     * JSON marshalling and unmarshalling) that every first DynamoDB call of a restored container
     * would otherwise load. A read only; a failure is logged by its type and never fails the
     * snapshot. Answers 0 (it refuses nothing).
     */
    public static SnapStartPriming dynamoDbRead(DynamoDbClient dynamoDb, String table) {
        Objects.requireNonNull(dynamoDb, "dynamoDb");
        Objects.requireNonNull(table, "table");
        GetItemRequest read = GetItemRequest.builder().tableName(table).consistentRead(true).key(Map.of(
                "pk", AttributeValue.fromS(PRIMING_KEY), "sk", AttributeValue.fromS(PRIMING_KEY))).build();
        return register(() -> {
            try {
                dynamoDb.getItem(read);
            } catch (SdkException e) {
                LOG.warn("snapstart priming read failed error={}", e.getClass().getSimpleName());
            }
            return 0;
        });
    }

    /** Runs the priming now (what {@link #beforeCheckpoint} runs); answers how many requests were refused. */
    public int prime() {
        return prime.getAsInt();
    }

    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        long started = System.nanoTime();
        int refused = prime();
        LOG.info("snapstart priming done refused={} ms={}", refused, (System.nanoTime() - started) / 1_000_000);
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
        // Nothing to refresh: priming leaves no connection, cache entry or state behind.
    }

    /**
     * One synthetic HTTP request for priming: a route of the function with a body and query that
     * the route refuses before any AWS call. It carries an allowed authorizer context for the
     * caller {@value #PRIMING_ID} so authenticated routes reach their own parsing and validation.
     */
    public record HttpPrimer(String routeKey, String body, Map<String, String> query, String authMethod) {

        public HttpPrimer {
            Objects.requireNonNull(routeKey, "routeKey");
            query = Map.copyOf(query);
        }

        /** {@code routeKey} with a JSON body carrying a field no request type accepts (refused when parsed). */
        public static HttpPrimer unknownField(String routeKey) {
            return new HttpPrimer(routeKey, "{\"snapstart_priming\":true}", Map.of(), null);
        }

        /** {@code routeKey} with {@code body}, which the route must refuse. */
        public static HttpPrimer body(String routeKey, String body) {
            return new HttpPrimer(routeKey, body, Map.of(), null);
        }

        /** {@code routeKey} (no body) with {@code query}, which the route must refuse. */
        public static HttpPrimer query(String routeKey, Map<String, String> query) {
            return new HttpPrimer(routeKey, null, query, null);
        }

        /** This request as authenticated by {@code method} (e.g. {@code api_key}) instead of a bearer token. */
        public HttpPrimer authenticatedBy(String method) {
            return new HttpPrimer(routeKey, body, query, method);
        }

        /** The API Gateway event of this request, round {@code round}. */
        public APIGatewayV2HTTPEvent event(int round) {
            String method = routeKey.substring(0, routeKey.indexOf(' '));
            String template = routeKey.substring(routeKey.indexOf(' ') + 1);
            Map<String, String> pathParameters = new LinkedHashMap<>();
            Matcher parameters = PATH_PARAMETER.matcher(template);
            while (parameters.find()) {
                pathParameters.put(parameters.group(1), PRIMING_ID);
            }
            String path = PATH_PARAMETER.matcher(template).replaceAll(PRIMING_ID);
            Map<String, Object> authorizer = new LinkedHashMap<>();
            authorizer.put(ApiRequest.DECISION, "allow");
            authorizer.put("sub", PRIMING_ID);
            authorizer.put("tenant", PRIMING_ID);
            authorizer.put("roles", "user");
            if (authMethod != null) {
                authorizer.put("auth_method", authMethod);
            }
            return APIGatewayV2HTTPEvent.builder()
                    .withRouteKey(routeKey).withRawPath(path)
                    .withPathParameters(pathParameters.isEmpty() ? null : pathParameters)
                    .withQueryStringParameters(query.isEmpty() ? null : query)
                    .withHeaders(Map.of("content-type", "application/json", "user-agent", PRIMING_ID))
                    .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                            .withRequestId("priming-" + round)
                            .withRouteKey(routeKey)
                            .withAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                                    .withLambda(authorizer).build())
                            .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod(method)
                                    .withPath(path).withSourceIp("127.0.0.1").build())
                            .build())
                    .withBody(body)
                    .build();
        }
    }
}
