package io.tollgate.webauthnfn;

import io.tollgate.testing.PrimingCheck;
import io.tollgate.testing.Testbed;
import org.junit.jupiter.api.Test;

/** WebAuthnHandler's SnapStart priming (ADR 0049) on DynamoDB Local: every request refused, nothing changed. */
class WebAuthnHandlerPrimingIT {

    private final Testbed bed = new Testbed();

    @Test
    void primeWhenSnapshotTakenThenEveryPrimingRequestRefusedWithoutAnyCallWriteAuditEventOrMail() {
        bed.newTenant();
        PrimingCheck.assertRefusedWithoutEffect(bed, new WebAuthnHandler(bed.services).priming, 240);
    }
}
