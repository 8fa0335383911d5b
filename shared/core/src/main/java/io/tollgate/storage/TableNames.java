package io.tollgate.storage;

import java.util.Objects;

/**
 * Physical names of Tollgate's DynamoDB tables (from the template's environment variables).
 *
 * <ul>
 *   <li>{@code identity}: tenants, organisations, users and user-id pointers;</li>
 *   <li>{@code sessions}: sessions and refresh tokens;</li>
 *   <li>{@code security}: failure counters, IP blocks, MFA challenges (all with TTL).</li>
 * </ul>
 */
public record TableNames(String identity, String sessions, String security) {
    public TableNames {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(sessions, "sessions");
        Objects.requireNonNull(security, "security");
    }
}
