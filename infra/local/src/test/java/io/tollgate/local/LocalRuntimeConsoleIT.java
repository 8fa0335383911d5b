package io.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a newcomer sees on the console: {@code ./tollgate local}'s own JVM (the launcher's main class and its
 * {@code log4j2-local.xml}) started as a separate process, then driven through the paths that make DynamoDB Local
 * answer errors (a failed conditional write on a wrong password, the stream poller's first reads). Nothing it
 * prints may be a stack trace or the embedded SDK's JAXB warning.
 */
class LocalRuntimeConsoleIT {

    private static final Pattern API_LINE = Pattern.compile("API\\s+(http://127\\.0\\.0\\.1:\\d+)");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void startWhenFirstRunThenConsoleShowsNoStackTraceAndNoJaxbWarning(@TempDir Path temp) throws Exception {
        Path stderr = temp.resolve("stderr.txt");
        Process process = new ProcessBuilder(List.of(
                ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Dlog4j2.configurationFile=classpath:log4j2-local.xml",
                "-cp", System.getProperty("java.class.path"),
                LocalRuntime.class.getName(), "--port", "0"))
                .redirectError(stderr.toFile())
                .start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            URI api = null;
            for (String line = out.readLine(); line != null && api == null; line = out.readLine()) {
                Matcher matcher = API_LINE.matcher(line);
                if (matcher.find()) {
                    api = URI.create(matcher.group(1));
                }
            }
            assertTrue(api != null, "no API line in the banner; stderr: " + Files.readString(stderr));

            for (int attempt = 0; attempt < 3; attempt++) {
                HttpResponse<String> refused = HTTP.send(HttpRequest.newBuilder(api.resolve("/v1/auth/login"))
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"tenant\":\"demo\",\"username\":\"admin@demo.test\",\"password\":\"wrong-password\"}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(401, refused.statusCode(), refused.body());
            }
            Thread.sleep(3_000); // the stream and queue pollers run a few rounds
        } finally {
            process.destroy();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the runtime did not stop on SIGTERM");
        }

        String console = Files.readString(stderr);
        assertFalse(console.lines().anyMatch(line -> line.startsWith("\tat ") || line.contains("Exception: ")),
                console);
        assertFalse(console.contains("JAXB"), console);
    }
}
