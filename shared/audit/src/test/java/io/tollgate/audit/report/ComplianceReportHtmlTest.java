package io.tollgate.audit.report;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The HTML rendering escapes everything it prints. */
class ComplianceReportHtmlTest {

    @Test
    void renderWhenValuesHoldMarkupThenEscaped() {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("tenant", "<script>alert(1)</script>");
        report.put("standard", "soc2");
        report.put("sections", Map.of("retention", Map.of("figures", Map.of("class\"x", "a&b"))));
        String html = ComplianceReportHtml.render(report);
        assertFalse(html.contains("<script>"));
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assertTrue(html.contains("class&quot;x") && html.contains("a&amp;b"));
    }
}
