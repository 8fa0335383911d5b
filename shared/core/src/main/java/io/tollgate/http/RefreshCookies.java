package io.tollgate.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The cookie mode of the {@code admin-panel} audience (ADR 0007): the refresh token travels only
 * in {@code __Host-tollgate-refresh} (HttpOnly, Secure, SameSite=Strict, Path=/ — the
 * {@code __Host-} prefix requires {@code Path=/} and forbids {@code Domain}, so the cookie is
 * bound to exactly this host), and a JavaScript-readable {@code __Host-tollgate-csrf} cookie
 * carries the CSRF token that every cookie-authenticated request must echo in
 * {@code X-CSRF-Token}; the server compares its hash with the one stored on the refresh token.
 */
public final class RefreshCookies {

    public static final String REFRESH = "__Host-tollgate-refresh";
    public static final String CSRF = "__Host-tollgate-csrf";
    public static final String CSRF_HEADER = "X-CSRF-Token";

    private RefreshCookies() {
    }

    /** Adds the two cookies to {@code response}; they live as long as the session may. */
    public static APIGatewayV2HTTPResponse set(APIGatewayV2HTTPResponse response, String refreshToken, String csrfToken,
            Duration maxAge) {
        List<String> cookies = new ArrayList<>(response.getCookies() == null ? List.of() : response.getCookies());
        cookies.add(REFRESH + "=" + refreshToken + "; Path=/; Max-Age=" + maxAge.toSeconds()
                + "; HttpOnly; Secure; SameSite=Strict");
        cookies.add(CSRF + "=" + csrfToken + "; Path=/; Max-Age=" + maxAge.toSeconds() + "; Secure; SameSite=Strict");
        response.setCookies(cookies);
        return response;
    }

    /** Adds cookies that delete both (logout). */
    public static APIGatewayV2HTTPResponse clear(APIGatewayV2HTTPResponse response) {
        List<String> cookies = new ArrayList<>(response.getCookies() == null ? List.of() : response.getCookies());
        cookies.add(REFRESH + "=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict");
        cookies.add(CSRF + "=; Path=/; Max-Age=0; Secure; SameSite=Strict");
        response.setCookies(cookies);
        return response;
    }
}
