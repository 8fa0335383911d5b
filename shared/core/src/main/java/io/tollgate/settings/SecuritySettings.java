package io.tollgate.settings;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Every security knob of a tenant, in one immutable, validated value (docs/contract.md §Security defaults).
 *
 * <p>{@link #defaults()} is the secure baseline from seed 000 and OWASP ASVS; a tenant may
 * override any field, but every value is validated against a floor so an override can make
 * Tollgate stricter or looser only within safe bounds.
 */
public record SecuritySettings(
        PasswordSettings password,
        Argon2Settings passwordHash,
        LockoutSettings lockout,
        LockoutSettings ipBlock,
        TokenSettings tokens,
        SessionSettings sessions,
        int rateLimitPerMinute,
        MfaSettings mfa,
        WebAuthnSettings webauthn,
        AlertingSettings alerting,
        AnomalySettings anomaly,
        ConsentSettings consent) {

    public SecuritySettings {
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(passwordHash, "passwordHash");
        Objects.requireNonNull(lockout, "lockout");
        Objects.requireNonNull(ipBlock, "ipBlock");
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(sessions, "sessions");
        require(rateLimitPerMinute >= 1 && rateLimitPerMinute <= 1_000_000, "rateLimitPerMinute out of range");
        // Tenants stored before the MFA issue have no "mfa" member: they get the default.
        mfa = mfa == null ? MfaSettings.defaults() : mfa;
        // Tenants stored before passkeys have no "webauthn" member: they get the local defaults.
        webauthn = webauthn == null ? WebAuthnSettings.defaults() : webauthn;
        // Tenants stored before alerting have no "alerting" member: no contacts, 15-minute window, no SIEM.
        alerting = alerting == null ? AlertingSettings.defaults() : alerting;
        // Tenants stored before anomaly detection have no "anomaly" member: they get the defaults.
        anomaly = anomaly == null ? AnomalySettings.defaults() : anomaly;
        // Tenants stored before consent purposes have no "consent" member: no purposes (ADR 0068).
        consent = consent == null ? ConsentSettings.defaults() : consent;
    }

    /** Settings without consent purposes. */
    public SecuritySettings(PasswordSettings password, Argon2Settings passwordHash, LockoutSettings lockout,
            LockoutSettings ipBlock, TokenSettings tokens, SessionSettings sessions, int rateLimitPerMinute,
            MfaSettings mfa, WebAuthnSettings webauthn, AlertingSettings alerting, AnomalySettings anomaly) {
        this(password, passwordHash, lockout, ipBlock, tokens, sessions, rateLimitPerMinute, mfa, webauthn, alerting,
                anomaly, ConsentSettings.defaults());
    }

    /** Settings with default anomaly thresholds. */
    public SecuritySettings(PasswordSettings password, Argon2Settings passwordHash, LockoutSettings lockout,
            LockoutSettings ipBlock, TokenSettings tokens, SessionSettings sessions, int rateLimitPerMinute,
            MfaSettings mfa, WebAuthnSettings webauthn, AlertingSettings alerting) {
        this(password, passwordHash, lockout, ipBlock, tokens, sessions, rateLimitPerMinute, mfa, webauthn, alerting,
                AnomalySettings.defaults());
    }

    /** Settings with default alerting. */
    public SecuritySettings(PasswordSettings password, Argon2Settings passwordHash, LockoutSettings lockout,
            LockoutSettings ipBlock, TokenSettings tokens, SessionSettings sessions, int rateLimitPerMinute,
            MfaSettings mfa, WebAuthnSettings webauthn, AnomalySettings anomaly) {
        this(password, passwordHash, lockout, ipBlock, tokens, sessions, rateLimitPerMinute, mfa, webauthn,
                AlertingSettings.defaults(), anomaly);
    }

    /** Settings without alerting and anomaly members: their defaults. */
    public SecuritySettings(PasswordSettings password, Argon2Settings passwordHash, LockoutSettings lockout,
            LockoutSettings ipBlock, TokenSettings tokens, SessionSettings sessions, int rateLimitPerMinute,
            MfaSettings mfa, WebAuthnSettings webauthn) {
        this(password, passwordHash, lockout, ipBlock, tokens, sessions, rateLimitPerMinute, mfa, webauthn,
                AlertingSettings.defaults(), AnomalySettings.defaults());
    }

    /** Settings without a WebAuthn member: {@link WebAuthnSettings#defaults()}. */
    public SecuritySettings(PasswordSettings password, Argon2Settings passwordHash, LockoutSettings lockout,
            LockoutSettings ipBlock, TokenSettings tokens, SessionSettings sessions, int rateLimitPerMinute,
            MfaSettings mfa) {
        this(password, passwordHash, lockout, ipBlock, tokens, sessions, rateLimitPerMinute, mfa,
                WebAuthnSettings.defaults());
    }

    /** Settings without an MFA member: {@link MfaSettings#defaults()}. */
    public SecuritySettings(PasswordSettings password, Argon2Settings passwordHash, LockoutSettings lockout,
            LockoutSettings ipBlock, TokenSettings tokens, SessionSettings sessions, int rateLimitPerMinute) {
        this(password, passwordHash, lockout, ipBlock, tokens, sessions, rateLimitPerMinute, MfaSettings.defaults());
    }

    /** A copy with {@code mfa} replaced. */
    public SecuritySettings withMfa(MfaSettings mfa) {
        return new SecuritySettings(password, passwordHash, lockout, ipBlock, tokens, sessions, rateLimitPerMinute, mfa,
                webauthn, alerting, anomaly, consent);
    }

    /** A copy with {@code anomaly} replaced. */
    public SecuritySettings withAnomaly(AnomalySettings anomaly) {
        return new SecuritySettings(password, passwordHash, lockout, ipBlock, tokens, sessions, rateLimitPerMinute, mfa,
                webauthn, alerting, anomaly, consent);
    }

    /** A copy with {@code webauthn} replaced. */
    public SecuritySettings withWebAuthn(WebAuthnSettings webauthn) {
        return new SecuritySettings(password, passwordHash, lockout, ipBlock, tokens, sessions, rateLimitPerMinute, mfa,
                webauthn, alerting, anomaly, consent);
    }

    /** A copy with {@code alerting} replaced. */
    public SecuritySettings withAlerting(AlertingSettings alerting) {
        return new SecuritySettings(password, passwordHash, lockout, ipBlock, tokens, sessions, rateLimitPerMinute, mfa,
                webauthn, alerting, anomaly, consent);
    }

    /** A copy with {@code consent} replaced. */
    public SecuritySettings withConsent(ConsentSettings consent) {
        return new SecuritySettings(password, passwordHash, lockout, ipBlock, tokens, sessions, rateLimitPerMinute, mfa,
                webauthn, alerting, anomaly, consent);
    }

    /** Seed 000 defaults: see docs/contract.md §Security defaults. */
    public static SecuritySettings defaults() {
        return new SecuritySettings(
                PasswordSettings.defaults(),
                Argon2Settings.defaults(),
                new LockoutSettings(5, Duration.ofMinutes(15), Duration.ofMinutes(30)),
                new LockoutSettings(20, Duration.ofMinutes(15), Duration.ofMinutes(60)),
                TokenSettings.defaults(),
                new SessionSettings(Duration.ofMinutes(30), Duration.ofDays(7), 3),
                1000,
                MfaSettings.defaults());
    }

    static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Password rules of seed 000 ({@code PASSWORD_POLICY}). */
    public record PasswordSettings(int minLength, int maxLength, boolean requireUppercase, boolean requireLowercase,
            boolean requireDigit, boolean requireSpecial, boolean blockCommon, int minStrengthScore,
            int historySize, Duration maxAge) {

        public PasswordSettings {
            require(minLength >= 8 && minLength <= 128, "password.minLength must be 8..128");
            require(maxLength >= minLength && maxLength <= 256, "password.maxLength must be minLength..256");
            require(minStrengthScore >= 0 && minStrengthScore <= 4, "password.minStrengthScore must be 0..4");
            require(historySize >= 0 && historySize <= 24, "password.historySize must be 0..24");
            Objects.requireNonNull(maxAge, "password.maxAge");
        }

        public static PasswordSettings defaults() {
            return new PasswordSettings(12, 256, true, true, true, true, true, 3, 12, Duration.ofDays(90));
        }
    }

    /** Argon2id cost (OWASP: m=19 MiB, t=2, p=1); raising it re-hashes at the next login. */
    public record Argon2Settings(int memoryKib, int iterations, int parallelism) {
        public Argon2Settings {
            require(memoryKib >= 8 * 1024 && memoryKib <= 1024 * 1024, "passwordHash.memoryKib must be 8 MiB..1 GiB");
            require(iterations >= 1 && iterations <= 10, "passwordHash.iterations must be 1..10");
            require(parallelism >= 1 && parallelism <= 8, "passwordHash.parallelism must be 1..8");
        }

        public static Argon2Settings defaults() {
            return new Argon2Settings(19 * 1024, 2, 1);
        }
    }

    /** "{@code threshold} failures within {@code window} lock for {@code duration}". */
    public record LockoutSettings(int threshold, Duration window, Duration duration) {
        public LockoutSettings {
            require(threshold >= 1 && threshold <= 1000, "lockout threshold must be 1..1000");
            Objects.requireNonNull(window, "window");
            Objects.requireNonNull(duration, "duration");
            require(!window.isNegative() && !window.isZero(), "lockout window must be positive");
            require(!duration.isNegative() && !duration.isZero(), "lockout duration must be positive");
            require(window.compareTo(Duration.ofMinutes(1)) >= 0 && window.compareTo(Duration.ofDays(1)) <= 0,
                    "lockout window must be 1 minute..1 day");
            require(duration.compareTo(Duration.ofMinutes(1)) >= 0 && duration.compareTo(Duration.ofDays(30)) <= 0,
                    "lockout duration must be 1 minute..30 days");
        }
    }

    /** Token lifetimes and identity (docs/contract.md §Tokens and keys). */
    public record TokenSettings(Duration accessTokenTtl, Duration clockSkew, List<String> audiences,
            String defaultAudience) {
        public TokenSettings {
            Objects.requireNonNull(accessTokenTtl, "accessTokenTtl");
            Objects.requireNonNull(clockSkew, "clockSkew");
            audiences = List.copyOf(audiences);
            require(accessTokenTtl.compareTo(Duration.ofMinutes(1)) >= 0
                    && accessTokenTtl.compareTo(Duration.ofHours(1)) <= 0, "accessTokenTtl must be 1..60 minutes");
            require(audiences.contains(defaultAudience), "defaultAudience must be one of audiences");
            require(!clockSkew.isNegative() && clockSkew.compareTo(Duration.ofMinutes(5)) <= 0,
                    "clockSkew must be 0..5 minutes");
        }

        public static TokenSettings defaults() {
            return new TokenSettings(Duration.ofMinutes(15), Duration.ofSeconds(60),
                    List.of("api-users", "admin-panel"), "api-users");
        }
    }

    /**
     * Session idle timeout, absolute refresh-token life and concurrency cap (seed 000), and the
     * step-up window (ADR 0053): how recent {@code auth_time} must be for a credential change
     * (1-60 minutes, default 5; tenants stored before it get the default).
     */
    public record SessionSettings(Duration idleTimeout, Duration absoluteLifetime, int maxConcurrent,
            Duration stepUpMaxAge) {

        /** The default step-up window. */
        public static final Duration DEFAULT_STEP_UP_MAX_AGE = Duration.ofMinutes(5);

        /** Settings with the default step-up window. */
        public SessionSettings(Duration idleTimeout, Duration absoluteLifetime, int maxConcurrent) {
            this(idleTimeout, absoluteLifetime, maxConcurrent, DEFAULT_STEP_UP_MAX_AGE);
        }

        public SessionSettings {
            Objects.requireNonNull(idleTimeout, "idleTimeout");
            Objects.requireNonNull(absoluteLifetime, "absoluteLifetime");
            stepUpMaxAge = stepUpMaxAge == null ? DEFAULT_STEP_UP_MAX_AGE : stepUpMaxAge;
            require(stepUpMaxAge.compareTo(Duration.ofMinutes(1)) >= 0
                    && stepUpMaxAge.compareTo(Duration.ofMinutes(60)) <= 0, "stepUpMaxAge must be 1..60 minutes");
            require(maxConcurrent >= 1 && maxConcurrent <= 100, "maxConcurrent must be 1..100");
            require(idleTimeout.compareTo(Duration.ofMinutes(1)) >= 0 && idleTimeout.compareTo(Duration.ofDays(1)) <= 0,
                    "idleTimeout must be 1 minute..1 day");
            require(absoluteLifetime.compareTo(idleTimeout) >= 0 && absoluteLifetime.compareTo(Duration.ofDays(90)) <= 0,
                    "absoluteLifetime must be idleTimeout..90 days");
        }
    }

    /**
     * Second-factor policy (seed 000 §Authentication, ADR 0011). With {@code required}, a user
     * who has no second factor enrolled gets no tokens after the password step, only an
     * enrolment challenge; TOTP parameters are fixed by docs/contract.md §Security defaults (SHA-1, 6 digits, 30 s, ±1).
     *
     * <p>{@code smsAllowed} opts the tenant in to SMS codes (ADR 0032). Off by default: SMS is the
     * weakest factor (SIM swap, SS7 interception, SMS pumping), so a tenant turns it on knowingly.
     * While off, no phone number can be registered and no SMS code is offered or sent.
     */
    public record MfaSettings(boolean required, boolean smsAllowed) {

        /** Settings with SMS codes off. */
        public MfaSettings(boolean required) {
            this(required, false);
        }

        /** A copy with {@code smsAllowed} replaced. */
        public MfaSettings withSmsAllowed(boolean allowed) {
            return new MfaSettings(required, allowed);
        }

        public static MfaSettings defaults() {
            return new MfaSettings(false, false);
        }
    }

    /**
     * The WebAuthn relying party of a tenant (W3C WebAuthn Level 2 §5.1.3/§7; ADR 0040): the RP id
     * (a registrable domain suffix of the origins, e.g. {@code bank.example}) and the exact origins
     * the browser may report in {@code clientDataJSON}. The defaults fit only the local runtime
     * ({@code localhost}, {@code http://localhost:3000}); a deployed tenant sets its own. Origins
     * must be {@code https://}, except {@code http://localhost[:port]} for development.
     */
    public record WebAuthnSettings(String rpId, List<String> origins) {

        public WebAuthnSettings {
            require(rpId != null && rpId.matches("[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?"),
                    "webauthn.rpId must be a lower-case host name");
            require(origins != null && !origins.isEmpty() && origins.size() <= 10, "webauthn.origins must list 1..10 origins");
            origins = List.copyOf(origins);
            for (String origin : origins) {
                require(origin != null && (origin.matches("https://[a-z0-9.-]+(:[0-9]{1,5})?")
                        || origin.matches("http://localhost(:[0-9]{1,5})?")),
                        "webauthn.origins must be https:// origins (http only for localhost)");
                String host = origin.replaceFirst("^https?://", "").replaceFirst(":[0-9]+$", "");
                require(host.equals(rpId) || host.endsWith("." + rpId),
                        "webauthn.origins must be the rpId or one of its subdomains");
            }
        }

        public static WebAuthnSettings defaults() {
            return new WebAuthnSettings("localhost", List.of("http://localhost:3000"));
        }
    }

    /**
     * Where and how often a tenant's security alerts are mailed (seed 001 §Incident
     * Response, ADR 0042). HIGH alerts and the daily MEDIUM digest go to {@code securityContacts}
     * (falling back to the tenant's administrators when the list is empty); CRITICAL alerts go to
     * every administrator. The same rule on the same subject mails at most once per
     * {@code dedupWindow}. {@code siemWebhookUrl} ({@code ""} = none) receives every alert that is
     * mailed or digested as signed JSON; its HMAC key is a Secrets Manager secret, never a setting.
     * With {@code siemForwardAll} (default false; needs the webhook) the tenant's whole audit trail
     * is forwarded there too, in OCSF (docs/adr/0069-siem-trail-forward-in-ocsf.md).
     */
    public record AlertingSettings(List<String> securityContacts, Duration dedupWindow, String siemWebhookUrl,
            boolean siemForwardAll) {

        /** At most this many contacts: an alert is one mail per recipient. */
        public static final int MAX_CONTACTS = 10;

        public AlertingSettings {
            require(securityContacts != null && securityContacts.size() <= MAX_CONTACTS,
                    "alerting.securityContacts must list 0..10 mail addresses");
            securityContacts = List.copyOf(securityContacts);
            for (String contact : securityContacts) {
                require(contact != null && contact.length() <= 254
                        && contact.matches("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+"),
                        "alerting.securityContacts must be mail addresses");
            }
            require(securityContacts.stream().map(c -> c.toLowerCase(java.util.Locale.ROOT)).distinct().count()
                    == securityContacts.size(), "alerting.securityContacts must not repeat an address");
            require(dedupWindow != null && dedupWindow.compareTo(Duration.ofMinutes(1)) >= 0
                    && dedupWindow.compareTo(Duration.ofHours(24)) <= 0, "alerting.dedupWindow must be 1 minute..24 hours");
            require(siemWebhookUrl != null && (siemWebhookUrl.isEmpty() || (siemWebhookUrl.length() <= 2048
                    && (siemWebhookUrl.matches("https://[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?(/[^\\s#]*)?")
                            && !siemWebhookUrl.matches("https://[0-9.]+(:[0-9]+)?(/.*)?")
                    || siemWebhookUrl.matches("http://(localhost|127\\.0\\.0\\.1)(:[0-9]{1,5})?(/[^\\s#]*)?")))),
                    "alerting.siemWebhookUrl must be empty or an https:// URL with a host name (http only for localhost)");
            require(!siemForwardAll || !siemWebhookUrl.isEmpty(), "alerting.siemForwardAll needs a siemWebhookUrl");
        }

        /** Alerts only to the SIEM (no forward of the whole trail): the form stored before the trail forward. */
        public AlertingSettings(List<String> securityContacts, Duration dedupWindow, String siemWebhookUrl) {
            this(securityContacts, dedupWindow, siemWebhookUrl, false);
        }

        /** No contacts (the administrators get everything), a 15-minute window, no SIEM forward. */
        public static AlertingSettings defaults() {
            return new AlertingSettings(List.of(), Duration.ofMinutes(15), "", false);
        }

        /**
         * The webhook every chained event is forwarded to in OCSF (docs/siem-ocsf.md), when the tenant
         * opted in; alerts go to {@link #siemWebhook()} either way.
         */
        public java.util.Optional<java.net.URI> trailWebhook() {
            return siemForwardAll ? siemWebhook() : java.util.Optional.empty();
        }

        /** The webhook, when one is set. */
        public java.util.Optional<java.net.URI> siemWebhook() {
            return siemWebhookUrl.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(java.net.URI.create(siemWebhookUrl));
        }
    }
}
