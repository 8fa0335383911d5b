package io.tollgate.alertdigest;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.tollgate.alerting.trail.TrailForwarder;
import io.tollgate.audit.platform.AuditServices;
import io.tollgate.observability.LambdaLogging;
import io.tollgate.platform.TollgateServices;
import java.util.Map;
import java.util.Objects;

/**
 * The minute schedule of the SIEM trail forward (docs/adr/0069): runs {@link TrailForwarder} over
 * every opted-in tenant and answers its counts. A tenant whose SIEM failed is counted
 * ({@code SiemTrailForwardFailures}) and resumed by the next run from its cursor; the run itself
 * does not fail, so the scheduler does not start a second run over the same cursors.
 */
public final class SiemTrailHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    private final TrailForwarder forwarder;

    /** Used by AWS Lambda. */
    public SiemTrailHandler() {
        this(TollgateServices.fromEnvironment());
    }

    /** A container of the platform {@code services}, the audit table from the environment. */
    public SiemTrailHandler(TollgateServices services) {
        this(AuditServices.fromEnvironment(services));
    }

    /** Used by the local runtime. */
    public SiemTrailHandler(AuditServices audit) {
        this(TrailForwarder.from(audit));
    }

    public SiemTrailHandler(TrailForwarder forwarder) {
        this.forwarder = Objects.requireNonNull(forwarder, "forwarder");
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        return LambdaLogging.around(context, () -> forwarder.run().wire());
    }
}
