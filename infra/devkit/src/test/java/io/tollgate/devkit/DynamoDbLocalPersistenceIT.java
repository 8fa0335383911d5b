package io.tollgate.devkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class DynamoDbLocalPersistenceIT {

    private static final Map<String, AttributeValue> KEY = Map.of("id", AttributeValue.fromS("event#1"));

    @Test
    void persistentWhenRestartedOnSameDirectoryThenTablesAndItemsSurvive(@TempDir Path dataDir) throws IOException {
        Path metadataInWorkingDir = Path.of(System.getProperty("user.dir"), "dynamodb-local-metadata.json");
        boolean metadataExistedBefore = Files.exists(metadataInWorkingDir);

        try (DynamoDbLocalServer server = DynamoDbLocalServer.persistent(dataDir);
             DynamoDbClient client = server.client()) {
            assertEquals(List.of("UsersTable", "AuditTable"), TableProvisioner.provision(client, TestTemplates.template()));
            client.putItem(b -> b.tableName("AuditTable").item(Map.of("id", AttributeValue.fromS("event#1"),
                    "what", AttributeValue.fromS("login"))));
        }

        try (DynamoDbLocalServer server = DynamoDbLocalServer.persistent(dataDir);
             DynamoDbClient client = server.client()) {
            assertEquals(List.of(), TableProvisioner.provision(client, TestTemplates.template()));
            assertEquals("login", client.getItem(b -> b.tableName("AuditTable").key(KEY)).item().get("what").s());
        }

        try (Stream<Path> files = Files.list(dataDir)) {
            assertEquals(List.of("shared-local-instance.db"),
                    files.map(f -> f.getFileName().toString()).sorted().toList());
        }
        if (!metadataExistedBefore) {
            assertFalse(Files.exists(metadataInWorkingDir), "telemetry metadata written to the working directory");
        }
    }

    @Test
    void closeWhenPersistentThenDatabaseThreadEndedAndReopenRightAwaySeesData(@TempDir Path dataDir) {
        for (int round = 0; round < 5; round++) {
            try (DynamoDbLocalServer server = DynamoDbLocalServer.persistent(dataDir);
                 DynamoDbClient client = server.client()) {
                TableProvisioner.provision(client, TestTemplates.template());
                client.putItem(b -> b.tableName("AuditTable").item(Map.of("id", AttributeValue.fromS("event#1"),
                        "what", AttributeValue.fromS("login"))));
                assertEquals("login", client.getItem(b -> b.tableName("AuditTable").key(KEY)).item().get("what").s());
            }
            assertFalse(Thread.getAllStackTraces().keySet().stream()
                            .anyMatch(thread -> thread.getName().equals("SQLiteQueue[shared-local-instance.db]")),
                    "the database's SQLite thread outlived close(), so a reopen can find it locked");
        }
    }
}
