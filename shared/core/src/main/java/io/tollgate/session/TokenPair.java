package io.tollgate.session;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The token answer of docs/openapi.yaml: an access JWT and an opaque refresh token. In cookie mode
 * (ADR 0007) the refresh token travels in a {@code __Host-} cookie instead of the body, and the
 * body carries the CSRF token the browser must echo in {@code X-CSRF-Token}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TokenPair(@JsonProperty("access_token") String accessToken,
        @JsonProperty("refresh_token") String refreshToken,
        @JsonProperty("token_type") String tokenType,
        @JsonProperty("expires_in") long expiresIn,
        @JsonProperty("csrf_token") String csrfToken) {

    public TokenPair(String accessToken, String refreshToken, String tokenType, long expiresIn) {
        this(accessToken, refreshToken, tokenType, expiresIn, null);
    }

    /** The body to send when the refresh token goes into a cookie. */
    public TokenPair withoutRefreshToken() {
        return new TokenPair(accessToken, null, tokenType, expiresIn, csrfToken);
    }

    @Override
    public String toString() {
        return "TokenPair[tokenType=" + tokenType + ", expiresIn=" + expiresIn + "]";
    }
}
