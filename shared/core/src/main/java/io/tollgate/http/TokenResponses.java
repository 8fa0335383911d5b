package io.tollgate.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.type.TypeReference;
import io.tollgate.json.Json;
import io.tollgate.session.TokenDelivery;
import io.tollgate.session.TokenPair;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The one way every function answers with a token pair (login, MFA verify, refresh): JSON body
 * with {@code Cache-Control: no-store}, or, in cookie mode, the refresh token moved into the
 * {@link RefreshCookies} and left out of the body.
 */
public final class TokenResponses {

    /** Syntax of an audience named in a request (the tenant's settings decide if it is allowed). */
    public static final Pattern AUDIENCE = Pattern.compile("[a-z][a-z-]{0,31}");

    private TokenResponses() {
    }

    public static APIGatewayV2HTTPResponse of(TokenPair tokens, TokenDelivery delivery, Duration cookieLifetime) {
        return of(tokens, delivery, cookieLifetime, Map.of());
    }

    /**
     * As {@link #of(TokenPair, TokenDelivery, Duration)}, with more members in the body (e.g. the
     * backup codes shown once when an enrolment completes a login).
     */
    public static APIGatewayV2HTTPResponse of(TokenPair tokens, TokenDelivery delivery, Duration cookieLifetime,
            Map<String, Object> extra) {
        TokenPair shown = delivery == TokenDelivery.COOKIE ? tokens.withoutRefreshToken() : tokens;
        Object body = shown;
        if (!extra.isEmpty()) {
            Map<String, Object> members = new LinkedHashMap<>(Json.mapper().convertValue(shown, MEMBERS));
            members.putAll(extra);
            body = members;
        }
        APIGatewayV2HTTPResponse response = ApiResponses.json(200, body);
        if (delivery == TokenDelivery.COOKIE) {
            return RefreshCookies.set(response, tokens.refreshToken(), tokens.csrfToken(), cookieLifetime);
        }
        return response;
    }

    private static final TypeReference<Map<String, Object>> MEMBERS = new TypeReference<>() {
    };
}
