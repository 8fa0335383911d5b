package io.tollgate.audit.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.AuditSeverity;
import io.tollgate.audit.testing.AuditTestbed;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The alerting path of ADR 0036 ("HIGH and CRITICAL events are also forwarded"), seen from a stream
 * consumer: every chained event reaches the audit table's stream (NEW_IMAGE, as template.yaml
 * declares it) with its {@code severity}, and HIGH/CRITICAL ones carry {@code alert}, the attribute
 * the anomaly function's {@code FilterCriteria} matches (ADR 0014, ADR 0036). Read from DynamoDB
 * Local's real stream with the SDK's streams client.
 */
class AuditAlertStreamIT {

    private final AuditTestbed bed = new AuditTestbed();
    private final DynamoDbClient dynamoDb = bed.testbed.services.dynamoDb();

    private static AuditEvent event(String tenant, AuditSeverity severity) {
        return new AuditEvent(java.time.Instant.now(), UUID.randomUUID().toString(), "data_export", severity,
                "u-1", tenant, "risk", "192.0.2.7", "test/1", "report", "read", "success", Map.of(), List.of("soc2"));
    }

    @Test
    void streamWhenEventsOfEverySeverityChainedThenEachImageCarriesSeverityAndOnlyHighAndCriticalCarryAlert() {
        String tenant = AuditTestbed.newTenant();
        List<AuditEvent> events = new ArrayList<>();
        for (AuditSeverity severity : AuditSeverity.values()) {
            events.add(event(tenant, severity));
        }
        assertEquals(events.size(), bed.audit.chains().append(tenant, events).stored().size());

        Map<String, Map<String, AttributeValue>> images = chainedImages(tenant);

        assertEquals(events.size(), images.size(), "one stream record per chained event");
        for (AuditEvent event : events) {
            Map<String, AttributeValue> image = images.get(event.eventId());
            assertEquals(event.severity().name(), image.get("severity").s());
            boolean alerting = event.severity() == AuditSeverity.HIGH || event.severity() == AuditSeverity.CRITICAL;
            if (alerting) {
                assertEquals(event.severity().name(), image.get("alert").s());
            } else {
                assertFalse(image.containsKey("alert"), event.severity() + " is not forwarded");
            }
        }
    }

    /** event id → NEW_IMAGE of the tenant's chained event items, from every shard of the table's stream. */
    private Map<String, Map<String, AttributeValue>> chainedImages(String tenant) {
        String streamArn = dynamoDb.describeTable(r -> r.tableName(AuditTestbed.TABLE)).table().latestStreamArn();
        String partition = AuditKeys.chainPartition(tenant);
        Map<String, Map<String, AttributeValue>> images = new HashMap<>();
        try (DynamoDbStreamsClient streams = DynamoDbStreamsClient.builder()
                .endpointOverride(dynamoDb.serviceClientConfiguration().endpointOverride().orElseThrow())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create()).build()) {
            for (Shard shard : streams.describeStream(r -> r.streamArn(streamArn)).streamDescription().shards()) {
                String iterator = streams.getShardIterator(r -> r.streamArn(streamArn).shardId(shard.shardId())
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
                while (iterator != null) {
                    String current = iterator;
                    GetRecordsResponse page = streams.getRecords(r -> r.shardIterator(current).limit(1000));
                    page.records().stream().map(record -> record.dynamodb().newImage())
                            .filter(image -> image != null && image.containsKey("event_id")
                                    && partition.equals(image.get("pk").s()))
                            .forEach(image -> images.put(image.get("event_id").s(), image));
                    iterator = page.records().isEmpty() ? null : page.nextShardIterator();
                }
            }
        }
        return images;
    }
}
