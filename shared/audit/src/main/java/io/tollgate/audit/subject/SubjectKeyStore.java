package io.tollgate.audit.subject;

import io.tollgate.audit.chain.SubjectFactsErasure;

import io.tollgate.crypto.DataKey;
import io.tollgate.crypto.EncryptionContext;
import io.tollgate.crypto.EnvelopeEncryptor;
import io.tollgate.storage.Attributes;
import io.tollgate.storage.Keys;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * Per-data-subject keys for the personal data of audit events (ADR 0027): one random 256-bit key
 * per {@code (tenant, user id)}, stored only in its item of the security table
 * ({@code pk = SUBJECTKEY#<tenant>#<user id>}, {@code sk = KEY}), wrapped by
 * {@link EnvelopeEncryptor} (a KMS data key, context {@code {tenant, purpose: audit-subject-key}}).
 *
 * <p>Destroying a subject key ({@link #destroy}) replaces the item by a tombstone without key
 * material: every value sealed under it becomes unreadable for good (crypto-shredding), while the
 * audit chain, which hashes the ciphertext, still verifies. The tombstone also stops a later event
 * from creating a fresh key for the erased subject: its personal values are dropped instead.
 *
 * <p>Creation is race-safe: a key is put only if the item does not exist; the loser of a race
 * reads the winner's key. Nothing is cached: a destroyed key is gone for every container at once.
 */
public final class SubjectKeyStore {

    /** Encryption context purpose of a wrapped subject key. */
    public static final String PURPOSE = "audit-subject-key";
    /** Partition prefix of subject key items (IAM conditions name it). */
    public static final String PARTITION_PREFIX = "SUBJECTKEY#";
    private static final Pattern SUBJECT = Pattern.compile("[\\x21-\\x7E]{1,128}");

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final EnvelopeEncryptor encryptor;
    private final SecureRandom random;
    private final Clock clock;
    private final Optional<SubjectFactsErasure> chainFacts;

    public SubjectKeyStore(DynamoDbClient dynamoDb, String securityTable, EnvelopeEncryptor encryptor,
            SecureRandom random, Clock clock) {
        this(dynamoDb, securityTable, encryptor, random, clock, Optional.empty());
    }

    /**
     * @param chainFacts removes a destroyed subject's clear request facts from the audit chain
     *                   (ADR 0061); empty where the caller has no audit table
     */
    public SubjectKeyStore(DynamoDbClient dynamoDb, String securityTable, EnvelopeEncryptor encryptor,
            SecureRandom random, Clock clock, Optional<SubjectFactsErasure> chainFacts) {
        this.chainFacts = Objects.requireNonNull(chainFacts, "chainFacts");
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.table = Objects.requireNonNull(securityTable, "securityTable");
        this.encryptor = Objects.requireNonNull(encryptor, "encryptor");
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A subject key as stored: usable, or destroyed (crypto-shredded). */
    public sealed interface SubjectKey permits Active, Destroyed {
    }

    /** A usable key; {@link #key()} returns a copy the caller may wipe. */
    public record Active(byte[] material) implements SubjectKey {
        public Active {
            material = material.clone();
        }

        public byte[] key() {
            return material.clone();
        }

        @Override
        public String toString() {
            return "Active[key=<redacted>]";
        }
    }

    /** A destroyed key: nothing sealed under it can be read again. */
    public record Destroyed(Instant destroyedAt) implements SubjectKey {
    }

    /** Whether {@code subject} can name a subject key (a user id as audit events carry it). */
    public static boolean isSubject(String subject) {
        return subject != null && SUBJECT.matcher(subject).matches();
    }

    public static Map<String, AttributeValue> key(String tenantId, String subject) {
        return Map.of(Keys.PK, Attributes.s(PARTITION_PREFIX + tenantId + "#" + subject), Keys.SK, Attributes.s("KEY"));
    }

    /** The stored key of {@code subject}, if any (strongly consistent). */
    public Optional<SubjectKey> find(String tenantId, String subject) {
        requireSubject(subject);
        Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(table).key(key(tenantId, subject))
                .consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        Optional<Instant> destroyed = Attributes.instantMillis(item, "destroyed_at");
        if (destroyed.isPresent()) {
            return Optional.of(new Destroyed(destroyed.get()));
        }
        byte[] wrapped = Base64.getDecoder().decode(Attributes.requiredString(item, "wrapped_key"));
        byte[] material = encryptor.decrypt(wrapped, context(tenantId));
        try {
            return Optional.of(new Active(material));
        } finally {
            java.util.Arrays.fill(material, (byte) 0);
        }
    }

    /** The key of {@code subject}, created if there is none yet; a destroyed key stays destroyed. */
    public SubjectKey obtain(String tenantId, String subject) {
        Optional<SubjectKey> stored = find(tenantId, subject);
        if (stored.isPresent()) {
            return stored.get();
        }
        byte[] material = new byte[DataKey.KEY_BYTES];
        random.nextBytes(material);
        try {
            Map<String, AttributeValue> item = new HashMap<>(key(tenantId, subject));
            item.put("tenant_id", Attributes.s(tenantId));
            item.put("subject", Attributes.s(subject));
            item.put("wrapped_key", Attributes.s(Base64.getEncoder().encodeToString(
                    encryptor.encrypt(material, context(tenantId)))));
            item.put("created_at", Attributes.epochMillis(clock.instant()));
            dynamoDb.putItem(r -> r.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)"));
            return new Active(material);
        } catch (ConditionalCheckFailedException raced) {
            return find(tenantId, subject).orElseThrow(() -> new IllegalStateException("subject key vanished in a race"));
        } finally {
            java.util.Arrays.fill(material, (byte) 0);
        }
    }

    /**
     * Destroys the key of {@code subject} (idempotent): the item becomes a tombstone with
     * {@code destroyed_at} and no key material; then the clear working copies of the subject's
     * request facts are removed from the audit chain (ADR 0061; also when the key was destroyed
     * before, so a retry completes an interrupted erasure). Returns whether a usable key was destroyed.
     */
    public boolean destroy(String tenantId, String subject, String reason) {
        boolean destroyed = destroyKey(tenantId, subject, reason);
        chainFacts.ifPresent(facts -> facts.erase(tenantId, subject));
        return destroyed;
    }

    private boolean destroyKey(String tenantId, String subject, String reason) {
        requireSubject(subject);
        Map<String, AttributeValue> item = new HashMap<>(key(tenantId, subject));
        item.put("tenant_id", Attributes.s(tenantId));
        item.put("subject", Attributes.s(subject));
        item.put("destroyed_at", Attributes.epochMillis(clock.instant()));
        item.put("reason", Attributes.s(reason));
        try {
            Map<String, AttributeValue> old = dynamoDb.putItem(r -> r.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(destroyed_at)").returnValues(ReturnValue.ALL_OLD)).attributes();
            return old != null && old.containsKey("wrapped_key");
        } catch (ConditionalCheckFailedException alreadyDestroyed) {
            return false;
        }
    }

    private static EncryptionContext context(String tenantId) {
        return new EncryptionContext(tenantId, PURPOSE);
    }

    private static void requireSubject(String subject) {
        if (!isSubject(subject)) {
            throw new IllegalArgumentException("not a subject id");
        }
    }
}
