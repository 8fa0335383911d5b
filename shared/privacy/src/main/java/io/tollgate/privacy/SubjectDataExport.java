package io.tollgate.privacy;

import io.tollgate.administration.ManagedUser;
import io.tollgate.audit.ingest.PersonalDataProtector;
import io.tollgate.audit.query.AuditEventQuery;
import io.tollgate.authz.ApiKeyRepository;
import io.tollgate.consent.ConsentRepository;
import io.tollgate.consent.ConsentService;
import io.tollgate.crypto.EnvelopeEncryptor;
import io.tollgate.mfa.MfaCredentialRepository;
import io.tollgate.mfa.SmsCredential;
import io.tollgate.mfa.SmsDelivery;
import io.tollgate.session.SessionService;
import io.tollgate.webauthn.WebAuthnCredential;
import io.tollgate.webauthn.WebAuthnCredentialRepository;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The machine-readable copy of everything Tollgate holds on a data subject (GDPR Art. 15 access,
 * Art. 20 portability; ADR 0028): profile, live sessions, MFA methods, API key metadata, WebAuthn
 * credential metadata, consent records (purpose, version, granted, when; ADR 0068) and the audit events about them with their own personal values decrypted.
 *
 * <p>Never in it: the password hash, the TOTP secret, backup-code hashes, API key hashes, WebAuthn
 * public keys, refresh tokens — secrets are not personal data to hand out, and each would weaken
 * the account if the export leaked. Another person's personal values inside an audit event (e.g.
 * an administrator's) stay {@link PersonalDataProtector#REDACTED}.
 */
public final class SubjectDataExport {

    /** Format name and version of the document. */
    public static final String FORMAT = "tollgate-subject-export/1";
    /** Most audit events one export carries ({@code audit_events_truncated} beyond). */
    public static final int MAX_AUDIT_EVENTS = 10_000;

    private final SessionService sessions;
    private final ApiKeyRepository apiKeys;
    private final MfaCredentialRepository mfa;
    private final WebAuthnCredentialRepository webauthn;
    private final AuditEventQuery auditEvents;
    private final PersonalDataProtector protector;
    private final Clock clock;
    private final EnvelopeEncryptor encryptor;
    private final ConsentRepository consents;

    /**
     * @param encryptor reads the SMS factor's phone number, which is the subject's personal data
     *                  (ADR 0032), envelope-encrypted for its owner
     */
    public SubjectDataExport(SessionService sessions, ApiKeyRepository apiKeys, MfaCredentialRepository mfa,
            WebAuthnCredentialRepository webauthn, AuditEventQuery auditEvents, PersonalDataProtector protector,
            Clock clock, EnvelopeEncryptor encryptor, ConsentRepository consents) {
        this.consents = Objects.requireNonNull(consents, "consents");
        this.encryptor = Objects.requireNonNull(encryptor, "encryptor");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.apiKeys = Objects.requireNonNull(apiKeys, "apiKeys");
        this.mfa = Objects.requireNonNull(mfa, "mfa");
        this.webauthn = Objects.requireNonNull(webauthn, "webauthn");
        this.auditEvents = Objects.requireNonNull(auditEvents, "auditEvents");
        this.protector = Objects.requireNonNull(protector, "protector");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public Map<String, Object> of(ManagedUser user) {
        Instant now = clock.instant();
        String tenant = user.tenantId();
        String subject = user.userId();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("format", FORMAT);
        out.put("generated_at", now.toString());
        out.put("tenant_id", tenant);
        out.put("subject_id", subject);
        out.put("profile", user.view(now));
        out.put("sessions", sessions.list(tenant, subject));
        out.put("mfa", mfa(user));
        out.put("api_keys", apiKeys.list(tenant, subject).stream().map(SubjectDataExport::apiKey).toList());
        out.put("webauthn_credentials", webauthn.list(tenant, subject).stream().map(WebAuthnCredential::view).toList());
        out.put("consents", ConsentService.export(consents.list(tenant, subject)));
        AuditEventQuery.About about = auditEvents.about(tenant, subject, MAX_AUDIT_EVENTS,
                event -> protector.reveal(tenant, event.userId(), subject, event.additionalData()));
        out.put("audit_events", about.events().stream().map(SubjectDataExport::withoutChainFields).toList());
        out.put("audit_events_truncated", about.truncated());
        return out;
    }

    private Map<String, Object> mfa(ManagedUser user) {
        MfaCredentialRepository.Snapshot snapshot = mfa.loadById(user.tenantId(), user.userId());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("methods", user.mfaMethods());
        out.put("totp", snapshot.totp().map(totp -> Map.of("status", totp.status().name())).orElse(null));
        out.put("backup_codes", snapshot.backupCodes().map(codes -> Map.of("remaining", codes.remaining())).orElse(null));
        out.put("sms", snapshot.sms().map(sms -> sms(user, sms)).orElse(null));
        return out;
    }

    /** The SMS factor: the verified number and a number awaiting verification, in clear (never the code hash). */
    private Map<String, Object> sms(ManagedUser user, SmsCredential sms) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("phone", sms.phoneCiphertext().map(c -> SmsDelivery.phone(encryptor, user.tenantId(), user.userId(), c))
                .orElse(null));
        out.put("verified", sms.verified());
        out.put("pending_phone", sms.pending().map(p -> SmsDelivery.phone(encryptor, user.tenantId(), user.userId(),
                p.phoneCiphertext())).orElse(null));
        return out;
    }

    private static Map<String, Object> apiKey(ApiKeyRepository.ApiKeyRecord key) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("prefix", key.prefix());
        out.put("name", key.name());
        out.put("roles", key.roles());
        out.put("status", key.status());
        out.put("organization_id", key.organizationId());
        out.put("created_at", key.createdAt().toString());
        out.put("last_used_at", key.lastUsedAt().map(Instant::toString).orElse(null));
        return out;
    }

    /** The event without its chain links (hashes are integrity data, not the subject's). */
    private static Map<String, Object> withoutChainFields(Map<String, Object> event) {
        Map<String, Object> out = new LinkedHashMap<>(event);
        out.remove("prev_hash");
        out.remove("hash");
        out.remove("seq");
        return out;
    }
}
