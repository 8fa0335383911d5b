package io.tollgate.keyrotation;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.tollgate.audit.AuditEventType;
import io.tollgate.audit.AuditRecorder;
import io.tollgate.platform.TollgateServices;
import io.tollgate.token.PublishedSigningKeys;
import io.tollgate.token.SigningKeyRotation;
import io.tollgate.token.SigningKeyRotationPlan;
import io.tollgate.observability.LambdaLogging;
import java.util.Map;
import java.util.Objects;

/**
 * The Secrets Manager rotation function of the signing key set (docs/contract.md §Tokens and keys): receives
 * {@code {"SecretId","ClientRequestToken","Step"}} and runs that step of
 * {@link SigningKeyRotation}. Every step is idempotent; a failed step fails the invocation so
 * Secrets Manager retries it and never moves {@code AWSCURRENT} to an untested version.
 */
public final class KeyRotationHandler implements RequestHandler<Map<String, String>, Void> {

    private final SigningKeyRotation rotation;
    private final AuditRecorder audit;

    /** Used by AWS Lambda. */
    public KeyRotationHandler() {
        this(TollgateServices.fromEnvironment());
    }

    /** Used by the local runtime and tests. */
    public KeyRotationHandler(TollgateServices services) {
        this(new SigningKeyRotation(services.secretsManager(),
                new PublishedSigningKeys(services.dynamoDb(), services.config().tables()),
                SigningKeyRotationPlan.defaults(), services.clock(), services.random()), services.audit());
    }

    public KeyRotationHandler(SigningKeyRotation rotation, AuditRecorder audit) {
        this.rotation = Objects.requireNonNull(rotation, "rotation");
        this.audit = Objects.requireNonNull(audit, "audit");
    }

    @Override
    public Void handleRequest(Map<String, String> event, Context context) {
        return LambdaLogging.around(context, () -> invoke(event));
    }

    private Void invoke(Map<String, String> event) {
        String secretId = required(event, "SecretId");
        String token = required(event, "ClientRequestToken");
        SigningKeyRotation.Step step = SigningKeyRotation.Step.fromWireName(required(event, "Step"));
        rotation.run(secretId, token, step);
        if (step == SigningKeyRotation.Step.FINISH_SECRET) {
            audit.record(AuditEventType.SIGNING_KEY_ROTATED, AuditRecorder.Actor.system(), "signing_key", "rotate",
                    "success", Map.of("version_id", token));
        }
        return null;
    }

    private static String required(Map<String, String> event, String name) {
        String value = event == null ? null : event.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("Rotation event lacks " + name);
        }
        return value;
    }
}
