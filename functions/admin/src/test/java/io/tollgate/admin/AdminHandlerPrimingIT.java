package io.tollgate.admin;

import io.tollgate.testing.PrimingCheck;
import io.tollgate.testing.Testbed;
import org.junit.jupiter.api.Test;

/** AdminHandler's SnapStart priming (ADR 0049) on DynamoDB Local: every request refused, nothing changed. */
class AdminHandlerPrimingIT {

    private final Testbed bed = new Testbed();

    @Test
    void primeWhenSnapshotTakenThenEveryPrimingRequestRefusedWithoutAnyCallWriteAuditEventOrMail() {
        bed.newTenant();
        PrimingCheck.assertRefusedWithoutEffect(bed, new AdminHandler(bed.services).priming, 245);
    }
}
