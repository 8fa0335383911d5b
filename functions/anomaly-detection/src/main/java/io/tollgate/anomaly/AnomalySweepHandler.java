package io.tollgate.anomaly;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.tollgate.detection.AnomalyDetection;
import io.tollgate.detection.DetectionStore;
import io.tollgate.platform.TollgateServices;
import io.tollgate.observability.LambdaLogging;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The minute schedule of anomaly detection (EventBridge {@code rate(1 minute)}; ADR 0022): finishes
 * decisions left pending for more than a minute — recorded, but their stream record failed after
 * the record was written and was given up to the failure queue, so no retry would ever act on them.
 * Each completion is the same idempotent act-then-mark as on the stream; a decision the stream
 * path completes meanwhile is only forgotten here.
 */
public final class AnomalySweepHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    private static final Logger LOG = LoggerFactory.getLogger(AnomalySweepHandler.class);
    /** Pending decisions finished per run (the rest wait a minute). */
    static final int BATCH = 100;

    private final AnomalyDetection detection;
    private final Clock clock;

    /** Used by AWS Lambda. */
    public AnomalySweepHandler() {
        this(TollgateServices.fromEnvironment());
    }

    /** Used by the local runtime. */
    public AnomalySweepHandler(TollgateServices services) {
        this(AnomalyDetection.from(services), services.clock());
    }

    public AnomalySweepHandler(AnomalyDetection detection, Clock clock) {
        this.detection = Objects.requireNonNull(detection, "detection");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        return LambdaLogging.around(context, () -> invoke(event));
    }

    private Map<String, Object> invoke(Map<String, Object> event) {
        Instant now = clock.instant();
        List<DetectionStore.Pending> pending = detection.store().pending(now.minus(AnomalyDetection.SWEEP_AFTER), BATCH);
        int completed = 0;
        for (DetectionStore.Pending decision : pending) {
            if (detection.complete(decision.tenantId(), decision.decisionId())) {
                completed++;
            }
        }
        if (completed > 0) {
            LOG.warn("anomaly sweep completed {} pending decision(s)", completed);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("pending", pending.size());
        answer.put("completed", completed);
        return answer;
    }
}
