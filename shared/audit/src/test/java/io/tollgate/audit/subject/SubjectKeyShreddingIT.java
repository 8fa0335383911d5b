package io.tollgate.audit.subject;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.AuditSeverity;
import io.tollgate.audit.ingest.PersonalDataProtector;
import io.tollgate.audit.query.AuditEventQuery;
import io.tollgate.audit.testing.AuditTestbed;
import io.tollgate.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Crypto-shredding per data subject (ADR 0027) on DynamoDB Local: destroying one user's subject key
 * makes exactly that user's audit personal data unreadable, others' stays readable, the chain
 * still verifies, and tenant-context (version 1) values still read.
 */
class SubjectKeyShreddingIT {

    private final AuditTestbed bed = new AuditTestbed();
    private final SubjectKeyStore keys = bed.audit.subjectKeys();
    private final PersonalDataProtector protector = bed.audit.protector();
    private final AuditEventQuery query = bed.audit.query();

    private AuditEvent event(String tenant, String user, String email) {
        return new AuditEvent(bed.testbed.clock.instant(), UUID.randomUUID().toString(), "data_query", AuditSeverity.LOW,
                user, tenant, "risk", "192.0.2.7", "curl/8", "accounts", "read", "success",
                Map.of("email", email, "plan", "gold"), List.of("gdpr"));
    }

    private void ingest(AuditEvent... events) {
        assertEquals(events.length, bed.audit.ingestion().ingest(
                List.of(events).stream().map(AuditTestbed::message).toList()).stored());
    }

    private Map<String, Object> revealedFor(String tenant, String subject) {
        AuditEventQuery.About about = query.about(tenant, subject, 100,
                e -> protector.reveal(tenant, e.userId(), subject, e.additionalData()));
        assertEquals(1, about.events().size());
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) about.events().get(0).get("additional_data");
        return data;
    }

    private static String json(Object value) throws Exception {
        return Json.mapper().writeValueAsString(value);
    }

    @Test
    void destroyWhenSubjectKeyShreddedThenOnlyThatSubjectsDataUnreadableAndChainValid() throws Exception {
        String tenant = AuditTestbed.newTenant();
        ingest(event(tenant, "user-ana", "ana@example.com"), event(tenant, "user-bob", "bob@example.com"));
        assertTrue(json(revealedFor(tenant, "user-ana")).contains("ana@example.com"));
        String stored = json(query.find(tenant, AuditEventQuery.Filter.none(), 10, Optional.empty()).events());
        assertFalse(stored.contains("ana@example.com") || stored.contains("bob@example.com"), stored);

        assertTrue(keys.destroy(tenant, "user-ana", "erasure"));
        assertFalse(keys.destroy(tenant, "user-ana", "erasure"), "idempotent");

        Map<String, Object> ana = revealedFor(tenant, "user-ana");
        assertEquals(PersonalDataProtector.ERASED, ana.get("email"));
        assertEquals("gold", ana.get("plan"));
        assertTrue(json(revealedFor(tenant, "user-bob")).contains("bob@example.com"));
        assertTrue(bed.audit.verifier().verify(tenant, Optional.empty(), Optional.empty()).valid());
    }

    @Test
    void protectWhenSubjectAlreadyErasedThenPersonalValueNotStoredAndNoNewKey() throws Exception {
        String tenant = AuditTestbed.newTenant();
        keys.destroy(tenant, "user-gone", "erasure");
        ingest(event(tenant, "user-gone", "gone@example.com"));
        String stored = json(query.find(tenant, AuditEventQuery.Filter.none(), 10, Optional.empty()).events());
        assertFalse(stored.contains("gone@example.com"));
        assertInstanceOf(SubjectKeyStore.Destroyed.class, keys.find(tenant, "user-gone").orElseThrow());
        assertEquals(PersonalDataProtector.ERASED, revealedFor(tenant, "user-gone").get("email"));
    }

    @Test
    void protectWhenNoUserThenTenantContextVersionOneStillUsed() throws Exception {
        String tenant = AuditTestbed.newTenant();
        ingest(event(tenant, null, "ops@example.com"));
        String stored = json(query.find(tenant, AuditEventQuery.Filter.none(), 10, Optional.empty()).events());
        assertFalse(stored.contains("ops@example.com"));
        String raw = io.tollgate.storage.Attributes.requiredString(bed.testbed.services.dynamoDb().getItem(r -> r
                .tableName(AuditTestbed.TABLE).key(Map.of("pk", io.tollgate.storage.Attributes.s(
                        io.tollgate.audit.chain.AuditKeys.chainPartition(tenant)), "sk",
                        io.tollgate.storage.Attributes.s(String.format("SEQ#%020d", 1)))).consistentRead(true)).item(),
                "additional_data");
        assertTrue(raw.contains("\"email\":\"enc:v1:"), raw);
        assertTrue(keys.find(tenant, "ops").isEmpty());
        assertTrue(bed.audit.verifier().verify(tenant, Optional.empty(), Optional.empty()).valid());
    }

    @Test
    void obtainWhenContainersRaceThenOneKeyForAll() throws Exception {
        String tenant = AuditTestbed.newTenant();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<SubjectKeyStore.SubjectKey>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                SubjectKeyStore store = bed.newContainer().subjectKeys();
                Callable<SubjectKeyStore.SubjectKey> obtain = () -> store.obtain(tenant, "user-race");
                results.add(pool.submit(obtain));
            }
            byte[] first = ((SubjectKeyStore.Active) results.get(0).get()).key();
            for (Future<SubjectKeyStore.SubjectKey> result : results) {
                assertArrayEquals(first, ((SubjectKeyStore.Active) result.get()).key());
            }
            assertArrayEquals(first, ((SubjectKeyStore.Active) keys.find(tenant, "user-race").orElseThrow()).key());
        } finally {
            pool.shutdownNow();
        }
    }
}
