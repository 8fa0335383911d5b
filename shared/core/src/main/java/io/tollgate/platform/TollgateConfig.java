package io.tollgate.platform;

import io.tollgate.storage.TableNames;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The deployment configuration, read once from the function's environment variables (set by
 * template.yaml) into a validated record (STYLE.md habit 3). A missing required variable fails
 * the cold start with a message naming it.
 *
 * @param dataKeyId            KMS key of envelope encryption ({@value #DATA_KEY_ID}); required by
 *                             functions that encrypt or decrypt (TOTP secrets)
 * @param mailFrom             sender address of Tollgate's mail ({@value #MAIL_FROM}); required by
 *                             functions that send mail (e-mail MFA codes)
 * @param mfaPepperSecretId    Secrets Manager secret holding the backup-code pepper (ADR 0009)
 * @param emailIndexSecretId   Secrets Manager secret holding the e-mail blind-index key (ADR 0046)
 * @param sms                  the SMS provider ({@value #SMS_FROM}, {@value #SMS_PROVIDER_SECRET_ID},
 *                             {@value #SMS_API_BASE_URL}); set only on functions that text codes (ADR 0032)
 */
public record TollgateConfig(TableNames tables, String tokenIssuer, Optional<String> signingKeySecretId,
        Optional<String> endpointOverride, Optional<String> dataKeyId, Optional<String> mailFrom,
        Optional<String> mfaPepperSecretId, Optional<String> auditQueueUrl, Optional<String> emailIndexSecretId,
        Optional<SmsProvider> sms) {

    /**
     * A Twilio-compatible SMS API: the sender number, the Secrets Manager secret with
     * {@code {"account_sid","auth_token"}}, the API base URL and the per-number daily cap.
     */
    public record SmsProvider(String from, String secretId, URI baseUrl, int dailyLimitPerNumber) {
        public SmsProvider {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(secretId, "secretId");
            Objects.requireNonNull(baseUrl, "baseUrl");
            if (dailyLimitPerNumber < 1 || dailyLimitPerNumber > 1000) {
                throw new IllegalStateException("Environment variable " + SMS_DAILY_LIMIT_PER_NUMBER
                        + " must be 1..1000");
            }
        }
    }

    public static final String IDENTITY_TABLE = "IDENTITY_TABLE";
    public static final String SESSIONS_TABLE = "SESSIONS_TABLE";
    public static final String SECURITY_TABLE = "SECURITY_TABLE";
    public static final String TOKEN_ISSUER = "TOKEN_ISSUER";
    public static final String SIGNING_KEYS_SECRET_ID = "SIGNING_KEYS_SECRET_ID";
    public static final String DATA_KEY_ID = "DATA_KEY_ID";
    public static final String MAIL_FROM = "MAIL_FROM";
    public static final String MFA_PEPPER_SECRET_ID = "MFA_PEPPER_SECRET_ID";
    /** Secrets Manager secret holding the e-mail blind-index key (ADR 0046). */
    public static final String EMAIL_INDEX_SECRET_ID = "EMAIL_INDEX_SECRET_ID";
    /** Sender of SMS codes (E.164, or the provider's messaging-service id); with the secret id, enables SMS. */
    public static final String SMS_FROM = "SMS_FROM";
    /** Secrets Manager secret {@code {"account_sid","auth_token"}} of the SMS provider. */
    public static final String SMS_PROVIDER_SECRET_ID = "SMS_PROVIDER_SECRET_ID";
    /** Base URL of the Twilio-compatible API; default {@code https://api.twilio.com}. */
    public static final String SMS_API_BASE_URL = "SMS_API_BASE_URL";
    /** SMS per number and UTC day (SMS pumping defence); default 10. */
    public static final String SMS_DAILY_LIMIT_PER_NUMBER = "SMS_DAILY_LIMIT_PER_NUMBER";
    /** The audit ingest queue (SQS FIFO); when absent, audit events go to the log only. */
    public static final String AUDIT_QUEUE_URL = "AUDIT_QUEUE_URL";
    /** Only for tests and the local runtime: send AWS calls to this endpoint. */
    public static final String AWS_ENDPOINT_URL = "AWS_ENDPOINT_URL";

    public TollgateConfig {
        Objects.requireNonNull(tables, "tables");
        Objects.requireNonNull(tokenIssuer, "tokenIssuer");
        Objects.requireNonNull(signingKeySecretId, "signingKeySecretId");
        Objects.requireNonNull(endpointOverride, "endpointOverride");
        Objects.requireNonNull(dataKeyId, "dataKeyId");
        Objects.requireNonNull(mailFrom, "mailFrom");
        Objects.requireNonNull(mfaPepperSecretId, "mfaPepperSecretId");
        Objects.requireNonNull(auditQueueUrl, "auditQueueUrl");
        Objects.requireNonNull(emailIndexSecretId, "emailIndexSecretId");
        Objects.requireNonNull(sms, "sms");
    }

    /** A configuration without the e-mail blind-index secret and without SMS. */
    public TollgateConfig(TableNames tables, String tokenIssuer, Optional<String> signingKeySecretId,
            Optional<String> endpointOverride, Optional<String> dataKeyId, Optional<String> mailFrom,
            Optional<String> mfaPepperSecretId, Optional<String> auditQueueUrl) {
        this(tables, tokenIssuer, signingKeySecretId, endpointOverride, dataKeyId, mailFrom, mfaPepperSecretId,
                auditQueueUrl, Optional.empty(), Optional.empty());
    }

    /** A configuration without encryption, mail, pepper or audit queue (tests, tools, the local runtime). */
    public TollgateConfig(TableNames tables, String tokenIssuer, Optional<String> signingKeySecretId,
            Optional<String> endpointOverride) {
        this(tables, tokenIssuer, signingKeySecretId, endpointOverride, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    public static TollgateConfig fromEnvironment(Map<String, String> env) {
        return new TollgateConfig(
                new TableNames(required(env, IDENTITY_TABLE), required(env, SESSIONS_TABLE), required(env, SECURITY_TABLE)),
                required(env, TOKEN_ISSUER),
                optional(env, SIGNING_KEYS_SECRET_ID),
                optional(env, AWS_ENDPOINT_URL),
                optional(env, DATA_KEY_ID),
                optional(env, MAIL_FROM),
                optional(env, MFA_PEPPER_SECRET_ID),
                optional(env, AUDIT_QUEUE_URL),
                optional(env, EMAIL_INDEX_SECRET_ID),
                smsProvider(env));
    }

    private static Optional<SmsProvider> smsProvider(Map<String, String> env) {
        Optional<String> from = optional(env, SMS_FROM);
        Optional<String> secret = optional(env, SMS_PROVIDER_SECRET_ID);
        if (from.isEmpty()) {
            // No sender configured: SMS is off in this deployment (requests for it answer 503).
            return Optional.empty();
        }
        String limit = optional(env, SMS_DAILY_LIMIT_PER_NUMBER).orElse("10");
        if (!limit.matches("[0-9]{1,4}")) {
            throw new IllegalStateException("Environment variable " + SMS_DAILY_LIMIT_PER_NUMBER + " must be 1..1000");
        }
        URI base = URI.create(optional(env, SMS_API_BASE_URL).orElse("https://api.twilio.com"));
        return Optional.of(new SmsProvider(required(env, SMS_FROM), required(env, SMS_PROVIDER_SECRET_ID), base,
                Integer.parseInt(limit)));
    }

    private static String required(Map<String, String> env, String name) {
        return optional(env, name).orElseThrow(() -> new IllegalStateException(
                "Environment variable " + name + " is required"));
    }

    private static Optional<String> optional(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }
}
