package io.tollgate.audit.platform;

import io.tollgate.audit.ingest.AuditEventValidator;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The audit functions' configuration, read once from their environment (template.yaml). Each
 * function gets only what it needs: the ingest consumer the dead-letter queue and the data key,
 * the digest job the signing key, the query function the table and the signing key (to verify).
 *
 * @param table             {@code AUDIT_TABLE}, required
 * @param deadLetterQueue   {@code AUDIT_DLQ_URL}: where invalid events go
 * @param signingKeyId      {@code AUDIT_SIGNING_KEY_ID}: the KMS asymmetric key of the digests
 * @param dataKeyId         {@code AUDIT_DATA_KEY_ID}: the KMS key of the personal-data envelopes
 * @param submittedMaxAge   {@code AUDIT_SUBMITTED_MAX_AGE_HOURS}: how old a submitted event may be
 *                          (default 24 h, 1 to 720; ADR 0060)
 * @param verificationQueue {@code AUDIT_VERIFICATION_QUEUE_URL}: where asynchronous verification jobs go (ADR 0071)
 */
public record AuditConfig(String table, Optional<String> deadLetterQueue, Optional<String> signingKeyId,
        Optional<String> dataKeyId, Duration submittedMaxAge, Optional<String> verificationQueue) {

    public static final String AUDIT_TABLE = "AUDIT_TABLE";
    public static final String AUDIT_DLQ_URL = "AUDIT_DLQ_URL";
    public static final String AUDIT_SIGNING_KEY_ID = "AUDIT_SIGNING_KEY_ID";
    public static final String AUDIT_DATA_KEY_ID = "AUDIT_DATA_KEY_ID";
    public static final String AUDIT_SUBMITTED_MAX_AGE_HOURS = "AUDIT_SUBMITTED_MAX_AGE_HOURS";
    public static final String AUDIT_VERIFICATION_QUEUE_URL = "AUDIT_VERIFICATION_QUEUE_URL";

    public AuditConfig {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(deadLetterQueue, "deadLetterQueue");
        Objects.requireNonNull(signingKeyId, "signingKeyId");
        Objects.requireNonNull(dataKeyId, "dataKeyId");
        Objects.requireNonNull(submittedMaxAge, "submittedMaxAge");
        Objects.requireNonNull(verificationQueue, "verificationQueue");
    }

    public static AuditConfig fromEnvironment(Map<String, String> env) {
        return new AuditConfig(optional(env, AUDIT_TABLE).orElseThrow(() -> new IllegalStateException(
                "Environment variable " + AUDIT_TABLE + " is required")),
                optional(env, AUDIT_DLQ_URL), optional(env, AUDIT_SIGNING_KEY_ID), optional(env, AUDIT_DATA_KEY_ID),
                optional(env, AUDIT_SUBMITTED_MAX_AGE_HOURS).map(AuditConfig::hours)
                        .orElse(AuditEventValidator.DEFAULT_SUBMITTED_MAX_AGE),
                optional(env, AUDIT_VERIFICATION_QUEUE_URL));
    }

    private static Duration hours(String text) {
        try {
            long hours = Long.parseLong(text);
            if (hours >= 1 && hours <= 720) {
                return Duration.ofHours(hours);
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalStateException(AUDIT_SUBMITTED_MAX_AGE_HOURS + " must be a whole number of hours, 1 to 720");
    }

    private static Optional<String> optional(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }
}
