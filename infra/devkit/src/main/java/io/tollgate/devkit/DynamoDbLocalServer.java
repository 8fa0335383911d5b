package io.tollgate.devkit;

import com.amazonaws.services.dynamodbv2.exceptions.DynamoDBLocalServiceException;
import com.amazonaws.services.dynamodbv2.local.main.CommandLineInput;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBRequestHandler;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBServerHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.commons.cli.ParseException;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The real DynamoDB engine (DynamoDB Local 2.6.1) running inside this JVM as an HTTP server on
 * {@code 127.0.0.1}, for the local runtime and every {@code *IT} test: same wire protocol, same condition
 * expressions and errors as the service, no Docker.
 *
 * <p>Why not {@code ServerRunner.createServerFromCommandLineArgs}: in 2.6.1 it builds a Jetty
 * {@code new Server(port)}, which listens on <em>all</em> interfaces (no flag sets the host), refuses port 0, and
 * prints its configuration to stdout. So the options are parsed by DynamoDB Local's own {@code CommandLineInput}
 * (same flags, same validation) and the same request handlers are mounted the way {@code DynamoDBProxyServer}
 * mounts them, on a Jetty connector bound to 127.0.0.1 with an ephemeral port chosen by the OS (no
 * probe-then-bind race). Telemetry is off: {@code -disableTelemetry} is passed and, because the telemetry setup
 * of {@code ServerRunner} is never called, no Pinpoint client is built and no {@code dynamodb-local-metadata.json}
 * is written to the working directory. DynamoDB Local logs to the console only (its bundled log4j2.xml, WARN);
 * in persistent mode its single database file ({@code shared-local-instance.db}, {@code -sharedDb} so every
 * credential and region sees the same tables) lives in the given directory. The sqlite4java native library is
 * extracted from the jar to {@code java.io.tmpdir}, as the jar always does.
 */
public final class DynamoDbLocalServer implements AutoCloseable {

    /** The only address the server listens on. */
    public static final String HOST = "127.0.0.1";

    /** sqlite4java names a database's job thread {@code SQLiteQueue[<file name>]}; this is the persistent file's. */
    private static final String SQLITE_QUEUE_THREAD = "SQLiteQueue[shared-local-instance.db]";
    private static final Duration QUEUE_STOP_WAIT = Duration.ofSeconds(5);

    private final Server jetty;
    private final LocalDynamoDBServerHandler handler;
    private final URI endpoint;
    private final boolean persistent;

    private DynamoDbLocalServer(Server jetty, LocalDynamoDBServerHandler handler, URI endpoint, boolean persistent) {
        this.jetty = jetty;
        this.handler = handler;
        this.endpoint = endpoint;
        this.persistent = persistent;
    }

    /** Starts an empty in-memory database; its data is gone on {@link #close()}. */
    public static DynamoDbLocalServer inMemory() {
        return start(List.of("-inMemory"));
    }

    /**
     * Starts a database kept in {@code dataDir} (created if absent), so tables and items survive a restart.
     * Nothing is written outside that directory except the native library in {@code java.io.tmpdir}.
     */
    public static DynamoDbLocalServer persistent(Path dataDir) {
        Objects.requireNonNull(dataDir, "dataDir");
        Path dir = dataDir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the DynamoDB Local data directory " + dir, e);
        }
        return start(List.of("-dbPath", dir.toString()));
    }

    private static DynamoDbLocalServer start(List<String> storage) {
        List<String> args = new ArrayList<>(storage);
        // -sharedDb: one database whatever the client's credentials/region; -cors limits browser access to
        // pages served from this machine (the default is '*').
        args.addAll(List.of("-sharedDb", "-disableTelemetry", "-cors", "http://" + HOST));
        CommandLineInput input;
        try {
            input = new CommandLineInput(args.toArray(String[]::new));
        } catch (ParseException e) {
            throw new IllegalArgumentException("DynamoDB Local refused its options " + args, e);
        }
        if (!input.init()) {
            throw new IllegalArgumentException("DynamoDB Local refused its options " + args);
        }
        LocalDynamoDBServerHandler handler;
        try {
            handler = new LocalDynamoDBServerHandler(new LocalDynamoDBRequestHandler(0, input.isInMemory(),
                    input.getDbPath(), input.getSharedDb(), input.shouldDelayTransientStatuses()),
                    input.getCorsParams());
        } catch (DynamoDBLocalServiceException e) {
            throw new IllegalStateException("DynamoDB Local could not open its database " + storage, e);
        }

        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("dynamodb-local");
        threads.setDaemon(true);
        Server jetty = new Server(threads);
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost(HOST);
        connector.setPort(0);
        jetty.addConnector(connector);
        ContextHandler context = new ContextHandler();
        context.setHandler(handler);
        jetty.setHandler(new ContextHandlerCollection(context));
        try {
            jetty.start();
        } catch (Exception e) { // Jetty's start() declares Exception; the cause is kept
            handler.close();
            throw new IllegalStateException("DynamoDB Local did not start on " + HOST, e);
        }
        return new DynamoDbLocalServer(jetty, handler,
                URI.create("http://" + HOST + ":" + connector.getLocalPort()), !input.isInMemory());
    }

    /** {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        return endpoint;
    }

    /**
     * A new client for this server (the caller closes it): URL-connection HTTP client, region us-east-1, static
     * dummy credentials, endpoint override.
     */
    public DynamoDbClient client() {
        return DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(Region.of(LocalIntrinsics.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    /** A DynamoDB Streams client for this server (the real SDK client, endpoint overridden). */
    public software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient streamsClient() {
        return software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.of(LocalIntrinsics.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    /**
     * Stops the server and closes the database (flushing it to disk in persistent mode). Returns once the
     * persistent database's SQLite queue thread has ended: {@code SQLiteQueue.stop} only asks it to, and a database
     * opened again in this JVM before the previous connection is disposed fails with "database is locked" and
     * stays marked "already in use" for good (seen when a test restarts the local runtime on the same folder).
     */
    @Override
    public void close() {
        List<Thread> queues = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> persistent && thread.getName().equals(SQLITE_QUEUE_THREAD))
                .toList();
        try {
            jetty.stop();
        } catch (Exception e) { // Jetty's stop() declares Exception; the cause is kept
            throw new IllegalStateException("DynamoDB Local did not stop cleanly", e);
        } finally {
            handler.close();
            awaitEnd(queues);
        }
    }

    /** Waits, bounded, for the given queue threads; those of another server still running simply time out. */
    private static void awaitEnd(List<Thread> queues) {
        long deadline = System.nanoTime() + QUEUE_STOP_WAIT.toNanos();
        for (Thread queue : queues) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                queue.join(Duration.ofNanos(left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public String toString() {
        return "DynamoDbLocalServer[" + endpoint + "]";
    }
}
