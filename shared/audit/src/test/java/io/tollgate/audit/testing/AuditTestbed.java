package io.tollgate.audit.testing;

import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.chain.LocalDigestSigner;
import io.tollgate.audit.ingest.AuditIngestion;
import io.tollgate.audit.ingest.RejectedEventSink;
import io.tollgate.audit.platform.AuditServices;
import io.tollgate.crypto.EnvelopeEncryptor;
import io.tollgate.crypto.LocalKeyRing;
import io.tollgate.testing.Testbed;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The audit world of an IT: the {@link Testbed} (DynamoDB Local with the template's tables, a
 * clock starting now) plus {@link AuditServices} with an in-memory key ring and digest key, and a
 * recording dead-letter sink. {@link #newContainer()} gives another "Lambda container" over the
 * same table and keys (its own head cache), for concurrency tests.
 */
public final class AuditTestbed {

    public static final String TABLE = "AuditTable";
    private static final SecureRandom RANDOM = new SecureRandom();

    public final Testbed testbed = new Testbed();
    public final List<Rejected> rejected = new CopyOnWriteArrayList<>();
    private final LocalKeyRing keyRing = LocalKeyRing.inMemory(RANDOM);
    private final LocalDigestSigner signer = LocalDigestSigner.inMemory(RANDOM);
    public final AuditServices audit = newContainer();

    /** One dead-lettered message. */
    public record Rejected(String body, Optional<String> groupId, String reason) {
    }

    public AuditServices newContainer() {
        RejectedEventSink sink = (body, group, reason) -> rejected.add(new Rejected(body, group, reason));
        return AuditServices.of(testbed.services, TABLE,
                EnvelopeEncryptor.withDefaultCache(keyRing, testbed.clock, RANDOM), signer, sink);
    }

    /** A fresh tenant id (no user needed for the chain). */
    public static String newTenant() {
        return "t-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The queue message of {@code event}, with the group its producer would set. */
    public static AuditIngestion.Message message(AuditEvent event) {
        return new AuditIngestion.Message(UUID.randomUUID().toString(), TestAuditEvents.json(event),
                Optional.of(event.tenantId()));
    }
}
