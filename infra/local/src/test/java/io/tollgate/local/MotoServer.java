package io.tollgate.local;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * moto's stand-alone server ({@code moto_server}, a Python package nobody here wrote) on a free loopback port: an
 * independent emulator of the AWS protocols, to check Tollgate's SDK adapters against something other than the
 * devkit's own protocol servers. Started by the test that needs it; its output goes to {@code target/moto.log}.
 */
final class MotoServer implements AutoCloseable {

    private final Process process;
    private final URI endpoint;

    private MotoServer(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    /** Starts moto, or skips the calling test (fails it under {@code CI=true}) when moto is not installed. */
    static MotoServer start() throws IOException, InterruptedException {
        String python = ExternalTools.pythonWith("moto.server, flask", "moto with its server (Python 3.11)",
                "pip install 'moto[server]==5.2.1'");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = Path.of("target", "moto.log");
        Files.createDirectories(log.getParent());
        Process process = new ProcessBuilder(List.of(python, "-m", "moto.server", "-H", "127.0.0.1", "-p", String.valueOf(port)))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        MotoServer server = new MotoServer(process, endpoint);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("moto_server exited with " + process.exitValue() + ", see " + log);
            }
            try {
                if (http.send(HttpRequest.newBuilder(endpoint.resolve("/moto-api/")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return server;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        server.close();
        throw new IllegalStateException("moto_server did not answer within 60 s, see " + log);
    }

    URI endpoint() {
        return endpoint;
    }

    /** moto's record of every model, e.g. the messages SES accepted ({@code GET /moto-api/data.json}). */
    String data() throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(endpoint.resolve("/moto-api/data.json")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
