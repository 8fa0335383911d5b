package io.tollgate.devkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SqsException;

/** The real SDK v2 {@link SqsClient} (AWS JSON 1.0, MD5 checks on) against {@link SqsLocalServer}. */
class SqsLocalServerIT {

    private final SqsLocalServer server = SqsLocalServer.start();
    private final SqsClient sqs = client(server.endpoint());

    static SqsClient client(URI endpoint) {
        return SqsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    @AfterEach
    void close() {
        sqs.close();
        server.close();
    }

    private String fifo(String name) {
        return sqs.createQueue(r -> r.queueName(name).attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true")))
                .queueUrl();
    }

    private void send(String url, String group, String body) {
        sqs.sendMessage(r -> r.queueUrl(url).messageBody(body).messageGroupId(group).messageDeduplicationId(body));
    }

    private List<Message> receive(String url, int max) {
        return sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(max)
                .messageSystemAttributeNames(MessageSystemAttributeName.MESSAGE_GROUP_ID)).messages();
    }

    @Test
    void receiveWhenGroupsInterleavedThenEachGroupInSendOrderAndBlockedWhileInFlight() {
        String url = fifo("audit.fifo");
        send(url, "acme", "a1");
        send(url, "globex", "g1");
        send(url, "acme", "a2");
        send(url, "globex", "g2");

        List<Message> first = receive(url, 10);
        assertEquals(List.of("a1", "g1", "a2", "g2"), first.stream().map(Message::body).toList());
        assertEquals("acme", first.getFirst().attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID));
        assertEquals(List.of(), receive(url, 10), "both groups have messages in flight");

        send(url, "acme", "a3");
        assertEquals(List.of(), receive(url, 10), "a3 waits until acme's in-flight messages are deleted");
        first.stream().filter(m -> m.body().startsWith("a"))
                .forEach(m -> sqs.deleteMessage(r -> r.queueUrl(url).receiptHandle(m.receiptHandle())));
        assertEquals(List.of("a3"), receive(url, 10).stream().map(Message::body).toList());
    }

    @Test
    void receiveWhenMessageDeletedThenNotRedeliveredAndVisibilityTimeoutRedeliversTheRest() throws Exception {
        String url = fifo("jobs.fifo");
        send(url, "acme", "one");
        send(url, "acme", "two");
        Message one = sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(1).visibilityTimeout(1))
                .messages().getFirst();
        assertEquals("one", one.body());
        Thread.sleep(1_200);
        Message again = receive(url, 1).getFirst();
        assertEquals("one", again.body(), "an undeleted message returns after its visibility timeout");
        sqs.deleteMessage(r -> r.queueUrl(url).receiptHandle(again.receiptHandle()));
        Message two = receive(url, 10).getFirst();
        assertEquals("two", two.body());
        sqs.deleteMessage(r -> r.queueUrl(url).receiptHandle(two.receiptHandle()));
        assertEquals(List.of(), receive(url, 10));
    }

    @Test
    void sendBatchWhenDeduplicationIdRepeatedThenDeliveredOnce() {
        String url = fifo("dedup.fifo");
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i)).messageBody("event")
                    .messageGroupId("acme").messageDeduplicationId("event-1").build());
        }
        SendMessageBatchResponse response = sqs.sendMessageBatch(r -> r.queueUrl(url).entries(entries));
        assertEquals(3, response.successful().size());
        assertEquals(1, response.successful().stream().map(e -> e.messageId()).distinct().count());
        assertEquals(1, receive(url, 10).size());
    }

    @Test
    void sendWhenFifoMessageHasNoGroupThenRefusedAndNothingQueued() {
        String url = fifo("strict.fifo");
        assertThrows(SqsException.class, () -> sqs.sendMessage(r -> r.queueUrl(url).messageBody("x")
                .messageDeduplicationId("x")));
        assertEquals(List.of(), receive(url, 10));
    }

    @Test
    void receiveWhenMessageAttributesRequestedThenReturnedWithTheirDigestCheckedBySdk() {
        String url = fifo("dlq.fifo");
        sqs.sendMessage(r -> r.queueUrl(url).messageBody("{}").messageGroupId("acme").messageDeduplicationId("d")
                .messageAttributes(Map.of("reason", MessageAttributeValue.builder().dataType("String")
                        .stringValue("invalid_event").build())));
        Message message = sqs.receiveMessage(r -> r.queueUrl(url).messageAttributeNames("All")).messages().getFirst();
        assertEquals("invalid_event", message.messageAttributes().get("reason").stringValue());
    }

    @Test
    void getQueueUrlWhenQueueMissingThenQueueDoesNotExist() {
        fifo("present.fifo");
        assertTrue(sqs.getQueueUrl(r -> r.queueName("present.fifo")).queueUrl().endsWith("/present.fifo"));
        assertThrows(QueueDoesNotExistException.class, () -> sqs.getQueueUrl(r -> r.queueName("absent.fifo")));
    }

    @Test
    void receiveWhenWaitingThenAnsweredBySendWithinTheWait() throws Exception {
        String url = fifo("poll.fifo");
        Thread sender = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            send(url, "acme", "late");
        });
        List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(url).waitTimeSeconds(5)).messages();
        sender.join();
        assertEquals(List.of("late"), messages.stream().map(Message::body).toList());
    }
}
