package io.tollgate.detection;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;

/**
 * What a rule decided and why: the rule and its version, the thresholds in force, the figures it
 * saw and the action taken. The id is derived from rule, tenant, subject and window, so detecting
 * the same pattern again (a retried stream batch, a replay) names the same decision (ADR 0020).
 */
public record DetectionDecision(String decisionId, String tenantId, String ruleId, int ruleVersion, String subject,
        Instant windowStart, Instant windowEnd, Map<String, Object> thresholds, Map<String, Object> inputs,
        String severity, String action, String triggeringEventId) {

    public DetectionDecision {
        Objects.requireNonNull(decisionId, "decisionId");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(ruleId, "ruleId");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(windowStart, "windowStart");
        Objects.requireNonNull(windowEnd, "windowEnd");
        thresholds = Map.copyOf(thresholds);
        inputs = Map.copyOf(inputs);
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(triggeringEventId, "triggeringEventId");
    }

    /** {@code dd_} + the first 128 bits of SHA-256(rule | version | tenant | subject | window start), hex. */
    public static String idFor(String ruleId, int ruleVersion, String tenantId, String subject, Instant windowStart) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(String.join("|", ruleId,
                    Integer.toString(ruleVersion), tenantId, subject, Long.toString(windowStart.getEpochSecond()))
                    .getBytes(StandardCharsets.UTF_8));
            return "dd_" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required", e);
        }
    }
}
