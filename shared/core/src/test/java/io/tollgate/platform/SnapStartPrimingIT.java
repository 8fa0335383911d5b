package io.tollgate.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.testing.Testbed;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;

/**
 * The SDK's invoke priming (ADR 0049) against DynamoDB Local: one strongly consistent read of a
 * key no item has, nothing written, and a failing read never fails the snapshot.
 */
class SnapStartPrimingIT {

    /** Every call made through the returned client, by operation name and request. */
    private static DynamoDbClient recording(List<Object[]> calls) {
        DynamoDbClient real = Testbed.dynamoDb();
        return (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(),
                new Class<?>[] {DynamoDbClient.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("close") && !method.getName().equals("serviceName")) {
                        calls.add(new Object[] {method.getName(), args == null ? null : args[0]});
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void dynamoDbReadWhenPrimedThenOneConsistentGetOfAKeyNoItemHasAndNothingWritten() {
        Testbed bed = new Testbed();
        bed.newTenant();
        List<Object[]> calls = new CopyOnWriteArrayList<>();
        SnapStartPriming priming = SnapStartPriming.dynamoDbRead(recording(calls), Testbed.TABLES.identity());
        int items = Testbed.itemCount();

        assertEquals(0, priming.prime());

        assertEquals(1, calls.size(), "one call");
        assertEquals("getItem", calls.getFirst()[0]);
        GetItemRequest read = (GetItemRequest) calls.getFirst()[1];
        assertEquals(Testbed.TABLES.identity(), read.tableName());
        assertTrue(read.consistentRead());
        assertEquals(Map.of("pk", AttributeValue.fromS("SNAPSTART#PRIMING"), "sk", AttributeValue.fromS("SNAPSTART#PRIMING")),
                read.key());
        assertTrue(Testbed.dynamoDb().getItem(read).item().isEmpty(), "no item has the priming key");
        assertEquals(items, Testbed.itemCount(), "priming writes nothing");
    }

    @Test
    void dynamoDbReadWhenTheReadFailsThenPrimingCompletesWithoutThrowing() {
        List<Object[]> calls = new CopyOnWriteArrayList<>();
        SnapStartPriming priming = SnapStartPriming.dynamoDbRead(recording(calls), "NoSuchTable");
        int items = Testbed.itemCount();

        assertEquals(0, priming.prime());

        assertEquals(1, calls.size());
        assertEquals(items, Testbed.itemCount());
    }
}
