package io.tollgate.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.tollgate.session.TokenDelivery;
import io.tollgate.session.TokenPair;
import java.time.Duration;
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
        if (delivery == TokenDelivery.COOKIE) {
            return RefreshCookies.set(ApiResponses.json(200, tokens.withoutRefreshToken()), tokens.refreshToken(),
                    tokens.csrfToken(), cookieLifetime);
        }
        return ApiResponses.json(200, tokens);
    }
}
