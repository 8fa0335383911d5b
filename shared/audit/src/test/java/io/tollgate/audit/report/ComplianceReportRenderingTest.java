package io.tollgate.audit.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.sun.net.httpserver.HttpServer;
import io.tollgate.http.ApiResponses;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The HTML compliance report as a browser shows it: served on loopback with the very headers the
 * API sends (its strict CSP with the style hash), opened once in headless Chromium, which writes
 * docs/compliance-report.png and dumps the DOM.
 *
 * <p>Chromium is the Debian package {@code chromium} ({@code .ci/run} installs it). Without it the
 * test is skipped locally, and fails when {@code CI=true}.
 */
class ComplianceReportRenderingTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    /** The cover's background: set only by the style sheet, so present only if the CSP let it apply. */
    static final int BRAND = 0x12355b;
    static final int WIDTH = 1000;
    static final int HEIGHT = 1960;

    @Test
    void renderWhenOpenedInChromiumThenStyledUnderTheCspAndHostileValuesStayText() throws Exception {
        requireChromium();
        Map<String, Object> report = SampleReports.report("tenant-acme", ComplianceReporter.Standard.SOC2);
        @SuppressWarnings("unchecked")
        Map<String, Object> alerts = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) report
                .get("sections")).get("open_alerts")).get("figures");
        alerts.put("by_rule", Map.of("brute_force_user", 3L, ComplianceReportHtmlTest.HOSTILE, 1L));
        APIGatewayV2HTTPResponse response = ApiResponses.html(200, ComplianceReportHtml.render(report),
                ComplianceReportHtml.styleHash());

        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = response.getBody().getBytes(StandardCharsets.UTF_8);
            response.getHeaders().forEach(exchange.getResponseHeaders()::add);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        Path profile = Files.createTempDirectory("tollgate-chromium");
        Path screenshot = screenshotPath();
        Path dom = profile.resolve("dom.html");
        try {
            Process chromium = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + profile, "--screenshot=" + screenshot,
                    "--window-size=" + WIDTH + "," + HEIGHT, "--dump-dom",
                    "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/compliance/report")
                    .redirectOutput(dom.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!chromium.waitFor(60, TimeUnit.SECONDS)) {
                chromium.destroyForcibly();
                fail("Chromium did not finish within 60 s");
            }
            assertEquals(0, chromium.exitValue(), "chromium exit status");

            String rendered = Files.readString(dom);
            assertTrue(rendered.contains("<h2>Summary</h2>"), rendered);
            assertFalse(rendered.contains("<img") || rendered.contains("<script"), "a value became markup");
            assertTrue(rendered.contains("&lt;img src=x onerror=alert(2)&gt;"), "the hostile rule id is shown as text");

            BufferedImage image = ImageIO.read(screenshot.toFile());
            assertEquals(WIDTH, image.getWidth());
            long brand = 0;
            for (int y = 0; y < image.getHeight(); y++) {
                for (int x = 0; x < image.getWidth(); x++) {
                    brand += (image.getRGB(x, y) & 0xffffff) == BRAND ? 1 : 0;
                }
            }
            assertTrue(brand > 50_000, "the cover band is drawn by the style sheet (the CSP did not block it): "
                    + brand + " pixels of #12355b");
        } finally {
            server.stop(0);
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private static void requireChromium() {
        if (Files.isExecutable(CHROMIUM)) {
            return;
        }
        if ("true".equals(System.getenv("CI"))) {
            fail(CHROMIUM + " is missing and CI=true: install the Debian package chromium (.ci/run does)");
        }
        Assumptions.abort(CHROMIUM + " is missing: rendering test skipped (apt-get install chromium to run it)");
    }

    /** docs/compliance-report.png of the repository (the module runs in shared/audit), else target/. */
    private static Path screenshotPath() throws IOException {
        Path docs = Path.of("../../docs").toAbsolutePath().normalize();
        if (Files.isDirectory(docs.resolve("adr"))) {
            return docs.resolve("compliance-report.png");
        }
        return Files.createDirectories(Path.of("target")).resolve("compliance-report.png");
    }
}
