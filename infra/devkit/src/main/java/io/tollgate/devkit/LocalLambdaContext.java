package io.tollgate.devkit;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Lambda {@link Context} of one local invocation: request id, function name (the logical id), remaining time
 * counted down from the invocation's deadline with the given clock, and a {@link LambdaLogger} that writes to the
 * SLF4J logger {@code lambda.<FunctionName>}. Identity and client context are {@code null}, as for API Gateway
 * invocations.
 */
public final class LocalLambdaContext implements Context {

    /** The memory reported to handlers, matching the template's Globals. */
    public static final int MEMORY_LIMIT_MB = 1024;

    private final String awsRequestId;
    private final String functionName;
    private final Instant deadline;
    private final Clock clock;
    private final LambdaLogger logger;

    public LocalLambdaContext(String awsRequestId, String functionName, Duration timeout, Clock clock) {
        this.awsRequestId = Objects.requireNonNull(awsRequestId, "awsRequestId");
        this.functionName = Objects.requireNonNull(functionName, "functionName");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.deadline = clock.instant().plus(Objects.requireNonNull(timeout, "timeout"));
        this.logger = new Slf4jLambdaLogger(LoggerFactory.getLogger("lambda." + functionName));
    }

    @Override
    public String getAwsRequestId() {
        return awsRequestId;
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/" + functionName;
    }

    @Override
    public String getLogStreamName() {
        return "local";
    }

    @Override
    public String getFunctionName() {
        return functionName;
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:" + LocalIntrinsics.REGION + ":" + LocalIntrinsics.ACCOUNT_ID + ":function:"
                + functionName;
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
        long remaining = Duration.between(clock.instant(), deadline).toMillis();
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, remaining));
    }

    @Override
    public int getMemoryLimitInMB() {
        return MEMORY_LIMIT_MB;
    }

    @Override
    public LambdaLogger getLogger() {
        return logger;
    }

    private record Slf4jLambdaLogger(Logger delegate) implements LambdaLogger {
        @Override
        public void log(String message) {
            delegate.info("{}", message == null ? null : message.stripTrailing());
        }

        @Override
        public void log(byte[] message) {
            log(new String(message, StandardCharsets.UTF_8));
        }
    }
}
