package io.tollgate.account;

import io.tollgate.testing.PrimingCheck;
import io.tollgate.testing.Testbed;
import org.junit.jupiter.api.Test;

/** AccountHandler's SnapStart priming (ADR 0049) on DynamoDB Local: every request refused, nothing changed. */
class AccountHandlerPrimingIT {

    private final Testbed bed = new Testbed();

    @Test
    void primeWhenSnapshotTakenThenEveryPrimingRequestRefusedWithoutAnyCallWriteAuditEventOrMail() {
        bed.newTenant();
        PrimingCheck.assertRefusedWithoutEffect(bed, new AccountHandler(bed.services).priming, 240);
    }
}
