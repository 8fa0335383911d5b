package io.tollgate.auditingest;

import io.tollgate.audit.testing.AuditTestbed;
import io.tollgate.testing.PrimingCheck;
import io.tollgate.testing.Testbed;
import org.junit.jupiter.api.Test;

/** AuditIngestHandler's SnapStart priming (ADR 0049) on DynamoDB Local: every request refused, nothing changed. */
class AuditIngestHandlerPrimingIT {

    private final AuditTestbed audit = new AuditTestbed();
    private final Testbed bed = audit.testbed;

    @Test
    void primeWhenSnapshotTakenThenEveryPrimingRequestRefusedWithoutAnyCallWriteAuditEventOrMail() {
        bed.newTenant();
        PrimingCheck.assertRefusedWithoutEffect(bed, new AuditIngestHandler(audit.audit).priming, 200);
    }
}
