package io.tollgate.alerting;

import java.util.Map;
import java.util.Objects;

/**
 * Alerting's deployment configuration, read once from the environment (template.yaml).
 *
 * @param siemSecretPrefix {@code SIEM_SECRET_PREFIX}: the name prefix of the per-tenant SIEM
 *                         signing secrets ({@code <prefix><tenant>}); the IAM policy grants
 *                         exactly this prefix. Defaults to {@value #DEFAULT_SIEM_SECRET_PREFIX}
 *                         (the local runtime).
 */
public record AlertingConfig(String siemSecretPrefix) {

    public static final String SIEM_SECRET_PREFIX = "SIEM_SECRET_PREFIX";
    public static final String DEFAULT_SIEM_SECRET_PREFIX = "tollgate/siem/";

    public AlertingConfig {
        Objects.requireNonNull(siemSecretPrefix, "siemSecretPrefix");
        if (!siemSecretPrefix.matches("[A-Za-z0-9/_+=.@-]{1,400}")) {
            throw new IllegalStateException("Environment variable " + SIEM_SECRET_PREFIX + " is not a secret name prefix");
        }
    }

    public static AlertingConfig fromEnvironment(Map<String, String> env) {
        String value = env.get(SIEM_SECRET_PREFIX);
        return new AlertingConfig(value == null || value.isBlank() ? DEFAULT_SIEM_SECRET_PREFIX : value.strip());
    }
}
