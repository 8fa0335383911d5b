package io.tollgate.webauthn;

import com.yubico.webauthn.CredentialRepository;
import com.yubico.webauthn.RegisteredCredential;
import com.yubico.webauthn.RegistrationResult;
import com.yubico.webauthn.data.ByteArray;
import com.yubico.webauthn.data.PublicKeyCredentialDescriptor;
import com.yubico.webauthn.data.exception.Base64UrlException;
import io.tollgate.storage.Attributes;
import io.tollgate.storage.Keys;
import io.tollgate.storage.PartitionQueries;
import io.tollgate.storage.TableNames;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * WebAuthn credentials in DynamoDB (ADR 0040). Each credential is an item in its owner's
 * partition ({@code WEBAUTHN#<id>}) plus a tenant-wide owner item, both written in one
 * transaction on condition that neither exists, so a credential id is registered once per
 * tenant even under concurrency. The WebAuthn user handle is the UTF-8 of the immutable user id
 * (a random UUID, no personal data, as WebAuthn §14.6.1 asks). {@link #forTenant} adapts the
 * store to the library's {@link CredentialRepository}, scoped to one tenant: no look-up crosses
 * tenants, and the library's "user name" is the user id.
 */
public final class WebAuthnCredentialRepository {

    private final DynamoDbClient dynamoDb;
    private final TableNames tables;

    public WebAuthnCredentialRepository(DynamoDbClient dynamoDb, TableNames tables) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.tables = Objects.requireNonNull(tables, "tables");
    }

    /** The user handle of a user id. */
    public static ByteArray userHandle(String userId) {
        return new ByteArray(userId.getBytes(StandardCharsets.UTF_8));
    }

    /** A user's credentials, oldest first. */
    public List<WebAuthnCredential> list(String tenantId, String userId) {
        List<WebAuthnCredential> credentials = new ArrayList<>(PartitionQueries.withPrefix(dynamoDb, tables.identity(),
                Keys.userSessionsPartition(tenantId, userId), Keys.WEBAUTHN_PREFIX).stream()
                .map(WebAuthnCredential::fromItem).toList());
        credentials.sort(java.util.Comparator.comparing(WebAuthnCredential::createdAt));
        return credentials;
    }

    /** One credential of a user; empty when the user has no such credential. */
    public Optional<WebAuthnCredential> find(String tenantId, String userId, String credentialId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(tables.identity())
                .key(Keys.webauthnCredential(tenantId, userId, credentialId)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(WebAuthnCredential.fromItem(item));
    }

    /** The owner (user id) of a credential id in a tenant. */
    public Optional<String> owner(String tenantId, String credentialId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(tables.identity())
                .key(Keys.webauthnCredentialOwner(tenantId, credentialId)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Attributes.string(item, "user_id");
    }

    /** Why a credential could not be stored. */
    public enum Refusal {
        /** The credential id is registered in the tenant already (by this user or another). */
        TAKEN,
        /** The user item's condition failed: the account was disabled or changed meanwhile. */
        USER_CHANGED
    }

    /**
     * Stores a credential the library verified, in one transaction with {@code userUpdate} (the
     * owner's user item: {@code mfa_methods} gains {@code "webauthn"}). Empty when stored.
     */
    public Optional<Refusal> add(String tenantId, String userId, RegistrationResult result, String name, Instant now,
            TransactWriteItem userUpdate) {
        String id = result.getKeyId().getId().getBase64Url();
        Map<String, AttributeValue> item = new HashMap<>(Keys.webauthnCredential(tenantId, userId, id));
        item.put("tenant_id", Attributes.s(tenantId));
        item.put("user_id", Attributes.s(userId));
        item.put("credential_id", Attributes.s(id));
        item.put("public_key_cose", Attributes.s(result.getPublicKeyCose().getBase64Url()));
        item.put("sign_count", Attributes.n(result.getSignatureCount()));
        List<String> transports = result.getKeyId().getTransports().orElse(new java.util.TreeSet<>()).stream()
                .map(t -> t.getId()).sorted().toList();
        item.put("transports", Attributes.strings(transports));
        item.put("aaguid", Attributes.s(result.getAaguid().getHex()));
        item.put("name", Attributes.s(name));
        item.put("discoverable", Attributes.bool(result.isDiscoverable().orElse(false)));
        item.put("created_at", Attributes.epochMillis(now));
        Map<String, AttributeValue> owner = new HashMap<>(Keys.webauthnCredentialOwner(tenantId, id));
        owner.put("user_id", Attributes.s(userId));
        owner.put("created_at", Attributes.epochMillis(now));
        try {
            dynamoDb.transactWriteItems(r -> r.transactItems(
                    TransactWriteItem.builder().put(Put.builder().tableName(tables.identity()).item(item)
                            .conditionExpression("attribute_not_exists(#pk)")
                            .expressionAttributeNames(Map.of("#pk", Keys.PK)).build()).build(),
                    TransactWriteItem.builder().put(Put.builder().tableName(tables.identity()).item(owner)
                            .conditionExpression("attribute_not_exists(#pk)")
                            .expressionAttributeNames(Map.of("#pk", Keys.PK)).build()).build(),
                    userUpdate));
            return Optional.empty();
        } catch (TransactionCanceledException cancelled) {
            List<String> codes = cancelled.hasCancellationReasons()
                    ? cancelled.cancellationReasons().stream().map(r -> String.valueOf(r.code())).toList() : List.of();
            if (codes.size() == 3 && "ConditionalCheckFailed".equals(codes.get(2))) {
                return Optional.of(Refusal.USER_CHANGED);
            }
            if (codes.stream().anyMatch("ConditionalCheckFailed"::equals)) {
                return Optional.of(Refusal.TAKEN);
            }
            throw cancelled;
        }
    }

    /**
     * Deletes a user's credential and its owner item, with {@code alongWith} (the user update
     * when it was the last one); false when the user has no such credential or the user changed.
     */
    public boolean remove(String tenantId, String userId, String credentialId, List<TransactWriteItem> alongWith) {
        List<TransactWriteItem> writes = new ArrayList<>();
        try {
            writes.addAll(List.of(
                    TransactWriteItem.builder().delete(Delete.builder().tableName(tables.identity())
                            .key(Keys.webauthnCredential(tenantId, userId, credentialId))
                            .conditionExpression("attribute_exists(#pk)")
                            .expressionAttributeNames(Map.of("#pk", Keys.PK)).build()).build(),
                    TransactWriteItem.builder().delete(Delete.builder().tableName(tables.identity())
                            .key(Keys.webauthnCredentialOwner(tenantId, credentialId))
                            .conditionExpression("#user = :user")
                            .expressionAttributeNames(Map.of("#user", "user_id"))
                            .expressionAttributeValues(Map.of(":user", Attributes.s(userId))).build()).build()));
            writes.addAll(alongWith);
            dynamoDb.transactWriteItems(r -> r.transactItems(writes));
            return true;
        } catch (TransactionCanceledException missing) {
            return false;
        }
    }

    /**
     * The transaction part that records a verified assertion: the new signature counter (on
     * condition that it still increases, so two assertions with one counter value cannot both
     * pass) and the time of use. Authenticators that do not count (always 0) are not conditioned.
     */
    public TransactWriteItem recordUse(WebAuthnCredential credential, long newSignCount, Instant now) {
        Map<String, String> names = new HashMap<>(Map.of("#pk", Keys.PK, "#count", "sign_count", "#used", "last_used_at"));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":count", Attributes.n(newSignCount),
                ":now", Attributes.epochMillis(now)));
        String condition = "attribute_exists(#pk)";
        if (newSignCount > 0) {
            condition += " AND #count < :count";
        }
        return TransactWriteItem.builder().update(Update.builder().tableName(tables.identity())
                .key(Keys.webauthnCredential(credential.tenantId(), credential.userId(), credential.credentialId()))
                .updateExpression("SET #count = :count, #used = :now")
                .conditionExpression(condition).expressionAttributeNames(names).expressionAttributeValues(values)
                .build()).build();
    }

    /** The user id of a user name in a tenant (the library names users by name, Tollgate by id). */
    Optional<String> userIdOf(String tenantId, String username) {
        Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(tables.identity())
                .key(Keys.user(tenantId, username)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Attributes.string(item, "user_id");
    }

    /**
     * The library's view of this store for one tenant: its "user name" is the Tollgate user name
     * (shown by the authenticator), its user handle the user id.
     */
    public CredentialRepository forTenant(String tenantId) {
        return new TenantCredentials(tenantId);
    }

    private final class TenantCredentials implements CredentialRepository {
        private final String tenantId;

        TenantCredentials(String tenantId) {
            this.tenantId = tenantId;
        }

        @Override
        public Set<PublicKeyCredentialDescriptor> getCredentialIdsForUsername(String username) {
            return userIdOf(tenantId, username).map(userId -> list(tenantId, userId)).orElse(List.of()).stream()
                    .map(c -> descriptor(c)).collect(Collectors.toSet());
        }

        @Override
        public Optional<ByteArray> getUserHandleForUsername(String username) {
            return userIdOf(tenantId, username).map(WebAuthnCredentialRepository::userHandle);
        }

        @Override
        public Optional<String> getUsernameForUserHandle(ByteArray userHandle) {
            String userId = new String(userHandle.getBytes(), StandardCharsets.UTF_8);
            Map<String, AttributeValue> pointer = dynamoDb.getItem(r -> r.tableName(tables.identity())
                    .key(Keys.userId(tenantId, userId)).consistentRead(true)).item();
            return pointer == null || pointer.isEmpty() ? Optional.empty() : Attributes.string(pointer, "username");
        }

        @Override
        public Optional<RegisteredCredential> lookup(ByteArray credentialId, ByteArray userHandle) {
            String userId = new String(userHandle.getBytes(), StandardCharsets.UTF_8);
            return find(tenantId, userId, credentialId.getBase64Url()).map(c -> registered(c));
        }

        @Override
        public Set<RegisteredCredential> lookupAll(ByteArray credentialId) {
            String id = credentialId.getBase64Url();
            return owner(tenantId, id).flatMap(userId -> find(tenantId, userId, id)).map(c -> registered(c))
                    .map(Set::of).orElse(Set.of());
        }
    }

    static RegisteredCredential registered(WebAuthnCredential credential) {
        return RegisteredCredential.builder().credentialId(bytes(credential.credentialId()))
                .userHandle(userHandle(credential.userId())).publicKeyCose(bytes(credential.publicKeyCose()))
                .signatureCount(credential.signCount()).build();
    }

    static PublicKeyCredentialDescriptor descriptor(WebAuthnCredential credential) {
        return PublicKeyCredentialDescriptor.builder().id(bytes(credential.credentialId())).build();
    }

    static ByteArray bytes(String base64Url) {
        try {
            return ByteArray.fromBase64Url(base64Url);
        } catch (Base64UrlException e) {
            throw new IllegalStateException("A stored WebAuthn value is not base64url", e);
        }
    }
}
