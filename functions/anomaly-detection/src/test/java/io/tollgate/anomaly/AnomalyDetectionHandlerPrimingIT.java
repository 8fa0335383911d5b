package io.tollgate.anomaly;

import io.tollgate.testing.PrimingCheck;
import io.tollgate.testing.Testbed;
import org.junit.jupiter.api.Test;

/** AnomalyDetectionHandler's SnapStart priming (ADR 0049) on DynamoDB Local: every request refused, nothing changed. */
class AnomalyDetectionHandlerPrimingIT {

    private final Testbed bed = new Testbed();

    @Test
    void primeWhenSnapshotTakenThenEveryPrimingRequestRefusedWithoutAnyCallWriteAuditEventOrMail() {
        bed.newTenant();
        PrimingCheck.assertRefusedWithoutEffect(bed, new AnomalyDetectionHandler(bed.services).priming, 100);
    }
}
