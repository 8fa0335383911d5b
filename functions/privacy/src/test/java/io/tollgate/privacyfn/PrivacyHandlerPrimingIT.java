package io.tollgate.privacyfn;

import io.tollgate.audit.testing.AuditTestbed;
import io.tollgate.testing.PrimingCheck;
import io.tollgate.testing.Testbed;
import org.junit.jupiter.api.Test;

/** PrivacyHandler's SnapStart priming (ADR 0049) on DynamoDB Local: every request refused, nothing changed. */
class PrivacyHandlerPrimingIT {

    private final AuditTestbed audit = new AuditTestbed();
    private final Testbed bed = audit.testbed;

    @Test
    void primeWhenSnapshotTakenThenEveryPrimingRequestRefusedWithoutAnyCallWriteAuditEventOrMail() {
        bed.newTenant();
        PrimingCheck.assertRefusedWithoutEffect(bed, new PrivacyHandler(audit.audit).priming, 200);
    }
}
