package io.tollgate.devkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class LocalLambdaContextTest {

    @Test
    void remainingTimeWhenClockAdvancesThenCountsDownToZero() {
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        LocalLambdaContext context = new LocalLambdaContext("r1", "LoginFunction", Duration.ofSeconds(30),
                Clock.fixed(start, ZoneOffset.UTC));
        assertEquals(30_000, context.getRemainingTimeInMillis());
        assertEquals("r1", context.getAwsRequestId());
        assertEquals("LoginFunction", context.getFunctionName());
        assertEquals("arn:aws:lambda:us-east-1:000000000000:function:LoginFunction", context.getInvokedFunctionArn());

        LocalLambdaContext expired = new LocalLambdaContext("r2", "F", Duration.ofSeconds(-1),
                Clock.fixed(start, ZoneOffset.UTC));
        assertEquals(0, expired.getRemainingTimeInMillis());
    }
}
