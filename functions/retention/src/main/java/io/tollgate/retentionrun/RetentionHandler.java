package io.tollgate.retentionrun;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.tollgate.audit.platform.AuditServices;
import io.tollgate.json.Json;
import io.tollgate.platform.TollgateServices;
import io.tollgate.retention.RetentionReport;
import io.tollgate.retention.RetentionRun;
import io.tollgate.retention.RetentionServices;
import io.tollgate.observability.LambdaLogging;
import java.util.Map;
import java.util.Objects;

/**
 * The daily EventBridge schedule: runs retention as code ({@link RetentionRun}). The
 * scheduled event's {@code detail} (or the event itself, for a manual invoke) may carry
 * {@code "dry_run": true}: then nothing is written and the answer reports what would be purged
 * per class and tenant. A real run that hits its budget answers {@code complete: false} and
 * resumes from its checkpoint on the next invocation. The answer holds counts only.
 */
public final class RetentionHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    private final RetentionRun run;

    /** Used by AWS Lambda. */
    public RetentionHandler() {
        this(TollgateServices.fromEnvironment());
    }

    public RetentionHandler(TollgateServices services) {
        this(AuditServices.fromEnvironment(services));
    }

    /** Used by the local runtime. */
    public RetentionHandler(AuditServices audit) {
        this(RetentionServices.fromEnvironment(audit, System.getenv()).run());
    }

    public RetentionHandler(RetentionRun run) {
        this.run = Objects.requireNonNull(run, "run");
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        return LambdaLogging.around(context, () -> invoke(event));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> invoke(Map<String, Object> event) {
        Object detail = event == null ? null : event.get("detail");
        boolean dryRun = isTrue(event == null ? null : event.get("dry_run"))
                || (detail instanceof Map<?, ?> map && isTrue(((Map<String, Object>) map).get("dry_run")));
        RetentionReport report = run.run(dryRun);
        return Json.mapper().convertValue(report, Map.class);
    }

    private static boolean isTrue(Object value) {
        return Boolean.TRUE.equals(value) || "true".equals(value);
    }
}
