package io.tollgate.tokenrefresh;

import io.tollgate.testing.PrimingCheck;
import io.tollgate.testing.Testbed;
import org.junit.jupiter.api.Test;

/** TokenRefreshHandler's SnapStart priming (ADR 0049) on DynamoDB Local: every request refused, nothing changed. */
class TokenRefreshHandlerPrimingIT {

    private final Testbed bed = new Testbed();

    @Test
    void primeWhenSnapshotTakenThenEveryPrimingRequestRefusedWithoutAnyCallWriteAuditEventOrMail() {
        bed.newTenant();
        PrimingCheck.assertRefusedWithoutEffect(bed, new TokenRefreshHandler(bed.services).priming, 180);
    }
}
