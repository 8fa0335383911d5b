package io.tollgate.audit.ingest;

import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.chain.CanonicalJson;
import io.tollgate.audit.chain.SubjectFacts;
import io.tollgate.audit.subject.SubjectKeyStore;
import io.tollgate.crypto.CiphertextIntegrityException;
import io.tollgate.crypto.EncryptionContext;
import io.tollgate.crypto.EnvelopeEncryptor;
import io.tollgate.crypto.KeyedEnvelope;
import io.tollgate.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Encrypts the personal data inside an audit event's {@code additional_data} before it is chained
 * (docs/contract.md §Encryption and storage, ADR 0014, ADR 0027): the chain hashes the ciphertext, so erasing a data subject
 * (destroying their key: crypto-shredding) leaves every hash verifiable.
 *
 * <p>A value is personal when its member name, at any depth, is one of {@link #PERSONAL_NAMES} or
 * starts with {@code pii_}. Its canonical JSON is encrypted and replaced by a string:
 * <ul>
 * <li>{@code "enc:v2:" + Base64(KeyedEnvelope)} when the event names a user ({@code user_id}): sealed
 * under that user's subject key ({@link SubjectKeyStore}), context {@code {tenant, audit-data}};
 * destroying the one subject key makes exactly that user's values unreadable. If the key is already
 * destroyed (the user was erased), the value is not stored at all: {@link #ERASED} takes its place;</li>
 * <li>{@code "enc:v1:" + Base64(EnvelopeEncryptor)} under the tenant-wide context
 * {@code {tenant, audit-data}} when the event names no user (and for every value written before
 * subject keys existed: those still read).</li>
 * </ul>
 * Readers show encrypted values as {@link #REDACTED}; a data-subject export {@link #reveal reveals}
 * the subject's own values.
 *
 * <p>{@link #protectAll} also seals an event's {@code ip_address} and {@code user_agent} under the
 * subject key when it names a user (ADR 0061): the chain hashes the sealed values, and the clear
 * ones travel beside them as unhashed working copies ({@link SubjectFacts}) that erasure removes.
 */
public final class PersonalDataProtector {

    /** Encryption context purpose of audit personal data. */
    public static final String PURPOSE = "audit-data";
    /** Prefix of a value encrypted under the tenant-wide context (format version 1). */
    public static final String ENCRYPTED_PREFIX = "enc:v1:";
    /** Prefix of a value sealed under a subject key (format version 2). */
    public static final String SUBJECT_PREFIX = "enc:v2:";
    /** What readers see in place of an encrypted value. */
    public static final String REDACTED = "[encrypted personal data]";
    /** A value whose key is destroyed: the subject was erased. */
    public static final String ERASED = "[erased personal data]";

    /** Member names whose values are personal data (GDPR Art. 4(1)), compared case-insensitively. */
    public static final Set<String> PERSONAL_NAMES = Set.of("email", "email_address", "phone", "phone_number",
            "name", "full_name", "first_name", "last_name", "username", "address", "postal_address",
            "date_of_birth", "birth_date", "national_id", "ssn", "tax_id", "passport_number", "iban",
            "account_number", "card_number");

    private final EnvelopeEncryptor encryptor;
    private final SubjectKeyStore subjectKeys;
    private final KeyedEnvelope envelope;

    public PersonalDataProtector(EnvelopeEncryptor encryptor, SubjectKeyStore subjectKeys, SecureRandom random) {
        this.encryptor = Objects.requireNonNull(encryptor, "encryptor");
        this.subjectKeys = Objects.requireNonNull(subjectKeys, "subjectKeys");
        this.envelope = new KeyedEnvelope(random);
    }

    /** How one event's personal values are sealed. */
    private interface Sealer {
        Object seal(String canonicalJson);
    }

    /** An event ready to chain, and the clear working copies of its sealed request facts, if any. */
    public record Protected(AuditEvent event, Optional<SubjectFacts> clear) {
        public Protected {
            Objects.requireNonNull(event, "event");
            Objects.requireNonNull(clear, "clear");
        }
    }

    /**
     * {@code events} protected for the chain: personal values of {@code additional_data} encrypted
     * and, for an event naming a user, {@code ip_address} / {@code user_agent} sealed under the
     * subject key with their clear working copies beside (or {@link #ERASED} when the subject was
     * erased). Each subject key is read once per call.
     */
    public List<Protected> protectAll(List<AuditEvent> events) {
        Map<String, SubjectKeyStore.SubjectKey> keys = new java.util.HashMap<>();
        List<Protected> out = new java.util.ArrayList<>(events.size());
        for (AuditEvent event : events) {
            String subject = event.userId();
            boolean hasFacts = event.ipAddress() != null || event.userAgent() != null;
            if (!SubjectKeyStore.isSubject(subject) || (!hasFacts && !containsPersonal(event.additionalData()))) {
                out.add(new Protected(protect(event, null), Optional.empty()));
                continue;
            }
            SubjectKeyStore.SubjectKey key = keys.computeIfAbsent(event.tenantId() + "\u0000" + subject,
                    k -> subjectKeys.obtain(event.tenantId(), subject));
            AuditEvent data = protect(event, key);
            if (!hasFacts) {
                out.add(new Protected(data, Optional.empty()));
                continue;
            }
            Sealer sealer = subjectSealer(event, key);
            AuditEvent sealed = new AuditEvent(data.timestamp(), data.eventId(), data.eventType(), data.severity(),
                    data.userId(), data.tenantId(), data.organizationId(), sealFact(event.ipAddress(), sealer),
                    sealFact(event.userAgent(), sealer), data.resource(), data.action(), data.result(),
                    data.additionalData(), data.complianceFlags(), data.source());
            out.add(new Protected(sealed, key instanceof SubjectKeyStore.Active
                    ? Optional.of(new SubjectFacts(subject, event.ipAddress(), event.userAgent())) : Optional.empty()));
        }
        return out;
    }

    private static String sealFact(String value, Sealer sealer) {
        return value == null ? null : (String) sealer.seal(CanonicalJson.text(Json.mapper().valueToTree(value)));
    }

    /** {@code event} with every personal value of its {@code additional_data} encrypted. */
    public AuditEvent protect(AuditEvent event) {
        return protect(event, null);
    }

    /** How values of {@code event}'s subject are sealed under {@code key}: {@link #ERASED} once it is destroyed. */
    private Sealer subjectSealer(AuditEvent event, SubjectKeyStore.SubjectKey key) {
        EncryptionContext context = new EncryptionContext(event.tenantId(), PURPOSE);
        String subject = event.userId();
        if (key instanceof SubjectKeyStore.Active active) {
            return canonical -> {
                byte[] material = active.key();
                try {
                    return SUBJECT_PREFIX + Base64.getEncoder().encodeToString(envelope.seal(material, subject,
                            canonical.getBytes(StandardCharsets.UTF_8), context));
                } finally {
                    Arrays.fill(material, (byte) 0);
                }
            };
        }
        return canonical -> ERASED;
    }

    /** @param known the subject's key when the caller has read it already, else null */
    private AuditEvent protect(AuditEvent event, SubjectKeyStore.SubjectKey known) {
        if (!containsPersonal(event.additionalData())) {
            return event;
        }
        Sealer sealer;
        String subject = event.userId();
        if (SubjectKeyStore.isSubject(subject)) {
            sealer = subjectSealer(event, known != null ? known : subjectKeys.obtain(event.tenantId(), subject));
        } else {
            EncryptionContext context = new EncryptionContext(event.tenantId(), PURPOSE);
            sealer = canonical -> ENCRYPTED_PREFIX + encryptor.encryptToBase64(canonical, context);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) transform(event.additionalData(), sealer, false);
        return new AuditEvent(event.timestamp(), event.eventId(), event.eventType(), event.severity(), event.userId(),
                event.tenantId(), event.organizationId(), event.ipAddress(), event.userAgent(), event.resource(),
                event.action(), event.result(), data, event.complianceFlags(), event.source());
    }

    /** {@code additionalData} as shown to readers: every encrypted value replaced by {@link #REDACTED}. */
    public static Map<String, Object> redacted(Map<String, Object> additionalData) {
        @SuppressWarnings("unchecked")
        Map<String, Object> shown = (Map<String, Object>) redact(additionalData);
        return shown;
    }

    /**
     * {@code additionalData} of an event of {@code tenantId} whose {@code user_id} is
     * {@code eventUserId}, as shown to the data subject {@code subject}: values sealed under the
     * subject's key are decrypted (or {@link #ERASED} when the key is destroyed); tenant-context
     * values are decrypted only in events whose user is the subject; every other encrypted value
     * (someone else's data) stays {@link #REDACTED}.
     */
    public Map<String, Object> reveal(String tenantId, String eventUserId, String subject,
            Map<String, Object> additionalData) {
        EncryptionContext context = new EncryptionContext(tenantId, PURPOSE);
        Optional<SubjectKeyStore.SubjectKey> key = SubjectKeyStore.isSubject(subject)
                ? subjectKeys.find(tenantId, subject) : Optional.empty();
        @SuppressWarnings("unchecked")
        Map<String, Object> shown = (Map<String, Object>) reveal(additionalData, context, subject,
                subject.equals(eventUserId), key);
        return shown;
    }

    private Object reveal(Object value, EncryptionContext context, String subject, boolean ownEvent,
            Optional<SubjectKeyStore.SubjectKey> key) {
        if (value instanceof String text && text.startsWith(SUBJECT_PREFIX)) {
            return openSubject(text, context, subject, key);
        }
        if (value instanceof String text && text.startsWith(ENCRYPTED_PREFIX)) {
            if (!ownEvent) {
                return REDACTED;
            }
            try {
                return Json.mapper().readTree(encryptor.decryptFromBase64(text.substring(ENCRYPTED_PREFIX.length()), context));
            } catch (CiphertextIntegrityException | java.io.IOException e) {
                return REDACTED;
            }
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((name, element) -> out.put(String.valueOf(name), reveal(element, context, subject, ownEvent, key)));
            return out;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(element -> reveal(element, context, subject, ownEvent, key)).toList();
        }
        return value;
    }

    private Object openSubject(String text, EncryptionContext context, String subject,
            Optional<SubjectKeyStore.SubjectKey> key) {
        byte[] sealed;
        try {
            sealed = Base64.getDecoder().decode(text.substring(SUBJECT_PREFIX.length()));
            if (!subject.equals(KeyedEnvelope.keyName(sealed))) {
                return REDACTED;
            }
        } catch (IllegalArgumentException | CiphertextIntegrityException e) {
            return REDACTED;
        }
        if (key.isEmpty() || key.get() instanceof SubjectKeyStore.Destroyed) {
            return ERASED;
        }
        byte[] material = ((SubjectKeyStore.Active) key.get()).key();
        try {
            return Json.mapper().readTree(envelope.open(material, sealed, context));
        } catch (CiphertextIntegrityException | java.io.IOException e) {
            return REDACTED;
        } finally {
            Arrays.fill(material, (byte) 0);
        }
    }

    static boolean isPersonal(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return PERSONAL_NAMES.contains(lower) || lower.startsWith("pii_");
    }

    private static boolean containsPersonal(Object value) {
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (isPersonal(String.valueOf(entry.getKey())) || containsPersonal(entry.getValue())) {
                    return true;
                }
            }
        } else if (value instanceof List<?> list) {
            for (Object element : list) {
                if (containsPersonal(element)) {
                    return true;
                }
            }
        }
        return false;
    }

    private Object transform(Object value, Sealer sealer, boolean personal) {
        if (personal && value != null) {
            return sealer.seal(CanonicalJson.text(Json.mapper().valueToTree(value)));
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((key, element) -> out.put(String.valueOf(key),
                    transform(element, sealer, isPersonal(String.valueOf(key)))));
            return out;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(element -> transform(element, sealer, false)).toList();
        }
        return value;
    }

    private static Object redact(Object value) {
        if (value instanceof String text && (text.startsWith(ENCRYPTED_PREFIX) || text.startsWith(SUBJECT_PREFIX))) {
            return REDACTED;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((key, element) -> out.put(String.valueOf(key), redact(element)));
            return out;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(PersonalDataProtector::redact).toList();
        }
        return value;
    }
}
