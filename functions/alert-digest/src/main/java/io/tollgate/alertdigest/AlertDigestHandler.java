package io.tollgate.alertdigest;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.tollgate.alerting.AlertDigest;
import io.tollgate.alerting.AlertingServices;
import io.tollgate.platform.TollgateServices;
import io.tollgate.observability.LambdaLogging;
import java.util.Map;
import java.util.Objects;

/**
 * The daily EventBridge schedule of the MEDIUM alert digest (ADR 0042): runs
 * {@link AlertDigest} and answers its counts. The event's content is not used: the digest always
 * covers the unsent days before today (UTC).
 */
public final class AlertDigestHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    private final AlertDigest digest;

    /** Used by AWS Lambda. */
    public AlertDigestHandler() {
        this(TollgateServices.fromEnvironment());
    }

    /** Used by the local runtime. */
    public AlertDigestHandler(TollgateServices services) {
        this(AlertingServices.from(services).digest());
    }

    public AlertDigestHandler(AlertDigest digest) {
        this.digest = Objects.requireNonNull(digest, "digest");
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        return LambdaLogging.around(context, () -> invoke(event));
    }

    private Map<String, Object> invoke(Map<String, Object> event) {
        return digest.run().wire();
    }
}
