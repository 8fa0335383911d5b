package io.tollgate.mfaverify;

import io.tollgate.testing.PrimingCheck;
import io.tollgate.testing.Testbed;
import org.junit.jupiter.api.Test;

/** MfaVerifyHandler's SnapStart priming (ADR 0049) on DynamoDB Local: every request refused, nothing changed. */
class MfaVerifyHandlerPrimingIT {

    private final Testbed bed = new Testbed();

    @Test
    void primeWhenSnapshotTakenThenEveryPrimingRequestRefusedWithoutAnyCallWriteAuditEventOrMail() {
        bed.newTenant();
        PrimingCheck.assertRefusedWithoutEffect(bed, new MfaVerifyHandler(bed.services).priming, 210);
    }
}
