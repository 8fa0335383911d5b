package io.tollgate.mfa;

import io.tollgate.lockout.LockoutPolicy;
import io.tollgate.settings.SecuritySettings;
import io.tollgate.otp.BackupCodes;
import io.tollgate.crypto.EnvelopeEncryptor;
import io.tollgate.storage.Attributes;
import io.tollgate.user.EmailProtection;
import io.tollgate.storage.Keys;
import io.tollgate.storage.TableNames;
import io.tollgate.tenant.Tenant;
import io.tollgate.user.UserAccount;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The MFA items of the identity table (ADR 0011): the TOTP credential ({@code MFA#TOTP}), the
 * backup-code set ({@code MFA#BACKUP_CODES}) and the SMS factor ({@code MFA#SMS}, ADR 0032), all
 * under {@code TENANT#t#USER#<user id>}, and the
 * reads that join them with the tenant and user items. Writes that can race are returned as
 * conditional transaction parts, so callers commit them together with what depends on them.
 */
public final class MfaCredentialRepository {

    private static final int MAX_ROUNDS = 5;

    private final DynamoDbClient dynamoDb;
    private final TableNames tables;
    private final Optional<EnvelopeEncryptor> encryptor;

    /** A repository that cannot read e-mail addresses (reading a user that has one fails). */
    public MfaCredentialRepository(DynamoDbClient dynamoDb, TableNames tables) {
        this(dynamoDb, tables, Optional.empty());
    }

    /** A repository that decrypts the user's e-mail address into the snapshot (ADR 0046). */
    public MfaCredentialRepository(DynamoDbClient dynamoDb, TableNames tables, EnvelopeEncryptor encryptor) {
        this(dynamoDb, tables, Optional.of(encryptor));
    }

    private MfaCredentialRepository(DynamoDbClient dynamoDb, TableNames tables, Optional<EnvelopeEncryptor> encryptor) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.tables = Objects.requireNonNull(tables, "tables");
        this.encryptor = encryptor;
    }

    /** Tenant, user and MFA items of one user, read together. */
    public record Snapshot(Optional<Tenant> tenant, Optional<UserAccount> user, Optional<TotpCredential> totp,
            Optional<BackupCodes.Stored> backupCodes, Optional<String> email, Optional<SmsCredential> sms) {
        @Override
        public String toString() {
            return "Snapshot[user=" + user + ", totp=" + totp.map(TotpCredential::status) + "]";
        }

        /**
         * Why this user may not complete a sign-in now ({@code tenant_unavailable},
         * {@code unknown_user}, {@code account_disabled}, {@code account_locked}); empty when it may.
         */
        public Optional<String> refusal(SecuritySettings settings, Instant now) {
            if (tenant.isEmpty() || tenant.get().status() != Tenant.Status.ACTIVE) {
                return Optional.of("tenant_unavailable");
            } else if (user.isEmpty()) {
                return Optional.of("unknown_user");
            } else if (!user.get().active()) {
                return Optional.of("account_disabled");
            } else if (new LockoutPolicy(settings.lockout()).isLocked(user.get().failures(), now)) {
                return Optional.of("account_locked");
            }
            return Optional.empty();
        }
    }

    /** The user named by id (the token's {@code sub}), through the {@code USERID#} pointer. */
    public Snapshot loadById(String tenantId, String userId) {
        Map<String, AttributeValue> pointer = dynamoDb.getItem(r -> r.tableName(tables.identity())
                .key(Keys.userId(tenantId, userId)).consistentRead(true)).item();
        if (pointer == null || pointer.isEmpty()) {
            return new Snapshot(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty());
        }
        return load(tenantId, Attributes.requiredString(pointer, "username"), userId);
    }

    /**
     * One {@code BatchGetItem} of the tenant, the user item (by normalised user name) and the
     * user's MFA items. The user is returned only if its id is {@code userId}.
     */
    public Snapshot load(String tenantId, String username, String userId) {
        Map<String, AttributeValue> tenantKey = Keys.tenant(tenantId);
        Map<String, AttributeValue> userKey = Keys.user(tenantId, username);
        Map<String, AttributeValue> totpKey = Keys.mfaTotp(tenantId, userId);
        Map<String, AttributeValue> backupKey = Keys.mfaBackupCodes(tenantId, userId);
        Map<String, AttributeValue> smsKey = Keys.mfaSms(tenantId, userId);
        Map<String, KeysAndAttributes> request = new HashMap<>(Map.of(tables.identity(), KeysAndAttributes.builder()
                .consistentRead(true).keys(tenantKey, userKey, totpKey, backupKey, smsKey).build()));
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (int round = 0; round < MAX_ROUNDS && !request.isEmpty(); round++) {
            Map<String, KeysAndAttributes> pending = request;
            BatchGetItemResponse response = dynamoDb.batchGetItem(r -> r.requestItems(pending));
            response.responses().values().forEach(items::addAll);
            request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
        }
        if (!request.isEmpty()) {
            throw new IllegalStateException("DynamoDB left MFA keys unprocessed after " + MAX_ROUNDS + " rounds");
        }
        Optional<Map<String, AttributeValue>> userItem = find(items, userKey)
                .filter(item -> userId.equals(Attributes.string(item, "user_id").orElse(null)));
        return new Snapshot(find(items, tenantKey).map(Tenant::fromItem), userItem.map(UserAccount::fromItem),
                userItem.isEmpty() ? Optional.empty() : find(items, totpKey).map(TotpCredential::fromItem),
                userItem.isEmpty() ? Optional.empty() : find(items, backupKey).map(MfaCredentialRepository::stored),
                userItem.flatMap(item -> email(tenantId, item)),
                userItem.isEmpty() ? Optional.empty() : find(items, smsKey).map(SmsCredential::fromItem));
    }

    private Optional<String> email(String tenantId, Map<String, AttributeValue> item) {
        return EmailProtection.email(encryptor, tenantId, item);
    }

    private static Optional<Map<String, AttributeValue>> find(List<Map<String, AttributeValue>> items,
            Map<String, AttributeValue> key) {
        return items.stream().filter(item -> key.get(Keys.PK).equals(item.get(Keys.PK))
                && key.get(Keys.SK).equals(item.get(Keys.SK))).findFirst();
    }

    private static BackupCodes.Stored stored(Map<String, AttributeValue> item) {
        return new BackupCodes.Stored(Attributes.requiredString(item, "salt"), Attributes.stringList(item, "hashes"));
    }

    /**
     * Stores a new pending credential, replacing a pending one but never an active one.
     *
     * @return false when the user already has an active TOTP credential
     */
    public boolean putPendingTotp(String tenantId, String userId, String secretCiphertext, Instant now, Instant expires) {
        Map<String, AttributeValue> item = new HashMap<>(Keys.mfaTotp(tenantId, userId));
        item.put("tenant_id", Attributes.s(tenantId));
        item.put("user_id", Attributes.s(userId));
        item.put("status", Attributes.s(TotpCredential.Status.PENDING.name()));
        item.put("secret_ciphertext", Attributes.s(secretCiphertext));
        item.put("created_at", Attributes.epochMillis(now));
        item.put("pending_expires_at", Attributes.epochMillis(expires));
        item.put(Keys.TTL, Attributes.epochSeconds(expires));
        try {
            dynamoDb.putItem(r -> r.tableName(tables.identity()).item(item)
                    .conditionExpression("attribute_not_exists(#pk) OR #status = :pending")
                    .expressionAttributeNames(Map.of("#pk", Keys.PK, "#status", "status"))
                    .expressionAttributeValues(Map.of(":pending", Attributes.s(TotpCredential.Status.PENDING.name()))));
            return true;
        } catch (ConditionalCheckFailedException active) {
            return false;
        }
    }

    /**
     * Activates the pending credential that was verified: on condition that it is still pending,
     * unexpired and holds the same secret; records the step of the code that activated it, and
     * stores {@code upgraded} (the secret under the user's context, ADR 0058) when given.
     */
    public TransactWriteItem activateTotp(TotpCredential pending, long step, Instant now, Optional<String> upgraded) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":active", Attributes.s(TotpCredential.Status.ACTIVE.name()),
                ":pending", Attributes.s(TotpCredential.Status.PENDING.name()),
                ":ct", Attributes.s(pending.secretCiphertext()), ":now", Attributes.epochMillis(now),
                ":step", Attributes.n(step)));
        upgraded.ifPresent(ciphertext -> values.put(":upgraded", Attributes.s(ciphertext)));
        return update(Update.builder().tableName(tables.identity()).key(Keys.mfaTotp(pending.tenantId(), pending.userId()))
                .updateExpression("SET #status = :active, activated_at = :now, last_step = :step"
                        + (upgraded.isPresent() ? ", secret_ciphertext = :upgraded" : "") + " REMOVE #ttl, #pexp")
                .conditionExpression("#status = :pending AND secret_ciphertext = :ct AND #pexp > :now")
                .expressionAttributeNames(Map.of("#status", "status", "#ttl", Keys.TTL, "#pexp", "pending_expires_at"))
                .expressionAttributeValues(values).build());
    }

    /**
     * Uses time step {@code step} of an active credential: only if no step at or after it was
     * used before (RFC 6238 §5.2), so a code, or an older code after a newer one, works once.
     * With {@code upgraded}, the secret is stored again under the user's context (ADR 0058), on
     * condition that it is still the ciphertext that was read.
     */
    public TransactWriteItem useTotpStep(TotpCredential credential, long step, Instant now, Optional<String> upgraded) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":active", Attributes.s(TotpCredential.Status.ACTIVE.name()),
                ":step", Attributes.n(step), ":now", Attributes.epochMillis(now)));
        String condition = "#status = :active AND (attribute_not_exists(last_step) OR last_step < :step)";
        String update = "SET last_step = :step, last_used_at = :now";
        if (upgraded.isPresent()) {
            values.put(":upgraded", Attributes.s(upgraded.get()));
            values.put(":ct", Attributes.s(credential.secretCiphertext()));
            condition += " AND secret_ciphertext = :ct";
            update += ", secret_ciphertext = :upgraded";
        }
        return update(Update.builder().tableName(tables.identity())
                .key(Keys.mfaTotp(credential.tenantId(), credential.userId()))
                .updateExpression(update).conditionExpression(condition)
                .expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(values).build());
    }

    /** Replaces the backup-code set (old codes void). */
    public TransactWriteItem putBackupCodes(String tenantId, String userId, BackupCodes.Stored stored, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>(Keys.mfaBackupCodes(tenantId, userId));
        item.put("tenant_id", Attributes.s(tenantId));
        item.put("user_id", Attributes.s(userId));
        item.put("salt", Attributes.s(stored.salt()));
        item.put("hashes", Attributes.strings(stored.hashes()));
        item.put("created_at", Attributes.epochMillis(now));
        return TransactWriteItem.builder().put(Put.builder().tableName(tables.identity()).item(item).build()).build();
    }

    /** Consumes slot {@code index}, on condition that it still holds the hash that matched. */
    public TransactWriteItem consumeBackupCode(String tenantId, String userId, int index, String expectedHash,
            Instant now) {
        return update(Update.builder().tableName(tables.identity()).key(Keys.mfaBackupCodes(tenantId, userId))
                .updateExpression("SET #hashes[" + index + "] = :empty, last_used_at = :now")
                .conditionExpression("#hashes[" + index + "] = :expected")
                .expressionAttributeNames(Map.of("#hashes", "hashes"))
                .expressionAttributeValues(Map.of(":empty", Attributes.s(""), ":expected", Attributes.s(expectedHash),
                        ":now", Attributes.epochMillis(now))).build());
    }

    /** A condition that the user's TOTP credential is active. */
    public TransactWriteItem requireActiveTotp(String tenantId, String userId) {
        return TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(tables.identity())
                .key(Keys.mfaTotp(tenantId, userId)).conditionExpression("#status = :active")
                .expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(Map.of(":active", Attributes.s(TotpCredential.Status.ACTIVE.name())))
                .build()).build();
    }

    /** Deletes the TOTP credential (which must exist) and the backup codes. */
    public List<TransactWriteItem> deleteTotpAndBackupCodes(String tenantId, String userId) {
        return List.of(
                TransactWriteItem.builder().delete(Delete.builder().tableName(tables.identity())
                        .key(Keys.mfaTotp(tenantId, userId)).conditionExpression("attribute_exists(#pk)")
                        .expressionAttributeNames(Map.of("#pk", Keys.PK)).build()).build(),
                TransactWriteItem.builder().delete(Delete.builder().tableName(tables.identity())
                        .key(Keys.mfaBackupCodes(tenantId, userId)).build()).build());
    }

    /**
     * Stores a number waiting for verification (replacing an earlier pending one; a verified
     * number stays as it is) with its code's keyed hash, expiry and no attempts used.
     */
    public void putPendingPhone(String tenantId, String userId, String phoneCiphertext, String lastTwo,
            String codeHash, Instant now, Instant expires) {
        dynamoDb.updateItem(r -> r.tableName(tables.identity()).key(Keys.mfaSms(tenantId, userId))
                .updateExpression("SET tenant_id = :tenant, user_id = :user, pending_phone_ciphertext = :ct,"
                        + " pending_last2 = :last2, pending_code_hash = :hash, pending_created_at = :now,"
                        + " pending_expires_at = :expires, pending_attempts = :zero")
                .expressionAttributeValues(Map.of(":tenant", Attributes.s(tenantId), ":user", Attributes.s(userId),
                        ":ct", Attributes.s(phoneCiphertext), ":last2", Attributes.s(lastTwo),
                        ":hash", Attributes.s(codeHash), ":now", Attributes.epochMillis(now),
                        ":expires", Attributes.epochMillis(expires), ":zero", Attributes.n(0))));
    }

    /**
     * Counts one verification attempt of the pending number whose code hash is {@code codeHash},
     * while it is unexpired and has attempts left. False when it does not (any more).
     */
    public boolean countPhoneAttempt(String tenantId, String userId, String codeHash, int maxAttempts, Instant now) {
        try {
            dynamoDb.updateItem(r -> r.tableName(tables.identity()).key(Keys.mfaSms(tenantId, userId))
                    .updateExpression("ADD pending_attempts :one")
                    .conditionExpression("pending_code_hash = :hash AND pending_attempts < :max"
                            + " AND pending_expires_at > :now")
                    .expressionAttributeValues(Map.of(":one", Attributes.n(1), ":hash", Attributes.s(codeHash),
                            ":max", Attributes.n(maxAttempts), ":now", Attributes.epochMillis(now))));
            return true;
        } catch (ConditionalCheckFailedException spent) {
            return false;
        }
    }

    /**
     * Makes the pending number the verified one, on condition that it is still the number whose
     * code was checked ({@code codeHash}) and unexpired.
     */
    public TransactWriteItem verifyPendingPhone(SmsCredential.Pending pending, String tenantId, String userId,
            Instant now) {
        return update(Update.builder().tableName(tables.identity()).key(Keys.mfaSms(tenantId, userId))
                .updateExpression("SET phone_ciphertext = pending_phone_ciphertext, phone_last2 = pending_last2,"
                        + " verified_at = :now REMOVE pending_phone_ciphertext, pending_last2, pending_code_hash,"
                        + " pending_created_at, pending_expires_at, pending_attempts")
                .conditionExpression("pending_code_hash = :hash AND pending_expires_at > :now")
                .expressionAttributeValues(Map.of(":hash", Attributes.s(pending.codeHash()),
                        ":now", Attributes.epochMillis(now))).build());
    }

    /** Commits {@code writes} as one transaction. */
    public void commit(List<TransactWriteItem> writes) {
        dynamoDb.transactWriteItems(TransactWriteItemsRequest.builder().transactItems(writes).build());
    }

    private static TransactWriteItem update(Update update) {
        return TransactWriteItem.builder().update(update).build();
    }
}
