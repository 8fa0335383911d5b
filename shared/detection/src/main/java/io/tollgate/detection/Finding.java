package io.tollgate.detection;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What one rule found in one event: the subject ({@code ip:…}, {@code user:…} or {@code tenant:…}),
 * the fixed window it was counted in, the thresholds in force, the figures seen, and what to do.
 */
public record Finding(String subject, Instant windowStart, Instant windowEnd, Map<String, Object> thresholds,
        Map<String, Object> inputs, String severity, String action) {

    /** Block the subject's address in login's IP counter. */
    public static final String BLOCK_IP = "block_ip";
    /** Lock the subject's account (login) and void its sessions and tokens (authorizer, refresh). */
    public static final String LOCK_ACCOUNT = "lock_account";
    /** Only the {@code security_alert} audit event. */
    public static final String ALERT = "alert";

    public Finding {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(windowStart, "windowStart");
        Objects.requireNonNull(windowEnd, "windowEnd");
        thresholds = Map.copyOf(thresholds);
        inputs = Map.copyOf(inputs);
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(action, "action");
    }
}
