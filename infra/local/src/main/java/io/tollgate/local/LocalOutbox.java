package io.tollgate.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.tollgate.json.Json;
import io.tollgate.mail.MailMessage;
import io.tollgate.mail.MailSender;
import io.tollgate.sms.SmsMessage;
import io.tollgate.sms.SmsSender;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local runtime's stand-in for SES and for the SMS provider (docs/contract.md §Encryption and storage, ADR 0032): every
 * mail ({@code .eml}) and every text message ({@code .sms}) is written to a file in the outbox
 * folder (owner read/write only; they hold one-time codes) and kept in memory for
 * {@code GET /_local/outbox} — mails by default, {@code ?channel=sms} for text messages,
 * {@code ?channel=all} for both; every entry names its {@code channel}. Never deployed; the log
 * names only the file, never recipient or body.
 */
final class LocalOutbox implements MailSender, SmsSender {

    /** The channel of mails. */
    static final String MAIL = "mail";
    /** The channel of text messages. */
    static final String SMS = "sms";

    private static final Logger LOG = LoggerFactory.getLogger(LocalOutbox.class);
    /** Mails kept for {@code GET /_local/outbox} (the folder keeps them all). */
    static final int KEPT = 200;

    private final Path folder;
    private final String from;
    private final Clock clock;
    private final AtomicLong sequence = new AtomicLong();
    private final Deque<Map<String, Object>> recent = new ArrayDeque<>();

    LocalOutbox(Path folder, String from, Clock clock) {
        this.folder = Objects.requireNonNull(folder, "folder");
        this.from = Objects.requireNonNull(from, "from");
        this.clock = Objects.requireNonNull(clock, "clock");
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the outbox folder " + folder, e);
        }
    }

    Path folder() {
        return folder;
    }

    @Override
    public void send(MailMessage message) {
        Instant now = clock.instant();
        long number = sequence.incrementAndGet();
        String id = now.toEpochMilli() + "-" + number;
        String eml = "From: " + from + "\r\nTo: " + message.to() + "\r\nSubject: " + message.subject()
                + "\r\nDate: " + now + "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + message.text();
        Path file = folder.resolve(id + ".eml");
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, eml, StandardCharsets.UTF_8);
        } catch (FileAlreadyExistsException e) {
            throw new MailUnavailableException("Outbox file " + file.getFileName() + " exists", e);
        } catch (IOException e) {
            throw new MailUnavailableException("Cannot write to the outbox", e);
        }
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("id", id);
        entry.put("channel", MAIL);
        entry.put("sent_at", now.toString());
        entry.put("from", from);
        entry.put("to", message.to());
        entry.put("subject", message.subject());
        entry.put("text", message.text());
        keep(entry);
        // By its number, not its file name: an epoch-millisecond run of digits can contain a six-digit code.
        LOG.info("mail {} written to the local outbox", number);
    }

    /** Writes the text message to {@code <id>.sms} and keeps it for {@code ?channel=sms}. */
    @Override
    public void send(SmsMessage message) {
        Instant now = clock.instant();
        long number = sequence.incrementAndGet();
        String id = now.toEpochMilli() + "-" + number;
        Path file = folder.resolve(id + ".sms");
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, "To: " + message.to() + "\nDate: " + now + "\n\n" + message.text(),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SmsUnavailableException("Cannot write to the outbox", e);
        }
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("id", id);
        entry.put("channel", SMS);
        entry.put("sent_at", now.toString());
        entry.put("to", message.to());
        entry.put("text", message.text());
        keep(entry);
        LOG.info("text message {} written to the local outbox", number);
    }

    private void keep(Map<String, Object> entry) {
        synchronized (recent) {
            recent.addLast(entry);
            while (recent.size() > KEPT) {
                recent.removeFirst();
            }
        }
    }

    /** {@code {"messages":[...]}} of the mails, oldest first. */
    String json() {
        return json(MAIL);
    }

    /** {@code {"channel", "messages":[...]}} of {@code channel} ({@code mail}, {@code sms} or {@code all}), oldest first. */
    String json(String channel) {
        List<Map<String, Object>> messages;
        synchronized (recent) {
            messages = recent.stream().filter(m -> "all".equals(channel) || channel.equals(m.get("channel"))).toList();
        }
        try {
            return Json.mapper().writeValueAsString(Map.of("folder", folder.toAbsolutePath().toString(),
                    "channel", channel, "messages", messages));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Outbox not serialisable", e);
        }
    }

    @Override
    public String toString() {
        return "LocalOutbox[" + folder + "]";
    }
}
