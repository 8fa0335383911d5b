package io.tollgate.jwks;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.tollgate.http.ApiResponses;
import io.tollgate.http.ErrorCode;
import io.tollgate.http.HttpEndpoint;
import io.tollgate.http.ProblemException;
import io.tollgate.platform.TollgateServices;
import io.tollgate.token.JsonWebKeys;
import io.tollgate.token.PublishedSigningKeys;
import io.tollgate.token.VerificationKeyCache;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code GET /.well-known/jwks.json} (RFC 7517) and {@code GET /.well-known/openid-configuration}
 * (discovery metadata, OpenID Connect Discovery 1.0 / RFC 8414 fields that apply). Reads only the
 * published public keys, through a cache, so a warm container answers without an AWS call; the
 * answers may be cached by clients and CDNs for 5 minutes.
 */
public final class JwksHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    static final String CACHE_CONTROL = "public, max-age=300";

    private final VerificationKeyCache keys;
    private final String issuer;

    /** Used by AWS Lambda. */
    public JwksHandler() {
        this(TollgateServices.fromEnvironment());
    }

    /** Used by the local runtime. */
    public JwksHandler(TollgateServices services) {
        this(VerificationKeyCache.over(new PublishedSigningKeys(services.dynamoDb(), services.config().tables()),
                services.clock()), services.config().tokenIssuer());
    }

    /** Used by tests. */
    public JwksHandler(VerificationKeyCache keys, String issuer) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.issuer = Objects.requireNonNull(issuer, "issuer");
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return HttpEndpoint.handle(event, context, request -> switch (Optional.ofNullable(event.getRouteKey()).orElse("")) {
            case "GET /.well-known/jwks.json" -> cacheable(ApiResponses.json(200, JsonWebKeys.toJwkSet(keys.current()
                    .orElseThrow(() -> new ProblemException(ErrorCode.SERVICE_UNAVAILABLE,
                            "No signing keys are published yet.")))), "application/jwk-set+json");
            case "GET /.well-known/openid-configuration" -> cacheable(ApiResponses.json(200, discovery()),
                    "application/json");
            default -> throw new ProblemException(ErrorCode.NOT_FOUND, "No such route.");
        });
    }

    private Map<String, Object> discovery() {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("issuer", issuer);
        metadata.put("jwks_uri", issuer + "/.well-known/jwks.json");
        metadata.put("token_endpoint", issuer + "/v1/auth/token/refresh");
        metadata.put("revocation_endpoint", issuer + "/v1/auth/logout");
        metadata.put("grant_types_supported", List.of("password", "refresh_token"));
        metadata.put("response_types_supported", List.of("token"));
        metadata.put("subject_types_supported", List.of("public"));
        metadata.put("token_endpoint_auth_methods_supported", List.of("none"));
        metadata.put("id_token_signing_alg_values_supported", List.of("RS256"));
        metadata.put("access_token_signing_alg_values_supported", List.of("RS256"));
        metadata.put("claims_supported", List.of("iss", "sub", "aud", "exp", "iat", "nbf", "jti", "tid", "org",
                "roles", "sid", "amr", "auth_time"));
        return metadata;
    }

    private static APIGatewayV2HTTPResponse cacheable(APIGatewayV2HTTPResponse response, String contentType) {
        Map<String, String> headers = new LinkedHashMap<>(response.getHeaders());
        headers.put("Cache-Control", CACHE_CONTROL);
        headers.remove("Pragma");
        headers.put("Content-Type", contentType);
        response.setHeaders(headers);
        return response;
    }
}
