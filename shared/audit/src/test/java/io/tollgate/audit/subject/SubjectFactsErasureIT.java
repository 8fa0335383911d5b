package io.tollgate.audit.subject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.AuditSeverity;
import io.tollgate.audit.chain.AuditKeys;
import io.tollgate.audit.chain.ChainItems;
import io.tollgate.audit.query.AuditEventQuery;
import io.tollgate.audit.testing.AuditTestbed;
import io.tollgate.audit.testing.TestAuditEvents;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Erasure leaves nothing readable (ADR 0061) on DynamoDB Local: a subject's {@code ip_address} and
 * {@code user_agent} are chained sealed under the subject key with clear working copies beside;
 * an export before erasure shows them; destroying the subject key removes the clear copies, leaves
 * nothing of them readable in the table, keeps other subjects' facts, and the chain (with events
 * chained the old way, in clear) still verifies.
 */
class SubjectFactsErasureIT {

    private static final String ALICE_IP = "198.51.100.77";
    private static final String ALICE_AGENT = "AliceBrowser/9.1 (very identifying)";

    private final AuditTestbed bed = new AuditTestbed();
    private final AuditEventQuery query = bed.audit.query();

    private AuditEvent event(String tenant, String user, String ip, String agent) {
        return new AuditEvent(bed.testbed.clock.instant(), UUID.randomUUID().toString(), "login_success",
                AuditSeverity.HIGH, user, tenant, "risk", ip, agent, "auth", "login", "success", Map.of(),
                List.of("soc2"));
    }

    private List<Map<String, AttributeValue>> items(String tenant) {
        return bed.testbed.services.dynamoDb().query(r -> r.tableName(AuditTestbed.TABLE).consistentRead(true)
                .keyConditionExpression("pk = :pk AND begins_with(sk, :seq)")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(AuditKeys.chainPartition(tenant)),
                        ":seq", AttributeValue.fromS("SEQ#")))).items();
    }

    private Map<String, Object> exported(String tenant, String subject) {
        List<Map<String, Object>> events = query.about(tenant, subject, 100, AuditEvent::additionalData).events();
        assertEquals(1, events.size(), events.toString());
        return events.get(0);
    }

    private boolean valid(String tenant) {
        return bed.audit.verifier().verify(tenant, Optional.empty(), Optional.empty()).valid();
    }

    @Test
    void eraseWhenSubjectKeyDestroyedThenClearFactsGoneSealedStayUnreadableAndChainStillVerifies() {
        String tenant = AuditTestbed.newTenant();
        AuditEvent before = TestAuditEvents.event(tenant, bed.testbed.clock.instant());
        assertEquals(1, bed.audit.chains().append(tenant, List.of(before)).stored().size(), "an event chained the old way");
        AuditEvent alice = event(tenant, "u-alice", ALICE_IP, ALICE_AGENT);
        AuditEvent bob = event(tenant, "u-bob", "203.0.113.5", "BobAgent/1");
        assertEquals(2, bed.audit.ingestion().ingest(List.of(AuditTestbed.message(alice), AuditTestbed.message(bob)))
                .stored());

        Map<String, AttributeValue> aliceItem = items(tenant).stream()
                .filter(i -> i.get("event_id").s().equals(alice.eventId())).findFirst().orElseThrow();
        assertTrue(aliceItem.get("sealed_ip_address").s().startsWith("enc:v2:"), aliceItem.toString());
        assertTrue(aliceItem.get("sealed_user_agent").s().startsWith("enc:v2:"), aliceItem.toString());
        assertEquals(ALICE_IP, aliceItem.get("ip_address").s(), "the clear working copy for detection and readers");
        Map<String, Object> export = exported(tenant, "u-alice");
        assertEquals(ALICE_IP, export.get("ip_address"), "an export before erasure shows the address");
        assertEquals(ALICE_AGENT, export.get("user_agent"));
        assertTrue(valid(tenant));

        bed.audit.subjectKeys().destroy(tenant, "u-alice", "erasure");

        for (Map<String, AttributeValue> item : items(tenant)) {
            if (item.get("event_id").s().equals(alice.eventId())) {
                assertFalse(item.containsKey("ip_address") || item.containsKey("user_agent")
                        || item.containsKey(AuditKeys.SUBJECT_PK), item.toString());
                assertFalse(item.toString().contains(ALICE_IP) || item.toString().contains("AliceBrowser"),
                        "nothing of the address or agent is readable: " + item);
                assertTrue(item.get("sealed_ip_address").s().startsWith("enc:v2:"));
            } else if (item.get("event_id").s().equals(bob.eventId())) {
                assertEquals("203.0.113.5", item.get("ip_address").s(), "another subject keeps the working copy");
            }
        }
        assertEquals(ChainItems.ERASED, exported(tenant, "u-alice").get("ip_address"));
        assertEquals(ChainItems.ERASED, exported(tenant, "u-alice").get("user_agent"));
        assertTrue(valid(tenant), "every hash still verifies after erasure");
        assertEquals(0, new io.tollgate.audit.chain.SubjectFactsErasure(bed.testbed.services.dynamoDb(),
                AuditTestbed.TABLE).erase(tenant, "u-alice"), "idempotent: nothing left to erase");
    }

    @Test
    void ingestWhenSubjectAlreadyErasedThenLaterFactsStoredAsErasedOnly() {
        String tenant = AuditTestbed.newTenant();
        bed.audit.subjectKeys().obtain(tenant, "u-gone");
        bed.audit.subjectKeys().destroy(tenant, "u-gone", "erasure");
        AuditEvent late = event(tenant, "u-gone", ALICE_IP, ALICE_AGENT);
        assertEquals(1, bed.audit.ingestion().ingest(List.of(AuditTestbed.message(late))).stored());

        Map<String, AttributeValue> item = items(tenant).getFirst();
        assertFalse(item.toString().contains(ALICE_IP) || item.toString().contains("AliceBrowser"), item.toString());
        assertFalse(item.containsKey(AuditKeys.SUBJECT_PK));
        assertTrue(valid(tenant));
    }
}
