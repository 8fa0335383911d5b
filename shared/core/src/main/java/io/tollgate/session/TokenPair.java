package io.tollgate.session;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The token answer of SPEC.md §3: an access JWT and an opaque refresh token. */
public record TokenPair(@JsonProperty("access_token") String accessToken,
        @JsonProperty("refresh_token") String refreshToken,
        @JsonProperty("token_type") String tokenType,
        @JsonProperty("expires_in") long expiresIn) {

    @Override
    public String toString() {
        return "TokenPair[tokenType=" + tokenType + ", expiresIn=" + expiresIn + "]";
    }
}
