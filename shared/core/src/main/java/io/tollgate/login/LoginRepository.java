package io.tollgate.login;

import io.tollgate.lockout.FailureState;
import io.tollgate.storage.Keys;
import io.tollgate.storage.TableNames;
import io.tollgate.tenant.Tenant;
import io.tollgate.user.UserAccount;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * Reads everything a login decision needs in one {@code BatchGetItem}: the tenant, the user,
 * and the IP failure counters (under the tenant, under the unknown-tenant bucket, and across
 * tenants; ADR 0057).
 */
public final class LoginRepository {

    private static final int MAX_ROUNDS = 5;

    private final DynamoDbClient dynamoDb;
    private final TableNames tables;

    public LoginRepository(DynamoDbClient dynamoDb, TableNames tables) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.tables = Objects.requireNonNull(tables, "tables");
    }

    /** The state read at the start of a login. */
    public record Snapshot(Optional<Tenant> tenant, Optional<UserAccount> user, FailureState ipFailures,
            FailureState crossTenantIpFailures) {
    }

    public Snapshot load(String tenantId, String username, String ip) {
        Map<String, AttributeValue> tenantKey = Keys.tenant(tenantId);
        Map<String, AttributeValue> userKey = Keys.user(tenantId, username);
        Map<String, AttributeValue> ipKey = Keys.ipCounter(tenantId, ip);
        Map<String, AttributeValue> unknownIpKey = Keys.ipCounter(Keys.UNKNOWN_TENANT, ip);
        Map<String, AttributeValue> crossTenantIpKey = Keys.crossTenantIpCounter(ip);
        Map<String, KeysAndAttributes> request = new HashMap<>();
        request.put(tables.identity(), KeysAndAttributes.builder().consistentRead(true)
                .keys(tenantKey, userKey).build());
        request.put(tables.security(), KeysAndAttributes.builder().consistentRead(true)
                .keys(ipKey, unknownIpKey, crossTenantIpKey).build());

        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (int round = 0; round < MAX_ROUNDS && !request.isEmpty(); round++) {
            BatchGetItemResponse response = dynamoDb.batchGetItem(BatchGetItemRequest.builder()
                    .requestItems(request).build());
            response.responses().values().forEach(items::addAll);
            request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
        }
        if (!request.isEmpty()) {
            throw new IllegalStateException("DynamoDB left login keys unprocessed after " + MAX_ROUNDS + " rounds");
        }
        Optional<Tenant> tenant = find(items, tenantKey).map(Tenant::fromItem);
        Optional<UserAccount> user = tenant.flatMap(t -> find(items, userKey)).map(UserAccount::fromItem);
        FailureState ipFailures = FailureState.from(find(items, tenant.isPresent() ? ipKey : unknownIpKey).orElse(null));
        return new Snapshot(tenant, user, ipFailures, FailureState.from(find(items, crossTenantIpKey).orElse(null)));
    }

    private static Optional<Map<String, AttributeValue>> find(List<Map<String, AttributeValue>> items,
            Map<String, AttributeValue> key) {
        return items.stream().filter(item -> key.get(Keys.PK).equals(item.get(Keys.PK))
                && key.get(Keys.SK).equals(item.get(Keys.SK))).findFirst();
    }

    /** The user item as it is now (after a transaction lost a race on it). */
    public Optional<UserAccount> reloadUser(String tenantId, String username) {
        Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(tables.identity())
                .key(Keys.user(tenantId, username)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(UserAccount.fromItem(item));
    }
}
