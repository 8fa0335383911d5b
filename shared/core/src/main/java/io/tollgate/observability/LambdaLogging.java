package io.tollgate.observability;

import com.amazonaws.services.lambda.runtime.Context;
import java.util.function.Supplier;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * The one place a handler's invocation enters the structured log context (ADR 0048): Powertools'
 * functional API puts the Lambda request id, function name, version, ARN, memory and the cold
 * start flag into the SLF4J MDC for the duration of {@code work}, and the production layout
 * ({@code log4j2.xml}, Powertools' {@code LambdaJsonLayout}) writes them, together with the
 * correlation ids {@link io.tollgate.http.HttpEndpoint} adds (request id, route, tenant, user,
 * session), as fields of every JSON log line. The context is cleared afterwards, so nothing of
 * one invocation leaks into the next.
 *
 * <p>No AspectJ weaving: handlers call {@link #around} explicitly. A {@code null} context (tests,
 * SnapStart priming) only sets the cold start flag and service name.
 */
public final class LambdaLogging {

    private LambdaLogging() {
    }

    /** Runs one invocation's work with the Lambda context on every log line it writes. */
    public static <T> T around(Context context, Supplier<T> work) {
        return PowertoolsLogging.withLogging(context, work);
    }
}
