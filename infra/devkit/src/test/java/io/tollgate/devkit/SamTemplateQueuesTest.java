package io.tollgate.devkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SamTemplateQueuesTest {

    private static final String YAML = """
            Resources:
              Dlq:
                Type: AWS::SQS::Queue
                Properties:
                  FifoQueue: true
              Q:
                Type: AWS::SQS::Queue
                Properties:
                  FifoQueue: true
                  VisibilityTimeout: 180
                  RedrivePolicy:
                    deadLetterTargetArn: !GetAtt Dlq.Arn
                    maxReceiveCount: 5
              Consumer:
                Type: AWS::Serverless::Function
                Properties:
                  CodeUri: .
                  Handler: a.B::handleRequest
                  Events:
                    FromQ:
                      Type: SQS
                      Properties:
                        Queue: !GetAtt Q.Arn
                        BatchSize: 10
                        FunctionResponseTypes: [ReportBatchItemFailures]
            """;

    @Test
    void queuesWhenRedrivePolicyThenDeadLetterQueueAndMaxReceiveCount() {
        SamTemplate template = SamTemplate.parse(YAML, "test");
        assertEquals(List.of(new QueueSpec("Dlq", true, Optional.empty(), 1_000_000, Duration.ofSeconds(30)),
                new QueueSpec("Q", true, Optional.of("Dlq"), 5, Duration.ofSeconds(180))), template.queues());
    }

    @Test
    void queueSubscriptionsWhenSqsEventThenQueueBatchSizeAndPartialFailures() {
        assertEquals(List.of(new QueueSubscription("Consumer", "Q", 10, true)),
                SamTemplate.parse(YAML, "test").queueSubscriptions());
    }
}
