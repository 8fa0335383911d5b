package io.tollgate.audit.report;

import java.util.Collection;
import java.util.Map;

/**
 * The human-readable rendering of a compliance report ({@code Accept: text/html}): the same
 * figures as the JSON, as nested tables. Every text is HTML-escaped; no script, no style, no
 * external resource (the response's CSP is {@code default-src 'none'}).
 */
public final class ComplianceReportHtml {

    private ComplianceReportHtml() {
    }

    public static String render(Map<String, Object> report) {
        StringBuilder html = new StringBuilder(4096);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Compliance report ")
                .append(escape(report.get("standard"))).append(" - ").append(escape(report.get("tenant")))
                .append("</title></head><body>\n<h1>Compliance report: ").append(escape(report.get("standard")))
                .append("</h1>\n<table>");
        for (String key : new String[] {"tenant", "from", "to", "generated_at", "events_in_range", "truncated"}) {
            row(html, key, report.get(key));
        }
        html.append("</table>\n");
        Object sections = report.get("sections");
        if (sections instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> section : map.entrySet()) {
                html.append("<h2>").append(escape(section.getKey())).append("</h2>\n");
                value(html, section.getValue());
                html.append('\n');
            }
        }
        return html.append("</body></html>\n").toString();
    }

    private static void value(StringBuilder html, Object value) {
        if (value instanceof Map<?, ?> map) {
            html.append("<table>");
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                row(html, entry.getKey(), entry.getValue());
            }
            html.append("</table>");
        } else if (value instanceof Collection<?> list) {
            html.append("<ul>");
            for (Object item : list) {
                html.append("<li>");
                value(html, item);
                html.append("</li>");
            }
            html.append("</ul>");
        } else {
            html.append(escape(value));
        }
    }

    private static void row(StringBuilder html, Object key, Object value) {
        html.append("<tr><th>").append(escape(key)).append("</th><td>");
        value(html, value);
        html.append("</td></tr>");
    }

    static String escape(Object value) {
        String text = String.valueOf(value);
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
