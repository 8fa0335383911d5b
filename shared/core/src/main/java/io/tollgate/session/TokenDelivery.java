package io.tollgate.session;

/**
 * How the refresh token reaches the client (ADR 0007): in the JSON body for API clients, or in a
 * {@code __Host-} cookie (HttpOnly, Secure, SameSite=Strict) for the {@code admin-panel}
 * browser audience, which must then echo its CSRF token in {@code X-CSRF-Token}.
 */
public enum TokenDelivery {
    BODY, COOKIE;

    /** Browsers of the admin panel get cookies; every other audience gets the body. */
    public static TokenDelivery forAudience(String audience) {
        return "admin-panel".equals(audience) ? COOKIE : BODY;
    }
}
