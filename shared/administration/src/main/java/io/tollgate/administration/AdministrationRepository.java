package io.tollgate.administration;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.tollgate.crypto.EnvelopeEncryptor;
import io.tollgate.json.Json;
import io.tollgate.settings.SecuritySettings;
import io.tollgate.storage.Attributes;
import io.tollgate.storage.ItemUpdate;
import io.tollgate.storage.Keys;
import io.tollgate.storage.PartitionQueries;
import io.tollgate.storage.TableNames;
import io.tollgate.tenant.Tenant;
import io.tollgate.user.EmailProtection;
import io.tollgate.user.UserAccount;
import io.tollgate.user.UserDirectory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The DynamoDB reads and writes of administration (ADR 0002, ADR 0017). Every key starts with
 * the tenant the service passes in (always the caller's token tenant for users), so nothing here
 * can reach another tenant. Every write that depends on what was read is conditioned on it: a user
 * is changed only while it still has the id and the roles the decision was made on; a failed
 * condition returns {@code false} and changes nothing.
 */
public final class AdministrationRepository {

    private static final String USER_PREFIX = "USER#";
    private static final String ORG_PREFIX = "ORG#";

    private static final String EMAIL_PREFIX = "EMAIL#";

    private final DynamoDbClient dynamoDb;
    private final TableNames tables;
    private final Optional<EmailProtection> emails;
    private final Optional<EnvelopeEncryptor> reader;

    /** A repository that neither reads nor writes e-mail addresses (users with one cannot be read). */
    public AdministrationRepository(DynamoDbClient dynamoDb, TableNames tables) {
        this(dynamoDb, tables, Optional.empty());
    }

    /** A repository that stores e-mail addresses encrypted with a blind index (ADR 0046). */
    public AdministrationRepository(DynamoDbClient dynamoDb, TableNames tables, EmailProtection emails) {
        this(dynamoDb, tables, Optional.of(emails));
    }

    private AdministrationRepository(DynamoDbClient dynamoDb, TableNames tables, Optional<EmailProtection> emails) {
        this(dynamoDb, tables, emails, emails.map(EmailProtection::encryptor));
    }

    /** Reading an address needs only the envelope encryption; writing and look-up need the index key too. */
    private AdministrationRepository(DynamoDbClient dynamoDb, TableNames tables, Optional<EmailProtection> emails,
            Optional<EnvelopeEncryptor> reader) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.tables = Objects.requireNonNull(tables, "tables");
        this.emails = emails;
        this.reader = reader;
    }

    /** The repository of a container: with e-mail protection where it is configured. */
    public static AdministrationRepository of(io.tollgate.platform.TollgateServices services) {
        return new AdministrationRepository(services.dynamoDb(), services.config().tables(),
                services.emailProtectionIfConfigured(), services.encryptorIfConfigured());
    }

    private EmailProtection emails() {
        return emails.orElseThrow(() -> new IllegalStateException("This repository has no e-mail protection"));
    }

    /** A user as read, its e-mail address decrypted (the projection holds the ciphertext only). */
    private ManagedUser user(Map<String, AttributeValue> item) {
        return ManagedUser.from(item, EmailProtection.read(reader, Attributes.requiredString(item, "tenant_id"), item));
    }

    /**
     * The users of the tenant whose e-mail address is {@code email} (after normalisation), found by
     * the blind index alone: the address is never compared or stored in clear.
     */
    public List<ManagedUser> usersByEmail(String tenantId, String email) {
        String prefix = Keys.emailPointerPrefix(emails().blindIndex(tenantId, email));
        List<ManagedUser> found = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> exclusiveStart = start;
            QueryResponse response = dynamoDb.query(r -> r.tableName(tables.identity()).consistentRead(true)
                    .keyConditionExpression("#pk = :pk AND begins_with(#sk, :prefix)")
                    .expressionAttributeNames(Map.of("#pk", Keys.PK, "#sk", Keys.SK))
                    .expressionAttributeValues(Map.of(":pk", Attributes.s(Keys.tenantPartition(tenantId)),
                            ":prefix", Attributes.s(prefix)))
                    .exclusiveStartKey(exclusiveStart));
            for (Map<String, AttributeValue> pointer : response.items()) {
                findUser(tenantId, Attributes.requiredString(pointer, "user_id")).ifPresent(found::add);
            }
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey() : null;
        } while (start != null && found.size() < PageRequest.MAX_LIMIT);
        return found;
    }

    /** The user item's key from the normalised name the id pointer stores (no second normalisation). */
    private static Map<String, AttributeValue> userKey(String tenantId, String normalisedUsername) {
        return Map.of(Keys.PK, Attributes.s(Keys.tenantPartition(tenantId)),
                Keys.SK, Attributes.s(USER_PREFIX + normalisedUsername));
    }

    public Optional<Tenant> tenant(String tenantId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(tables.identity())
                .key(Keys.tenant(tenantId)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(Tenant.fromItem(item));
    }

    /** The user with id {@code userId} in the tenant, through its id pointer (consistent reads). */
    public Optional<ManagedUser> findUser(String tenantId, String userId) {
        Map<String, AttributeValue> pointer = dynamoDb.getItem(r -> r.tableName(tables.identity())
                .key(Keys.userId(tenantId, userId)).consistentRead(true)).item();
        if (pointer == null || pointer.isEmpty() || Attributes.string(pointer, "username").isEmpty()) {
            return Optional.empty();
        }
        Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(tables.identity())
                .key(userKey(tenantId, Attributes.requiredString(pointer, "username"))).consistentRead(true)
                .projectionExpression(projection(ManagedUser.PROJECTION))
                .expressionAttributeNames(names(ManagedUser.PROJECTION))).item();
        if (item == null || item.isEmpty() || !userId.equals(Attributes.string(item, "user_id").orElse(""))) {
            return Optional.empty();
        }
        return Optional.of(user(item));
    }

    /** A page of the tenant's users in user-name order, optionally only those of one organisation. */
    public Page<ManagedUser> users(String tenantId, Optional<String> organizationId, PageRequest page) {
        Map<String, String> names = new HashMap<>(names(ManagedUser.PROJECTION));
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":prefix", Attributes.s(USER_PREFIX));
        QueryRequest.Builder query = query(tenantId, USER_PREFIX, page, names, values)
                .projectionExpression(projection(ManagedUser.PROJECTION));
        organizationId.ifPresent(org -> {
            values.put(":org", Attributes.s(org));
            query.filterExpression("#org_id = :org");
        });
        query.expressionAttributeNames(names).expressionAttributeValues(values);
        return page(query.build(), this::user);
    }

    /**
     * Every active user of the tenant holding one of {@code roles} (alerting's recipients, ADR 0042),
     * in user-name order. The role test is a filter on the tenant's user items, read 1 MB a request,
     * so even a large tenant takes a few requests; only alerts that passed deduplication ask.
     */
    public List<ManagedUser> usersWithAnyRole(String tenantId, List<String> roles) {
        if (roles.isEmpty()) {
            return List.of();
        }
        Map<String, String> names = new HashMap<>(names(ManagedUser.PROJECTION));
        names.put("#pk", Keys.PK);
        names.put("#sk", Keys.SK);
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":pk", Attributes.s(Keys.tenantPartition(tenantId)));
        values.put(":prefix", Attributes.s(USER_PREFIX));
        values.put(":active", Attributes.s(UserAccount.Status.ACTIVE.name()));
        List<String> tests = new ArrayList<>();
        for (int i = 0; i < roles.size(); i++) {
            values.put(":role" + i, Attributes.s(roles.get(i)));
            tests.add("contains(#roles, :role" + i + ")");
        }
        QueryRequest.Builder query = QueryRequest.builder().tableName(tables.identity()).consistentRead(true)
                .keyConditionExpression("#pk = :pk AND begins_with(#sk, :prefix)")
                .filterExpression("#status = :active AND (" + String.join(" OR ", tests) + ")")
                .projectionExpression(projection(ManagedUser.PROJECTION))
                .expressionAttributeNames(names).expressionAttributeValues(values);
        List<ManagedUser> users = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse response = dynamoDb.query(start == null ? query.build() : query.exclusiveStartKey(start).build());
            response.items().stream().map(this::user).forEach(users::add);
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey() : null;
        } while (start != null);
        return users;
    }

    /** A page of the tenant's organisations in id order. */
    public Page<Organization> organizations(String tenantId, PageRequest page) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":prefix", Attributes.s(ORG_PREFIX));
        QueryRequest request = query(tenantId, ORG_PREFIX, page, names, values)
                .expressionAttributeNames(names).expressionAttributeValues(values).build();
        return page(request, item -> new Organization(Attributes.requiredString(item, "tenant_id"),
                Attributes.requiredString(item, "org_id"), Attributes.string(item, "name").orElse(""),
                Attributes.instantMillis(item, "created_at")));
    }

    public boolean organizationExists(String tenantId, String organizationId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(tables.identity())
                .key(Keys.organization(tenantId, organizationId)).consistentRead(true)).item();
        return item != null && !item.isEmpty();
    }

    private static QueryRequest.Builder query(String tenantId, String prefix, PageRequest page, Map<String, String> names,
            Map<String, AttributeValue> values) {
        names.put("#pk", Keys.PK);
        names.put("#sk", Keys.SK);
        values.put(":pk", Attributes.s(Keys.tenantPartition(tenantId)));
        QueryRequest.Builder query = QueryRequest.builder().consistentRead(true)
                .keyConditionExpression("#pk = :pk AND begins_with(#sk, :prefix)").limit(page.limit());
        page.after().ifPresent(after -> {
            // The cursor only positions within this tenant's partition and this item kind.
            if (!after.startsWith(prefix) || after.length() <= prefix.length() || after.length() > 600) {
                throw PageRequest.invalidCursor();
            }
            query.exclusiveStartKey(Map.of(Keys.PK, Attributes.s(Keys.tenantPartition(tenantId)),
                    Keys.SK, Attributes.s(after)));
        });
        return query;
    }

    private <T> Page<T> page(QueryRequest request, Function<Map<String, AttributeValue>, T> mapper) {
        QueryRequest withTable = request.toBuilder().tableName(tables.identity()).build();
        QueryResponse response = dynamoDb.query(withTable);
        List<T> items = response.items().stream().map(mapper).toList();
        Optional<String> next = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                ? Optional.of(PageRequest.encode(response.lastEvaluatedKey().get(Keys.SK).s())) : Optional.empty();
        return new Page<>(items, next);
    }

    private static String projection(List<String> attributes) {
        return attributes.stream().map(a -> "#" + a).collect(Collectors.joining(", "));
    }

    private static Map<String, String> names(List<String> attributes) {
        return attributes.stream().collect(Collectors.toMap(a -> "#" + a, a -> a));
    }

    /**
     * The user item, changed only while it still has this id and these roles; an e-mail address
     * stored under the older context is written again bound to the user (ADR 0058), on condition
     * that it is still the ciphertext that was read.
     */
    private ItemUpdate userUpdate(ManagedUser user, Instant now) {
        ItemUpdate update = userUpdateKeepingEmail(user, now);
        if (user.legacyEmailCiphertext().isPresent() && user.email().isPresent() && reader.isPresent()) {
            update.name("#email_enc", EmailProtection.CIPHERTEXT)
                    .value(":read_email_enc", Attributes.s(user.legacyEmailCiphertext().get()))
                    .value(":email_enc", Attributes.s(EmailProtection.ciphertext(reader.get(), user.tenantId(),
                            user.userId(), user.email().get())))
                    .set("#email_enc = :email_enc").condition("#email_enc = :read_email_enc");
        }
        return update;
    }

    private ItemUpdate userUpdateKeepingEmail(ManagedUser user, Instant now) {
        return ItemUpdate.of(tables.identity(), userKey(user.tenantId(), user.username()))
                .name("#pk", Keys.PK)
                .value(":id", Attributes.s(user.userId())).value(":read_roles", Attributes.strings(user.roles()))
                .value(":now", Attributes.epochMillis(now))
                .set("updated_at = :now")
                .condition("attribute_exists(#pk) AND user_id = :id AND #roles = :read_roles")
                .name("#roles", "roles");
    }

    /** The user's revocation item in the sessions table (ADR 0006), created if absent. */
    private ItemUpdate revocationUpdate(ManagedUser user, Instant now) {
        return ItemUpdate.of(tables.sessions(), Keys.userRevocation(user.tenantId(), user.userId()))
                .value(":tenant", Attributes.s(user.tenantId())).value(":user", Attributes.s(user.userId()))
                .value(":now", Attributes.epochMillis(now))
                .set("tenant_id = :tenant").set("user_id = :user").set("updated_at = :now");
    }

    /**
     * New roles, and a {@code valid_after} that voids every access token carrying the old ones
     * (the authorizer sees it within its 30 s bound), in one transaction.
     */
    public boolean replaceRoles(ManagedUser user, List<String> roles, long validAfterEpochSecond, Instant now) {
        return transact(List.of(
                userUpdate(user, now).value(":roles", Attributes.strings(roles)).set("#roles = :roles").toTransactItem(),
                revocationUpdate(user, now).value(":after", Attributes.n(validAfterEpochSecond))
                        .value(":reason", Attributes.s("role_change"))
                        .set("valid_after = :after").set("reason = :reason").toTransactItem()));
    }

    /**
     * Email and/or status. A status change writes {@code disabled} on the revocation item in the same
     * transaction, which the authorizer checks for tokens and API keys alike.
     */
    public boolean update(ManagedUser user, Optional<String> email, Optional<UserAccount.Status> status, Instant now) {
        // A new address replaces the stored one anyway (bound to the user).
        ItemUpdate update = email.isPresent() ? userUpdateKeepingEmail(user, now) : userUpdate(user, now);
        List<TransactWriteItem> writes = new ArrayList<>();
        email.ifPresent(value -> {
            // The new ciphertext and index, the old look-up pointer out and the new one in, atomically.
            Map<String, AttributeValue> stored = emails().attributes(user.tenantId(), user.userId(), value);
            update.name("#email_enc", EmailProtection.CIPHERTEXT).name("#email_index", EmailProtection.INDEX)
                    .value(":email_enc", stored.get(EmailProtection.CIPHERTEXT))
                    .value(":email_index", stored.get(EmailProtection.INDEX))
                    .set("#email_enc = :email_enc").set("#email_index = :email_index");
            emailPointerDelete(user).ifPresent(writes::add);
            writes.add(TransactWriteItem.builder().put(Put.builder().tableName(tables.identity())
                    .item(UserDirectory.emailPointer(user.tenantId(), stored.get(EmailProtection.INDEX).s(),
                            user.userId())).build()).build());
        });
        status.ifPresent(value -> {
            update.name("#status", "status").value(":status", Attributes.s(value.name())).set("#status = :status");
            writes.add(revocationUpdate(user, now).value(":disabled", Attributes.bool(value == UserAccount.Status.DISABLED))
                    .set("disabled = :disabled").toTransactItem());
        });
        writes.add(0, update.toTransactItem());
        return transact(writes);
    }

    /** Clears the lockout and the failure window (the counter attributes of {@code FailureState}). */
    public boolean unlock(ManagedUser user, Instant now) {
        return transact(List.of(userUpdate(user, now).value(":zero", Attributes.n(0))
                .set("fail_count = :zero").remove("locked_until").remove("fail_since").toTransactItem()));
    }

    /**
     * The last step of a deletion, one transaction: the user item (only while it is this user), its
     * id pointer and its MFA items (TOTP credential, backup codes, SMS phone number — ADR 0032) are
     * deleted; the revocation item
     * keeps {@code disabled} and gets a TTL, so it outlives every token; and a purge marker
     * ({@link Keys#userPurgeMarker}, due now) tells the retention job to purge whatever else still
     * names the user (ADR 0026). The marker holds ids and instants only, no personal data.
     */
    public boolean deleteIdentity(ManagedUser user, Instant revocationExpiry, Instant now) {
        return deleteIdentity(user, "user_deleted", revocationExpiry, now);
    }

    /**
     * {@link #deleteIdentity(ManagedUser, Instant, Instant)} with the marker's {@code reason}
     * ({@code user_deleted}, or {@code erasure} for a data-subject request, ADR 0028). The user's
     * WebAuthn credentials and their owner pointers, and its consent records, go in the same transaction.
     */
    public boolean deleteIdentity(ManagedUser user, String reason, Instant revocationExpiry, Instant now) {
        Map<String, AttributeValue> pointer = Keys.userId(user.tenantId(), user.userId());
        Map<String, AttributeValue> marker = new HashMap<>(Keys.userPurgeMarker(user.tenantId(), user.userId()));
        marker.put("tenant_id", Attributes.s(user.tenantId()));
        marker.put("user_id", Attributes.s(user.userId()));
        marker.put("reason", Attributes.s(reason));
        marker.put("requested_at", Attributes.epochMillis(now));
        marker.put("purge_after", Attributes.epochMillis(now));
        List<TransactWriteItem> writes = new ArrayList<>();
        for (String credentialId : webauthnCredentialIds(user.tenantId(), user.userId())) {
            writes.add(TransactWriteItem.builder().delete(Delete.builder().tableName(tables.identity())
                    .key(Keys.webauthnCredential(user.tenantId(), user.userId(), credentialId)).build()).build());
            writes.add(TransactWriteItem.builder().delete(Delete.builder().tableName(tables.identity())
                    .key(Keys.webauthnCredentialOwner(user.tenantId(), credentialId)).build()).build());
        }
        // The user's consent records go with the account (ADR 0068); the audit events prove what was consented.
        for (String sortKey : PartitionQueries.sortKeysWithPrefix(dynamoDb, tables.identity(),
                Keys.userSessionsPartition(user.tenantId(), user.userId()), Keys.CONSENT_PREFIX)) {
            writes.add(TransactWriteItem.builder().delete(Delete.builder().tableName(tables.identity())
                    .key(Keys.consent(user.tenantId(), user.userId(), sortKey.substring(Keys.CONSENT_PREFIX.length())))
                    .build()).build());
        }
        writes.addAll(List.of(
                TransactWriteItem.builder().delete(Delete.builder().tableName(tables.identity())
                        .key(Keys.mfaTotp(user.tenantId(), user.userId())).build()).build(),
                TransactWriteItem.builder().delete(Delete.builder().tableName(tables.identity())
                        .key(Keys.mfaBackupCodes(user.tenantId(), user.userId())).build()).build(),
                TransactWriteItem.builder().delete(Delete.builder().tableName(tables.identity())
                        .key(Keys.mfaSms(user.tenantId(), user.userId())).build()).build(),
                TransactWriteItem.builder().put(Put.builder().tableName(tables.identity()).item(marker).build()).build(),
                TransactWriteItem.builder().delete(Delete.builder().tableName(tables.identity())
                        .key(userKey(user.tenantId(), user.username()))
                        .conditionExpression("user_id = :id")
                        .expressionAttributeValues(Map.of(":id", Attributes.s(user.userId()))).build()).build(),
                TransactWriteItem.builder().delete(Delete.builder().tableName(tables.identity()).key(pointer).build()).build(),
                revocationUpdate(user, now).name("#ttl", Keys.TTL).value(":ttl", Attributes.epochSeconds(revocationExpiry))
                        .value(":disabled", Attributes.bool(true))
                        .set("disabled = :disabled").set("#ttl = :ttl").toTransactItem()));
        emailPointerDelete(user).ifPresent(writes::add);
        return transact(writes);
    }

    /** The delete of the user's current e-mail look-up pointer, if it has an address. */
    private Optional<TransactWriteItem> emailPointerDelete(ManagedUser user) {
        return user.email().map(old -> TransactWriteItem.builder().delete(Delete.builder().tableName(tables.identity())
                .key(Keys.emailPointer(user.tenantId(), emails().blindIndex(user.tenantId(), old), user.userId()))
                .build()).build());
    }

    /** The ids of the user's WebAuthn credentials (items {@code WEBAUTHN#<id>} in the user's partition). */
    private List<String> webauthnCredentialIds(String tenantId, String userId) {
        String partition = Keys.webauthnCredential(tenantId, userId, "x").get(Keys.PK).s();
        return PartitionQueries.sortKeysWithPrefix(dynamoDb, tables.identity(), partition, Keys.WEBAUTHN_PREFIX).stream()
                .map(sortKey -> sortKey.substring(Keys.WEBAUTHN_PREFIX.length())).toList();
    }

    /** Replaces the tenant's settings; false when the tenant does not exist. */
    public boolean replaceSettings(String tenantId, SecuritySettings settings, Instant now) {
        String json;
        try {
            json = Json.mapper().writeValueAsString(settings);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Tenant settings not serialisable", e);
        }
        try {
            dynamoDb.updateItem(r -> r.tableName(tables.identity()).key(Keys.tenant(tenantId))
                    .updateExpression("SET settings = :settings, settings_updated_at = :now")
                    .conditionExpression("attribute_exists(#pk)")
                    .expressionAttributeNames(Map.of("#pk", Keys.PK))
                    .expressionAttributeValues(Map.of(":settings", Attributes.s(json), ":now", Attributes.epochMillis(now))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private boolean transact(List<TransactWriteItem> writes) {
        try {
            dynamoDb.transactWriteItems(r -> r.transactItems(writes));
            return true;
        } catch (TransactionCanceledException e) {
            if (e.cancellationReasons().stream().anyMatch(reason -> "ConditionalCheckFailed".equals(reason.code()))) {
                return false;
            }
            throw e;
        }
    }
}
