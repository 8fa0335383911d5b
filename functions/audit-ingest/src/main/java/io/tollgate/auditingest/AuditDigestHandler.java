package io.tollgate.auditingest;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.tollgate.audit.chain.AuditDigests;
import io.tollgate.audit.chain.SignedDigest;
import io.tollgate.audit.platform.AuditServices;
import io.tollgate.platform.TollgateServices;
import io.tollgate.observability.LambdaLogging;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The hourly EventBridge schedule: signs a digest of every audit chain head that moved
 * since its last digest ({@link AuditDigests#signAll()}). The event's content is not used; a
 * failure fails the invocation so EventBridge's retry policy runs it again (digesting is
 * idempotent: an unchanged head is skipped).
 */
public final class AuditDigestHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    private final AuditDigests digests;

    /** Used by AWS Lambda. */
    public AuditDigestHandler() {
        this(TollgateServices.fromEnvironment());
    }

    public AuditDigestHandler(TollgateServices services) {
        this(AuditServices.fromEnvironment(services));
    }

    /** Used by the local runtime. */
    public AuditDigestHandler(AuditServices audit) {
        this(audit.digests());
    }

    public AuditDigestHandler(AuditDigests digests) {
        this.digests = Objects.requireNonNull(digests, "digests");
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        return LambdaLogging.around(context, () -> invoke(event));
    }

    private Map<String, Object> invoke(Map<String, Object> event) {
        List<SignedDigest> signed = digests.signAll();
        return Map.of("signed", signed.size());
    }
}
