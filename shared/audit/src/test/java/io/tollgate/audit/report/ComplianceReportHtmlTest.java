package io.tollgate.audit.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.http.ApiResponses;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The HTML rendering: a labelled document, summary first, escaped, with its chart and a style the CSP allows. */
class ComplianceReportHtmlTest {

    static final String HOSTILE = "acme\"><script>alert(1)</script><img src=x onerror=alert(2)>&'";

    private static Map<String, Object> soc2() {
        return SampleReports.report("tenant-acme", ComplianceReporter.Standard.SOC2);
    }

    @Test
    void renderWhenValuesHoldMarkupThenEscaped() {
        Map<String, Object> report = SampleReports.report(HOSTILE, ComplianceReporter.Standard.SOC2);
        @SuppressWarnings("unchecked")
        Map<String, Object> alerts = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) report
                .get("sections")).get("open_alerts")).get("figures");
        alerts.put("by_rule", Map.of(HOSTILE, 1L));
        String html = ComplianceReportHtml.render(report);
        assertFalse(html.contains("<script"), "no script element, whatever the values");
        assertFalse(html.contains("<img"), "no element injected through a value");
        assertTrue(html.contains("acme&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&amp;&#39;"));
        assertTrue(html.contains("<code>acme&quot;&gt;&lt;script&gt;"), "a tenant-controlled map key is escaped too");
    }

    @Test
    void renderWhenReportThenHumanLabelsNotSnakeCaseKeys() {
        String html = ComplianceReportHtml.render(soc2());
        assertTrue(html.contains("<h1>SOC 2</h1>"), html);
        assertTrue(html.contains("<th>Successful logins</th><td class=\"num\">1,284</td>"), html);
        assertTrue(html.contains("<h3>MFA coverage <span class=\"badge s-attention\">Needs attention</span></h3>"));
        assertTrue(html.contains("<th>Searches and verifications</th>"), "data-access counts are labelled");
        Matcher snake = Pattern.compile("<(th|h2|h3|dt)>[^<]*[a-z]_[a-z][^<]*</").matcher(html);
        assertFalse(snake.find(), () -> "a heading shows a wire key: " + snake.group());
    }

    @Test
    void renderWhenReportThenSummaryFirstWithEachControlItsStatusAndFigures() {
        String html = ComplianceReportHtml.render(soc2());
        int summary = html.indexOf("<h2>Summary</h2>");
        int chain = html.indexOf("<h2>Audit trail verification</h2>");
        int chart = html.indexOf("<h2>Events per day</h2>");
        int details = html.indexOf("<h2>Details per control</h2>");
        assertTrue(summary > 0 && summary < chain && chain < chart && chart < details, "summary, chain, chart, details");
        assertEquals(0, count(html, "<h2>", 0, summary), "the summary is the first section");
        String table = html.substring(summary, html.indexOf("</table>", summary));
        assertEquals(11, count(table, "<tr><td>", 0, table.length()), "one row per SOC 2 section");
        assertTrue(table.contains("<tr><td>MFA coverage</td><td>CC6.1</td><td><span class=\"badge s-attention\">"
                + "Needs attention</span></td><td><ul class=\"key\"><li>Coverage (%): <strong>95.0</strong></li>"), table);
        assertTrue(html.contains("Enrol the 12 active user(s) without a second factor"), "recommendations listed");
        assertTrue(html.contains("Overall: <span class=\"badge s-attention\">Needs attention</span> &nbsp;9 of 11 controls compliant"),
                html.substring(0, 3000));
    }

    @Test
    void renderWhenChainValidThenItsRangeAndTheProvingDigestIds() {
        String html = ComplianceReportHtml.render(soc2());
        assertTrue(html.contains("positions 10412 to 12144 were recomputed and match the signed digests"), html);
        assertTrue(html.contains("<th>Proving digests</th><td class=\"num\">412, 413, 442</td>"), html);
    }

    @Test
    void renderWhenChainBrokenThenSaysWhereAndNonCompliant() {
        Map<String, Object> report = soc2();
        @SuppressWarnings("unchecked")
        Map<String, Object> section = (Map<String, Object>) ((Map<String, Object>) report.get("sections")).get("audit_chain");
        @SuppressWarnings("unchecked")
        Map<String, Object> chain = new LinkedHashMap<>((Map<String, Object>) section.get("figures"));
        chain.put("valid", false);
        chain.put("broken_at", 11_000L);
        chain.put("reason", "digest_mismatch");
        Map<String, Object> sections = new LinkedHashMap<>();
        sections.put("audit_chain", chain);
        Map<String, Object> broken = ComplianceReporter.assemble(new ComplianceReporter.Header("t",
                ComplianceReporter.Standard.SOC2, SampleReports.FROM, SampleReports.TO, SampleReports.GENERATED, 0, false),
                sections, Map.of());
        String html = ComplianceReportHtml.render(broken);
        assertTrue(html.contains("The hash chain is broken at position 11000 (Digest mismatch)."), html);
        assertTrue(html.contains("<span class=\"badge s-non_compliant\">Not compliant</span>"));
    }

    @Test
    void renderWhenEventsPerDayThenInlineSvgBarPerDayAndNoExternalResource() {
        String html = ComplianceReportHtml.render(soc2());
        assertEquals(30, count(html, "<rect class=\"bar\"", 0, html.length()), "one bar per day of November");
        assertTrue(html.contains("<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\""));
        assertTrue(html.contains("<title>2026-11-01: 9 events</title>"), "Sunday 1 November: 8 + 1 % 5");
        assertTrue(html.contains("busiest day"), html);
        for (String forbidden : List.of("<script", " src=", " href=", "url(", "@import", " style=")) {
            assertFalse(html.contains(forbidden), forbidden);
        }
    }

    @Test
    void renderWhenNoEventsThenSaysSoInsteadOfAnEmptyChart() {
        Map<String, Object> empty = ComplianceReporter.assemble(new ComplianceReporter.Header("t",
                ComplianceReporter.Standard.SOC2, SampleReports.FROM, SampleReports.TO, SampleReports.GENERATED, 0, false),
                new LinkedHashMap<>(), Map.of());
        String html = ComplianceReportHtml.render(empty);
        assertTrue(html.contains("No events were recorded in the period."));
        assertFalse(html.contains("<svg"));
    }

    @Test
    void styleHashWhenComputedThenMatchesTheStyleBlockAndTheResponseCsp() throws Exception {
        String html = ComplianceReportHtml.render(soc2());
        Matcher style = Pattern.compile("<style>(.*?)</style>", Pattern.DOTALL).matcher(html);
        assertTrue(style.find());
        String expected = "sha256-" + Base64.getEncoder().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(style.group(1).getBytes(StandardCharsets.UTF_8)));
        assertEquals(expected, ComplianceReportHtml.styleHash());
        assertFalse(style.find(), "a single style block");
        String csp = ApiResponses.html(200, html, ComplianceReportHtml.styleHash()).getHeaders().get("Content-Security-Policy");
        assertEquals("default-src 'none'; style-src '" + expected + "'; frame-ancestors 'none'", csp);
    }

    @Test
    void styleWhenPrintedThenA4PagesWithoutTheScreenBackground() {
        String style = ComplianceReportHtml.STYLE;
        assertTrue(style.contains("@page{size:A4;"), style);
        int print = style.indexOf("@media print{");
        assertTrue(print > 0);
        String printRules = style.substring(print);
        assertTrue(printRules.contains("body{background:#fff"));
        assertTrue(printRules.contains("thead{display:table-header-group}"), "table headers repeat on each page");
        assertTrue(printRules.contains("tr{break-inside:avoid}"));
    }

    private static int count(String text, String needle, int from, int to) {
        int n = 0;
        for (int i = text.indexOf(needle, from); i >= 0 && i < to; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
