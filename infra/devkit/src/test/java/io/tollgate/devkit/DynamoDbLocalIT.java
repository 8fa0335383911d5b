package io.tollgate.devkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DynamoDbLocalIT {

    private DynamoDbLocalServer server;
    private DynamoDbClient client;
    private List<String> createdAtStart;

    @BeforeAll
    void start() {
        server = DynamoDbLocalServer.inMemory();
        client = server.client();
        createdAtStart = TableProvisioner.provision(client, TestTemplates.template());
    }

    @AfterAll
    void stop() {
        client.close();
        server.close();
    }

    private static Map<String, AttributeValue> user(String pk, String email) {
        return Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS("profile"),
                "email", AttributeValue.fromS(email), "status", AttributeValue.fromS("active"));
    }

    @Test
    void serverWhenStartedThenListensOnLoopback() {
        assertEquals("127.0.0.1", server.endpoint().getHost());
        assertTrue(server.endpoint().getPort() > 0);
    }

    @Test
    void provisionWhenFreshThenEveryTemplateTableCreated() {
        assertEquals(List.of("UsersTable", "AuditTable"), createdAtStart);
        assertTrue(client.listTables().tableNames().containsAll(List.of("UsersTable", "AuditTable")));
    }

    @Test
    void provisionWhenTablesExistThenNothingCreated() {
        assertEquals(List.of(), TableProvisioner.provision(client, TestTemplates.template()));
    }

    @Test
    void provisionWhenTemplateDeclaresGsiTtlAndStreamThenTableHasThem() {
        TableDescription table = client.describeTable(b -> b.tableName("UsersTable")).table();
        assertEquals(BillingMode.PAY_PER_REQUEST, table.billingModeSummary().billingMode());
        GlobalSecondaryIndexDescription gsi = table.globalSecondaryIndexes().getFirst();
        assertEquals("byEmail", gsi.indexName());
        assertEquals(List.of("status"), gsi.projection().nonKeyAttributes());
        assertTrue(table.streamSpecification().streamEnabled());
        assertEquals(StreamViewType.NEW_AND_OLD_IMAGES, table.streamSpecification().streamViewType());
        TimeToLiveDescription ttl = client.describeTimeToLive(b -> b.tableName("UsersTable")).timeToLiveDescription();
        assertEquals(TimeToLiveStatus.ENABLED, ttl.timeToLiveStatus());
        assertEquals("expiresAt", ttl.attributeName());
    }

    @Test
    void putItemThenGetItemAndGsiQueryReturnIt() {
        client.putItem(b -> b.tableName("UsersTable").item(user("user#1", "one@example.test")));
        Map<String, AttributeValue> item = client.getItem(b -> b.tableName("UsersTable").consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS("user#1"), "sk", AttributeValue.fromS("profile")))).item();
        assertEquals("one@example.test", item.get("email").s());
        List<Map<String, AttributeValue>> byEmail = client.query(b -> b.tableName("UsersTable").indexName("byEmail")
                .keyConditionExpression("email = :e")
                .expressionAttributeValues(Map.of(":e", AttributeValue.fromS("one@example.test")))).items();
        assertEquals(1, byEmail.size());
    }

    @Test
    void putItemWhenConditionFailsThenConditionalCheckFailedException() {
        client.putItem(b -> b.tableName("UsersTable").item(user("user#2", "two@example.test")));
        assertThrows(ConditionalCheckFailedException.class, () -> client.putItem(b -> b.tableName("UsersTable")
                .item(user("user#2", "other@example.test"))
                .conditionExpression("attribute_not_exists(pk)")));
    }
}
