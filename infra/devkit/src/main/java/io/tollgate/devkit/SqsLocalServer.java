package io.tollgate.devkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A small SQS that speaks the AWS JSON 1.0 protocol ({@code X-Amz-Target: AmazonSQS.*}, what the
 * SDK v2 {@code SqsClient} sends) on loopback, so the production adapters
 * ({@code SqsAuditPublisher}, {@code SqsRejectedEventSink}) run unchanged against a real
 * {@code SqsClient}. It implements what Tollgate uses: {@code CreateQueue}, {@code GetQueueUrl},
 * {@code SendMessage}, {@code SendMessageBatch}, {@code ReceiveMessage} (long polling, visibility
 * timeout, system and message attributes) and {@code DeleteMessage}.
 *
 * <p>FIFO queues keep SQS's rules: {@code MessageGroupId} required; a
 * {@code MessageDeduplicationId} (or content-based deduplication) drops a repeat within 5 minutes;
 * messages of one group are received in send order and a group with a message in flight yields no
 * other until that one is deleted or its visibility times out. Responses carry the MD5 digests of
 * body and message attributes that the SDK checks. Messages live in memory only. Never deployed.
 */
public final class SqsLocalServer extends AwsJsonProtocolServer {

    private static final String PREFIX = "AmazonSQS.";
    private static final String ACCOUNT = "000000000000";
    private static final Duration DEDUPLICATION_WINDOW = Duration.ofMinutes(5);
    private static final Duration DEFAULT_VISIBILITY = Duration.ofSeconds(30);
    private static final int MAX_BATCH = 10;
    private static final int MAX_WAIT_SECONDS = 20;
    private static final Pattern QUEUE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,75}(\\.fifo)?");

    private final Clock clock;
    private final Map<String, Queue> queues = new LinkedHashMap<>();

    private static final class Queue {
        final String name;
        final boolean fifo;
        final boolean contentBasedDeduplication;
        final Duration visibility;
        final Map<String, String> attributes;
        final List<Message> messages = new ArrayList<>();
        final Map<String, Sent> deduplication = new LinkedHashMap<>();
        long sequence;

        Queue(String name, Map<String, String> attributes) {
            this.name = name;
            this.attributes = attributes;
            this.fifo = Boolean.parseBoolean(attributes.getOrDefault("FifoQueue", "false"));
            this.contentBasedDeduplication = Boolean.parseBoolean(attributes.getOrDefault("ContentBasedDeduplication",
                    "false"));
            this.visibility = Duration.ofSeconds(Long.parseLong(attributes.getOrDefault("VisibilityTimeout",
                    Long.toString(DEFAULT_VISIBILITY.toSeconds()))));
        }
    }

    private record Sent(String messageId, String sequenceNumber, Instant expires) {
    }

    private static final class Message {
        final String id = UUID.randomUUID().toString();
        final String body;
        final SortedMap<String, JsonNode> attributes;
        final Optional<String> groupId;
        final Optional<String> deduplicationId;
        final String sequenceNumber;
        final Instant sent;
        Instant visibleAt;
        Instant firstReceived;
        int receiveCount;
        String receiptHandle;

        Message(String body, SortedMap<String, JsonNode> attributes, Optional<String> groupId,
                Optional<String> deduplicationId, String sequenceNumber, Instant sent) {
            this.body = body;
            this.attributes = attributes;
            this.groupId = groupId;
            this.deduplicationId = deduplicationId;
            this.sequenceNumber = sequenceNumber;
            this.sent = sent;
            this.visibleAt = sent;
        }
    }

    private SqsLocalServer(Clock clock) {
        super("SQS", "sqs-local", 4, "1.0");
        this.clock = clock;
        serve();
    }

    public static SqsLocalServer start() {
        return new SqsLocalServer(Clock.systemUTC());
    }

    @Override
    synchronized ObjectNode operation(String target, JsonNode body) {
        String operation = target.startsWith(PREFIX) ? target.substring(PREFIX.length()) : target;
        return switch (operation) {
            case "CreateQueue" -> createQueue(body);
            case "GetQueueUrl" -> getQueueUrl(body);
            case "SendMessage" -> sendMessage(body);
            case "SendMessageBatch" -> sendMessageBatch(body);
            case "ReceiveMessage" -> receiveMessage(body);
            case "DeleteMessage" -> deleteMessage(body);
            default -> throw new ApiError("com.amazonaws.sqs#UnsupportedOperation", "Unsupported operation " + target);
        };
    }

    private ObjectNode createQueue(JsonNode body) {
        String name = required(body, "QueueName");
        Map<String, String> attributes = new TreeMap<>();
        body.path("Attributes").properties().forEach(e -> attributes.put(e.getKey(), e.getValue().asText()));
        boolean fifo = Boolean.parseBoolean(attributes.getOrDefault("FifoQueue", "false"));
        if (!QUEUE_NAME.matcher(name).matches() || fifo != name.endsWith(".fifo")) {
            throw invalid("The queue name " + name + " is not valid (a FIFO queue, and only one, ends in .fifo).");
        }
        Queue existing = queues.get(name);
        if (existing != null && !existing.attributes.equals(attributes)) {
            throw new ApiError("com.amazonaws.sqs#QueueNameExists",
                    "A queue already exists with the same name and different attributes.");
        }
        if (existing == null) {
            queues.put(name, new Queue(name, attributes));
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("QueueUrl", url(name));
        return out;
    }

    private ObjectNode getQueueUrl(JsonNode body) {
        String name = required(body, "QueueName");
        if (!queues.containsKey(name)) {
            throw noQueue();
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("QueueUrl", url(name));
        return out;
    }

    private ObjectNode sendMessage(JsonNode body) {
        Queue queue = queue(body);
        return send(queue, body);
    }

    private ObjectNode sendMessageBatch(JsonNode body) {
        Queue queue = queue(body);
        JsonNode entries = body.path("Entries");
        if (!entries.isArray() || entries.isEmpty()) {
            throw new ApiError("com.amazonaws.sqs#EmptyBatchRequest", "The batch request doesn't contain any entries.");
        }
        if (entries.size() > MAX_BATCH) {
            throw new ApiError("com.amazonaws.sqs#TooManyEntriesInBatchRequest",
                    "Maximum number of entries per request are " + MAX_BATCH + ".");
        }
        Set<String> ids = new HashSet<>();
        entries.forEach(entry -> {
            if (!ids.add(required(entry, "Id"))) {
                throw new ApiError("com.amazonaws.sqs#BatchEntryIdsNotDistinct", "Two entries have the same Id.");
            }
        });
        ObjectNode out = JSON.createObjectNode();
        ArrayNode successful = out.putArray("Successful");
        ArrayNode failed = out.putArray("Failed");
        for (JsonNode entry : entries) {
            try {
                ObjectNode result = send(queue, entry);
                result.put("Id", entry.get("Id").asText());
                successful.add(result);
            } catch (ApiError e) {
                ObjectNode failure = failed.addObject();
                failure.put("Id", entry.get("Id").asText());
                failure.put("SenderFault", true);
                failure.put("Code", e.type.substring(e.type.indexOf('#') + 1));
                failure.put("Message", e.getMessage());
            }
        }
        return out;
    }

    private ObjectNode send(Queue queue, JsonNode request) {
        String body = required(request, "MessageBody");
        Optional<String> groupId = optional(request, "MessageGroupId");
        Optional<String> deduplicationId = optional(request, "MessageDeduplicationId");
        if (queue.fifo && groupId.isEmpty()) {
            throw new ApiError("com.amazonaws.sqs#MissingParameter",
                    "The request must contain the parameter MessageGroupId.");
        }
        if (queue.fifo && deduplicationId.isEmpty()) {
            if (!queue.contentBasedDeduplication) {
                throw invalid("The queue should either have ContentBasedDeduplication enabled or"
                        + " MessageDeduplicationId provided explicitly");
            }
            deduplicationId = Optional.of(hex("SHA-256", body.getBytes(StandardCharsets.UTF_8)));
        }
        SortedMap<String, JsonNode> attributes = new TreeMap<>();
        request.path("MessageAttributes").properties().forEach(e -> attributes.put(e.getKey(), e.getValue()));
        Instant now = clock.instant();
        ObjectNode out = JSON.createObjectNode();
        out.put("MD5OfMessageBody", hex("MD5", body.getBytes(StandardCharsets.UTF_8)));
        if (!attributes.isEmpty()) {
            out.put("MD5OfMessageAttributes", attributesMd5(attributes));
        }
        if (queue.fifo) {
            queue.deduplication.values().removeIf(sent -> !sent.expires().isAfter(now));
            Sent earlier = queue.deduplication.get(deduplicationId.get());
            if (earlier != null) {
                out.put("MessageId", earlier.messageId());
                out.put("SequenceNumber", earlier.sequenceNumber());
                return out;
            }
        }
        String sequence = queue.fifo ? String.format("%020d", ++queue.sequence) : null;
        Message message = new Message(body, attributes, groupId, deduplicationId, sequence, now);
        queue.messages.add(message);
        if (queue.fifo) {
            queue.deduplication.put(deduplicationId.get(), new Sent(message.id, sequence,
                    now.plus(DEDUPLICATION_WINDOW)));
            out.put("SequenceNumber", sequence);
        }
        out.put("MessageId", message.id);
        notifyAll();
        return out;
    }

    private ObjectNode receiveMessage(JsonNode body) {
        Queue queue = queue(body);
        int max = body.path("MaxNumberOfMessages").asInt(1);
        if (max < 1 || max > MAX_BATCH) {
            throw invalid("MaxNumberOfMessages must be 1 to " + MAX_BATCH + ".");
        }
        int waitSeconds = body.path("WaitTimeSeconds").asInt(0);
        if (waitSeconds < 0 || waitSeconds > MAX_WAIT_SECONDS) {
            throw invalid("WaitTimeSeconds must be 0 to " + MAX_WAIT_SECONDS + ".");
        }
        Duration visibility = body.has("VisibilityTimeout") ? Duration.ofSeconds(body.get("VisibilityTimeout").asLong())
                : queue.visibility;
        Set<String> systemNames = names(body, "MessageSystemAttributeNames");
        systemNames.addAll(names(body, "AttributeNames"));
        Set<String> attributeNames = names(body, "MessageAttributeNames");
        Instant deadline = clock.instant().plusSeconds(waitSeconds);
        List<Message> taken = take(queue, max, visibility);
        while (taken.isEmpty() && clock.instant().isBefore(deadline)) {
            try {
                wait(Math.max(1, Duration.between(clock.instant(), deadline).toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            taken = take(queue, max, visibility);
        }
        ObjectNode out = JSON.createObjectNode();
        ArrayNode messages = out.putArray("Messages");
        for (Message message : taken) {
            messages.add(wire(message, systemNames, attributeNames));
        }
        return out;
    }

    /** Up to {@code max} visible messages, in send order; on a FIFO queue, none of a group with one in flight. */
    private List<Message> take(Queue queue, int max, Duration visibility) {
        Instant now = clock.instant();
        Set<String> lockedGroups = new HashSet<>();
        if (queue.fifo) {
            queue.messages.stream().filter(m -> m.visibleAt.isAfter(now)).forEach(m -> lockedGroups.add(m.groupId.get()));
        }
        List<Message> taken = new ArrayList<>();
        for (Iterator<Message> it = queue.messages.iterator(); it.hasNext() && taken.size() < max;) {
            Message message = it.next();
            if (message.visibleAt.isAfter(now) || queue.fifo && lockedGroups.contains(message.groupId.get())) {
                continue;
            }
            taken.add(message);
        }
        for (Message message : taken) {
            message.visibleAt = now.plus(visibility);
            message.receiveCount++;
            if (message.firstReceived == null) {
                message.firstReceived = now;
            }
            message.receiptHandle = Base64.getUrlEncoder().withoutPadding().encodeToString(
                    (queue.name + " " + message.id + " " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
        }
        return taken;
    }

    private ObjectNode wire(Message message, Set<String> systemNames, Set<String> attributeNames) {
        ObjectNode out = JSON.createObjectNode();
        out.put("MessageId", message.id);
        out.put("ReceiptHandle", message.receiptHandle);
        out.put("MD5OfBody", hex("MD5", message.body.getBytes(StandardCharsets.UTF_8)));
        out.put("Body", message.body);
        Map<String, String> system = new LinkedHashMap<>();
        system.put("SenderId", ACCOUNT);
        system.put("SentTimestamp", Long.toString(message.sent.toEpochMilli()));
        system.put("ApproximateReceiveCount", Integer.toString(message.receiveCount));
        system.put("ApproximateFirstReceiveTimestamp", Long.toString(message.firstReceived.toEpochMilli()));
        message.groupId.ifPresent(group -> system.put("MessageGroupId", group));
        message.deduplicationId.ifPresent(id -> system.put("MessageDeduplicationId", id));
        if (message.sequenceNumber != null) {
            system.put("SequenceNumber", message.sequenceNumber);
        }
        boolean allSystem = systemNames.contains("All");
        ObjectNode attributes = JSON.createObjectNode();
        system.forEach((name, value) -> {
            if (allSystem || systemNames.contains(name)) {
                attributes.put(name, value);
            }
        });
        if (!attributes.isEmpty()) {
            out.set("Attributes", attributes);
        }
        SortedMap<String, JsonNode> selected = new TreeMap<>();
        message.attributes.forEach((name, value) -> {
            if (attributeNames.contains("All") || attributeNames.contains(".*") || attributeNames.contains(name)
                    || attributeNames.stream().anyMatch(n -> n.endsWith(".*") && name.startsWith(n.substring(0, n.length() - 1)))) {
                selected.put(name, value);
            }
        });
        if (!selected.isEmpty()) {
            ObjectNode messageAttributes = out.putObject("MessageAttributes");
            selected.forEach(messageAttributes::set);
            out.put("MD5OfMessageAttributes", attributesMd5(selected));
        }
        return out;
    }

    private ObjectNode deleteMessage(JsonNode body) {
        Queue queue = queue(body);
        String handle = required(body, "ReceiptHandle");
        boolean removed = queue.messages.removeIf(m -> handle.equals(m.receiptHandle));
        if (!removed && !handleOf(queue, handle)) {
            throw new ApiError("com.amazonaws.sqs#ReceiptHandleIsInvalid", "The input receipt handle is invalid.");
        }
        notifyAll();
        return JSON.createObjectNode();
    }

    /** A well-formed handle of this queue whose message is already gone: SQS accepts the repeat delete. */
    private static boolean handleOf(Queue queue, String handle) {
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(handle), StandardCharsets.UTF_8);
            return decoded.startsWith(queue.name + " ");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private Queue queue(JsonNode body) {
        String url = required(body, "QueueUrl");
        String name = URI.create(url).getPath();
        name = name.substring(name.lastIndexOf('/') + 1);
        Queue queue = queues.get(name);
        if (queue == null) {
            throw noQueue();
        }
        return queue;
    }

    private String url(String name) {
        return endpoint() + "/" + ACCOUNT + "/" + name;
    }

    /**
     * The MD5 of message attributes as SQS computes it: for each attribute by name, the name, the
     * data type and the value each as a 4-byte big-endian length and the UTF-8 bytes (the value
     * preceded by its transport type: 1 string, 2 binary).
     */
    static String attributesMd5(SortedMap<String, JsonNode> attributes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        attributes.forEach((name, value) -> {
            String dataType = value.path("DataType").asText();
            lengthPrefixed(out, name.getBytes(StandardCharsets.UTF_8));
            lengthPrefixed(out, dataType.getBytes(StandardCharsets.UTF_8));
            if (value.hasNonNull("BinaryValue")) {
                out.write(2);
                lengthPrefixed(out, Base64.getDecoder().decode(value.get("BinaryValue").asText()));
            } else {
                out.write(1);
                lengthPrefixed(out, value.path("StringValue").asText().getBytes(StandardCharsets.UTF_8));
            }
        });
        return hex("MD5", out.toByteArray());
    }

    private static void lengthPrefixed(ByteArrayOutputStream out, byte[] bytes) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
        out.writeBytes(bytes);
    }

    private static String hex(String algorithm, byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is unavailable", e);
        }
    }

    private static Set<String> names(JsonNode body, String field) {
        Set<String> names = new HashSet<>();
        body.path(field).forEach(n -> names.add(n.asText()));
        return names;
    }

    private static String required(JsonNode body, String field) {
        return optional(body, field).orElseThrow(() -> new ApiError("com.amazonaws.sqs#MissingParameter",
                "The request must contain the parameter " + field + "."));
    }

    private static Optional<String> optional(JsonNode body, String field) {
        JsonNode node = body == null ? null : body.get(field);
        return node == null || node.isNull() || node.asText().isEmpty() ? Optional.empty() : Optional.of(node.asText());
    }

    private static ApiError invalid(String message) {
        return new ApiError("com.amazonaws.sqs#InvalidParameterValue", message);
    }

    private static ApiError noQueue() {
        return new ApiError("com.amazonaws.sqs#QueueDoesNotExist", "The specified queue does not exist.");
    }
}
