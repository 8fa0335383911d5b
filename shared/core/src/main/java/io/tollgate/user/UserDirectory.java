package io.tollgate.user;

import io.tollgate.storage.Attributes;
import io.tollgate.storage.Keys;
import io.tollgate.storage.NewItems;
import io.tollgate.storage.TableNames;
import io.tollgate.tenant.Tenant;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Tenants, organisations and users in the identity table. Every create is a conditional write,
 * so two concurrent creates of the same id or user name cannot both succeed.
 */
public final class UserDirectory {

    private final DynamoDbClient dynamoDb;
    private final TableNames tables;
    private final Optional<EmailProtection> emails;

    /** A directory that stores no e-mail addresses (a user with one is refused). */
    public UserDirectory(DynamoDbClient dynamoDb, TableNames tables) {
        this(dynamoDb, tables, Optional.empty());
    }

    /** A directory that stores e-mail addresses encrypted, with their blind index (ADR 0046). */
    public UserDirectory(DynamoDbClient dynamoDb, TableNames tables, EmailProtection emails) {
        this(dynamoDb, tables, Optional.of(emails));
    }

    private UserDirectory(DynamoDbClient dynamoDb, TableNames tables, Optional<EmailProtection> emails) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.tables = Objects.requireNonNull(tables, "tables");
        this.emails = emails;
    }

    /** Thrown when the id or user name is taken. */
    public static final class AlreadyExistsException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        AlreadyExistsException(String what) {
            super(what + " already exists");
        }
    }

    public void createTenant(Tenant tenant, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>(Keys.tenant(tenant.id()));
        item.putAll(tenant.attributes());
        item.put("created_at", Attributes.epochMillis(now));
        putNew(item, "Tenant " + tenant.id());
    }

    public Optional<Tenant> tenant(String tenantId) {
        var item = dynamoDb.getItem(GetItemRequest.builder().tableName(tables.identity())
                .key(Keys.tenant(tenantId)).consistentRead(true).build()).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(Tenant.fromItem(item));
    }

    public void createOrganization(String tenantId, String organizationId, String name, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>(Keys.organization(tenantId, organizationId));
        item.put("tenant_id", Attributes.s(tenantId));
        item.put("org_id", Attributes.s(organizationId));
        item.put("name", Attributes.s(name));
        item.put("created_at", Attributes.epochMillis(now));
        putNew(item, "Organization " + organizationId);
    }

    /** What is needed to create a user; the password is already hashed. */
    public record NewUser(String tenantId, String userId, String username, String email, String organizationId,
            List<String> roles, String passwordHash) {
    }

    /** Creates the user item and its id pointer in one transaction; the user name must be free. */
    public void createUser(NewUser user, Instant now) {
        createUser(user, now, List.of());
    }

    /**
     * {@link #createUser(NewUser, Instant)} with {@code alongWith} in the same transaction (an
     * invitation ticket); a failed condition of those is reported as it is, not as a taken name.
     */
    public void createUser(NewUser user, Instant now, List<TransactWriteItem> alongWith) {
        Map<String, AttributeValue> item = new HashMap<>(Keys.user(user.tenantId(), user.username()));
        item.put("tenant_id", Attributes.s(user.tenantId()));
        item.put("user_id", Attributes.s(user.userId()));
        item.put("username", Attributes.s(user.username()));
        Map<String, AttributeValue> emailPointer = null;
        if (user.email() != null) {
            EmailProtection protection = emails.orElseThrow(() -> new IllegalStateException(
                    "This directory has no e-mail protection; an address is never stored in clear"));
            Map<String, AttributeValue> protectedEmail = protection.attributes(user.tenantId(), user.userId(), user.email());
            item.putAll(protectedEmail);
            emailPointer = emailPointer(user.tenantId(), protectedEmail.get(EmailProtection.INDEX).s(), user.userId());
        }
        if (user.organizationId() != null) {
            item.put("org_id", Attributes.s(user.organizationId()));
        }
        item.put("roles", Attributes.strings(user.roles()));
        item.put("status", Attributes.s(UserAccount.Status.ACTIVE.name()));
        item.put("password_hash", Attributes.s(user.passwordHash()));
        item.put("password_changed_at", Attributes.epochMillis(now));
        item.put("mfa_methods", Attributes.strings(List.of()));
        item.put("created_at", Attributes.epochMillis(now));
        Map<String, AttributeValue> pointer = new HashMap<>(Keys.userId(user.tenantId(), user.userId()));
        pointer.put("username", Attributes.s(Keys.normaliseUsername(user.username())));
        try {
            List<TransactWriteItem> writes = new java.util.ArrayList<>(List.of(newItem(item), newItem(pointer)));
            if (emailPointer != null) {
                writes.add(newItem(emailPointer));
            }
            writes.addAll(alongWith);
            dynamoDb.transactWriteItems(TransactWriteItemsRequest.builder().transactItems(writes).build());
        } catch (TransactionCanceledException e) {
            if (e.cancellationReasons().stream().limit(2).anyMatch(r -> "ConditionalCheckFailed".equals(r.code()))) {
                throw new AlreadyExistsException("User " + user.username());
            }
            throw e;
        }
    }

    /** The look-up pointer item of a user's e-mail blind index (ADR 0046); holds ids only. */
    public static Map<String, AttributeValue> emailPointer(String tenantId, String blindIndex, String userId) {
        Map<String, AttributeValue> item = new HashMap<>(Keys.emailPointer(tenantId, blindIndex, userId));
        item.put("tenant_id", Attributes.s(tenantId));
        item.put("user_id", Attributes.s(userId));
        return item;
    }

    private TransactWriteItem newItem(Map<String, AttributeValue> item) {
        return NewItems.put(tables.identity(), item);
    }

    private void putNew(Map<String, AttributeValue> item, String what) {
        try {
            dynamoDb.putItem(PutItemRequest.builder().tableName(tables.identity()).item(item)
                    .conditionExpression("attribute_not_exists(#pk)")
                    .expressionAttributeNames(Map.of("#pk", Keys.PK)).build());
        } catch (ConditionalCheckFailedException e) {
            throw new AlreadyExistsException(what);
        }
    }

    /** The user with this id in the tenant, through its {@code USERID#} pointer (consistent reads). */
    public Optional<UserAccount> findById(String tenantId, String userId) {
        Map<String, AttributeValue> pointer = dynamoDb.getItem(r -> r.tableName(tables.identity())
                .key(Keys.userId(tenantId, userId)).consistentRead(true)).item();
        if (pointer == null || !pointer.containsKey("username")) {
            return Optional.empty();
        }
        return findByUsername(tenantId, pointer.get("username").s()).filter(u -> u.userId().equals(userId));
    }

    /** The user with this user name in the tenant (consistent read). */
    public Optional<UserAccount> findByUsername(String tenantId, String username) {
        Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(tables.identity())
                .key(Keys.user(tenantId, username)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(UserAccount.fromItem(item));
    }
}
