package io.tollgate.devkit;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbWaiter;

/**
 * Creates the template's DynamoDB tables in a local (or test) DynamoDB, so the tables a test or the local runtime
 * uses are exactly the ones {@code template.yaml} deploys: same keys, GSIs, TTL attribute and stream. The local
 * table name is the logical id; billing is always on demand. Idempotent: a table that already exists is left as
 * it is, so a persistent data directory can be reused across restarts.
 */
public final class TableProvisioner {

    private TableProvisioner() {
    }

    /**
     * Creates every missing table of {@code template}.
     *
     * @return the logical ids of the tables created by this call, in template order
     */
    public static List<String> provision(DynamoDbClient client, SamTemplate template) {
        Set<String> existing = new HashSet<>();
        client.listTablesPaginator().tableNames().forEach(existing::add);
        List<String> created = new ArrayList<>();
        for (TableSpec table : template.tables()) {
            if (!existing.contains(table.logicalId()) && create(client, table)) {
                created.add(table.logicalId());
            }
        }
        return List.copyOf(created);
    }

    private static boolean create(DynamoDbClient client, TableSpec table) {
        CreateTableRequest.Builder request = CreateTableRequest.builder()
                .tableName(table.logicalId())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(keySchema(table.keySchema()))
                .attributeDefinitions(table.attributeDefinitions().stream()
                        .map(a -> AttributeDefinition.builder()
                                .attributeName(a.attributeName()).attributeType(a.attributeType()).build())
                        .toList());
        if (!table.globalSecondaryIndexes().isEmpty()) {
            request.globalSecondaryIndexes(table.globalSecondaryIndexes().stream()
                    .map(gsi -> GlobalSecondaryIndex.builder()
                            .indexName(gsi.indexName())
                            .keySchema(keySchema(gsi.keySchema()))
                            .projection(projection(gsi))
                            .build())
                    .toList());
        }
        table.streamViewType().ifPresent(viewType -> request.streamSpecification(
                StreamSpecification.builder().streamEnabled(true).streamViewType(viewType).build()));
        try {
            client.createTable(request.build());
        } catch (ResourceInUseException alreadyThere) {
            return false; // created concurrently by another provisioner: left alone, like any existing table
        }
        try (DynamoDbWaiter waiter = DynamoDbWaiter.builder().client(client).build()) {
            waiter.waitUntilTableExists(b -> b.tableName(table.logicalId()));
        }
        table.ttlAttribute().ifPresent(attribute -> client.updateTimeToLive(b -> b
                .tableName(table.logicalId())
                .timeToLiveSpecification(ttl -> ttl.enabled(true).attributeName(attribute))));
        return true;
    }

    private static List<KeySchemaElement> keySchema(List<TableSpec.KeyElement> keys) {
        return keys.stream()
                .map(k -> KeySchemaElement.builder().attributeName(k.attributeName()).keyType(k.keyType()).build())
                .toList();
    }

    private static Projection projection(TableSpec.Gsi gsi) {
        Projection.Builder projection = Projection.builder().projectionType(gsi.projectionType());
        if (!gsi.nonKeyAttributes().isEmpty()) {
            projection.nonKeyAttributes(gsi.nonKeyAttributes());
        }
        return projection.build();
    }
}
