package io.tollgate.admin;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.tollgate.incident.IncidentRegister;
import io.tollgate.observability.LambdaLogging;
import io.tollgate.platform.TollgateServices;
import java.util.Map;
import java.util.Objects;

/**
 * The schedule of the breach-notification deadline (ADR 0066): every 15 minutes, records a CRITICAL
 * {@code breach_notification_due} audit event for each personal-data breach that passed 48 h or
 * 70 h of its 72-hour window since the last run. The audit stream mails and forwards that event
 * like every CRITICAL event (ADR 0042), so the deadline reaches the same contacts as other alerts.
 */
public final class IncidentDeadlineHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    private final IncidentRegister incidents;

    /** Used by AWS Lambda. */
    public IncidentDeadlineHandler() {
        this(TollgateServices.fromEnvironment());
    }

    /** Used by the local runtime. */
    public IncidentDeadlineHandler(TollgateServices services) {
        this(IncidentRegister.create(services));
    }

    public IncidentDeadlineHandler(IncidentRegister incidents) {
        this.incidents = Objects.requireNonNull(incidents, "incidents");
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        return LambdaLogging.around(context, () -> Map.of("alerts_sent", incidents.sweepDeadlines()));
    }
}
