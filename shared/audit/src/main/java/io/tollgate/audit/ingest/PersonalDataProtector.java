package io.tollgate.audit.ingest;

import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.chain.CanonicalJson;
import io.tollgate.crypto.EncryptionContext;
import io.tollgate.crypto.EnvelopeEncryptor;
import io.tollgate.json.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Envelope-encrypts the personal data inside an audit event's {@code additional_data} before it is
 * chained (SPEC.md §6, ADR 0014): the chain hashes the ciphertext, so erasing a data subject later
 * (destroying the key: crypto-shredding) leaves every hash verifiable.
 *
 * <p>A value is personal when its member name, at any depth, is one of {@link #PERSONAL_NAMES} or
 * starts with {@code pii_}. Its canonical JSON is encrypted with {@link EnvelopeEncryptor} under the
 * context {@code {tenant, purpose: "audit-data"}} and replaced by the string
 * {@code "enc:v1:" + Base64(ciphertext)}. Readers show such values as {@link #REDACTED}.
 */
public final class PersonalDataProtector {

    /** Encryption context purpose of audit personal data. */
    public static final String PURPOSE = "audit-data";
    /** Prefix of an encrypted value. */
    public static final String ENCRYPTED_PREFIX = "enc:v1:";
    /** What readers see in place of an encrypted value. */
    public static final String REDACTED = "[encrypted personal data]";

    /** Member names whose values are personal data (GDPR Art. 4(1)), compared case-insensitively. */
    public static final Set<String> PERSONAL_NAMES = Set.of("email", "email_address", "phone", "phone_number",
            "name", "full_name", "first_name", "last_name", "username", "address", "postal_address",
            "date_of_birth", "birth_date", "national_id", "ssn", "tax_id", "passport_number", "iban",
            "account_number", "card_number");

    private final EnvelopeEncryptor encryptor;

    public PersonalDataProtector(EnvelopeEncryptor encryptor) {
        this.encryptor = Objects.requireNonNull(encryptor, "encryptor");
    }

    /** {@code event} with every personal value of its {@code additional_data} encrypted. */
    public AuditEvent protect(AuditEvent event) {
        if (!containsPersonal(event.additionalData())) {
            return event;
        }
        EncryptionContext context = new EncryptionContext(event.tenantId(), PURPOSE);
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) transform(event.additionalData(), context, false);
        return new AuditEvent(event.timestamp(), event.eventId(), event.eventType(), event.severity(), event.userId(),
                event.tenantId(), event.organizationId(), event.ipAddress(), event.userAgent(), event.resource(),
                event.action(), event.result(), data, event.complianceFlags());
    }

    /** {@code additionalData} as shown to readers: every encrypted value replaced by {@link #REDACTED}. */
    public static Map<String, Object> redacted(Map<String, Object> additionalData) {
        @SuppressWarnings("unchecked")
        Map<String, Object> shown = (Map<String, Object>) redact(additionalData);
        return shown;
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

    private Object transform(Object value, EncryptionContext context, boolean personal) {
        if (personal && value != null) {
            String canonical = CanonicalJson.text(Json.mapper().valueToTree(value));
            return ENCRYPTED_PREFIX + encryptor.encryptToBase64(canonical, context);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((key, element) -> out.put(String.valueOf(key),
                    transform(element, context, isPersonal(String.valueOf(key)))));
            return out;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(element -> transform(element, context, false)).toList();
        }
        return value;
    }

    private static Object redact(Object value) {
        if (value instanceof String text && text.startsWith(ENCRYPTED_PREFIX)) {
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

    /** For tests: the plaintext JSON of an encrypted value. */
    String reveal(String encrypted, String tenantId) {
        return encryptor.decryptFromBase64(encrypted.substring(ENCRYPTED_PREFIX.length()),
                new EncryptionContext(tenantId, PURPOSE));
    }
}
