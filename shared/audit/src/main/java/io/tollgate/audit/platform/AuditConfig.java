package io.tollgate.audit.platform;

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
 */
public record AuditConfig(String table, Optional<String> deadLetterQueue, Optional<String> signingKeyId,
        Optional<String> dataKeyId) {

    public static final String AUDIT_TABLE = "AUDIT_TABLE";
    public static final String AUDIT_DLQ_URL = "AUDIT_DLQ_URL";
    public static final String AUDIT_SIGNING_KEY_ID = "AUDIT_SIGNING_KEY_ID";
    public static final String AUDIT_DATA_KEY_ID = "AUDIT_DATA_KEY_ID";

    public AuditConfig {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(deadLetterQueue, "deadLetterQueue");
        Objects.requireNonNull(signingKeyId, "signingKeyId");
        Objects.requireNonNull(dataKeyId, "dataKeyId");
    }

    public static AuditConfig fromEnvironment(Map<String, String> env) {
        return new AuditConfig(optional(env, AUDIT_TABLE).orElseThrow(() -> new IllegalStateException(
                "Environment variable " + AUDIT_TABLE + " is required")),
                optional(env, AUDIT_DLQ_URL), optional(env, AUDIT_SIGNING_KEY_ID), optional(env, AUDIT_DATA_KEY_ID));
    }

    private static Optional<String> optional(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }
}
