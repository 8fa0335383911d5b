package io.tollgate.crypto;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * What a ciphertext belongs to: the tenant and the purpose (for example {@code totp-secret},
 * {@code user-email}, {@code audit-data}). docs/contract.md §Encryption and storage.
 *
 * <p>The context is not secret, but it is bound to every ciphertext twice: KMS receives it as
 * the {@code EncryptionContext} of {@code GenerateDataKey} / {@code Decrypt} (so a wrapped data
 * key only unwraps for the same tenant and purpose, and CloudTrail records both), and
 * {@link EnvelopeEncryptor} uses its {@linkplain #canonicalBytes() canonical encoding} as
 * AES-GCM additional authenticated data. A ciphertext copied to another tenant's item, or to
 * another attribute, therefore fails to decrypt instead of returning someone else's data.
 *
 * <p>Both values are 1 to {@value #MAX_LENGTH} printable ASCII characters without spaces, so
 * the encoding is unambiguous and the values are safe to show in logs and audit records.
 *
 * <p>A context may also name the {@code user} the value belongs to (a phone number is bound to
 * its owner, so a ciphertext copied to another user's item of the same tenant fails too). Without
 * a user the encoding and the KMS context are exactly those of a two-part context, so values
 * written before the user part existed still decrypt.
 *
 * @param tenant  the tenant id
 * @param purpose what the data is, a stable name chosen by the caller
 * @param user    the user id the value belongs to, or {@code null} for tenant-wide values
 */
public record EncryptionContext(String tenant, String purpose, String user) {

    /** Longest accepted tenant or purpose, in characters. */
    public static final int MAX_LENGTH = 128;

    public EncryptionContext {
        requireValid(tenant, "tenant");
        requireValid(purpose, "purpose");
        if (user != null) {
            requireValid(user, "user");
        }
    }

    /** A tenant-wide context: {@code {tenant, purpose}}. */
    public EncryptionContext(String tenant, String purpose) {
        this(tenant, purpose, null);
    }

    /** The context as KMS expects it: {@code {"tenant": ..., "purpose": ...}} (and {@code "user"} when named). */
    public Map<String, String> asKmsContext() {
        return user == null ? Map.of("tenant", tenant, "purpose", purpose)
                : Map.of("tenant", tenant, "purpose", purpose, "user", user);
    }

    /**
     * A canonical, injective encoding of the context: for each of {@code purpose} then
     * {@code tenant} (keys in lexicographic order, like the KMS map), the key and the value each
     * as a 2-byte big-endian length followed by its ASCII bytes; then, only when a user is named,
     * {@code "user"} and the user id the same way.
     */
    byte[] canonicalBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(32 + tenant.length() + purpose.length()
                + (user == null ? 0 : user.length()));
        writeField(out, "purpose");
        writeField(out, purpose);
        writeField(out, "tenant");
        writeField(out, tenant);
        if (user != null) {
            writeField(out, "user");
            writeField(out, user);
        }
        return out.toByteArray();
    }

    private static void writeField(ByteArrayOutputStream out, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        out.write(bytes.length >>> 8);
        out.write(bytes.length);
        out.write(bytes, 0, bytes.length);
    }

    private static void requireValid(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isEmpty() || value.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("Encryption context " + name + " must be 1 to " + MAX_LENGTH
                    + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                throw new IllegalArgumentException("Encryption context " + name
                        + " must be printable ASCII without spaces");
            }
        }
    }
}
