package io.tollgate.audit.report;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The human-readable rendering of a compliance report ({@code Accept: text/html}), a document an
 * auditor can file or print to PDF: the period and overall verdict, a summary table (each control,
 * its status and the figures behind it) with the recommendations, the chain verification with the
 * signed digests that prove it, the events per day as an inline SVG bar chart, then each control's
 * figures under human labels.
 *
 * <p>Same figures as the JSON. Every value is HTML-escaped (tenant ids, rule ids, request types
 * are tenant-controlled). No script, no external resource; the only style is the inline
 * {@link #STYLE} block, allowed by the response's CSP through its hash ({@link #styleHash()},
 * docs/adr/0070-compliance-report-document.md), with print rules for A4.
 */
public final class ComplianceReportHtml {

    /** The style sheet, inlined; its CSP hash is {@link #styleHash()}, so it must not vary per report. */
    public static final String STYLE = """
            :root{--ink:#1c2430;--muted:#5b6675;--rule:#d5dbe3;--brand:#12355b;--ok:#1e7a46;--warn:#a86400;\
            --bad:#b3261e;--none:#6b7280}
            *{box-sizing:border-box}
            body{margin:0;background:#eef1f5;color:var(--ink);font:14px/1.5 "Helvetica Neue",Arial,"Liberation Sans",sans-serif}
            main{max-width:900px;margin:24px auto;background:#fff;padding:0 0 32px;box-shadow:0 1px 4px rgba(0,0,0,.12)}
            main>section,main>footer{padding:0 40px}
            .cover{background:var(--brand);color:#fff;padding:28px 40px 24px;margin-bottom:8px}
            .kicker{margin:0;text-transform:uppercase;letter-spacing:.08em;font-size:12px;opacity:.8}
            h1{margin:4px 0 16px;font-size:26px;font-weight:600}
            h2{font-size:18px;margin:28px 0 10px;padding-bottom:4px;border-bottom:2px solid var(--brand);color:var(--brand)}
            h3{font-size:15px;margin:20px 0 6px}
            .meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:0}
            .meta dt{opacity:.8}.meta dd{margin:0;font-weight:600}
            .overall{margin:16px 0 0;font-size:15px}
            table{border-collapse:collapse;width:100%;margin:6px 0}
            th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid var(--rule)}
            thead th{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);border-bottom:2px solid var(--rule)}
            td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
            table.figures th{font-weight:400;color:var(--muted);width:55%}
            .badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff;\
            white-space:nowrap;print-color-adjust:exact;-webkit-print-color-adjust:exact}
            .s-compliant{background:var(--ok)}.s-attention{background:var(--warn)}.s-non_compliant{background:var(--bad)}\
            .s-no_evidence{background:var(--none)}
            .cover .badge{font-size:14px;padding:2px 10px}
            .ref{color:var(--muted);font-size:12px;margin:0}
            ul.key{margin:0;padding:0;list-style:none}
            code{font:12px/1.4 "DejaVu Sans Mono",Menlo,Consolas,monospace;background:#f3f5f8;padding:0 3px;overflow-wrap:anywhere}
            .verdict{font-weight:600}.verdict.valid{color:var(--ok)}.verdict.broken{color:var(--bad)}
            svg{display:block;width:100%;height:auto}
            .chart text{font-size:11px;fill:var(--muted)}
            .control{break-inside:avoid}
            footer{margin-top:28px;color:var(--muted);font-size:12px}
            @page{size:A4;margin:16mm 14mm 18mm}
            @media print{
            body{background:#fff;font-size:10pt}
            main{max-width:none;margin:0;box-shadow:none;padding:0}
            main>section,main>footer{padding:0}
            .cover{background:none;color:var(--ink);padding:0 0 10px;border-bottom:2pt solid var(--brand)}
            h2{break-after:avoid}h3{break-after:avoid}
            th,td{padding:3px 6px}h2{margin:18px 0 6px}h3{margin:12px 0 4px}
            thead{display:table-header-group}tr{break-inside:avoid}
            .chain,.activity{break-inside:avoid}
            ul.key li{display:inline}ul.key li+li::before{content:" \\00B7 "}
            }
            """;

    private static final Map<String, String> STANDARDS = Map.of("gdpr", "GDPR", "sox", "SOX (IT general controls)",
            "pci", "PCI DSS v4.0", "iso27001", "ISO/IEC 27001:2022", "soc2", "SOC 2");

    private static final Map<String, String> STATUSES = Map.of("compliant", "Compliant", "attention", "Needs attention",
            "non_compliant", "Not compliant", "no_evidence", "No evidence in period");

    private static final Map<String, String> SECTIONS = Map.ofEntries(Map.entry("authentication", "Authentication"),
            Map.entry("failed_and_locked", "Failed logins and lockouts"), Map.entry("mfa_coverage", "MFA coverage"),
            Map.entry("privileged_actions", "Privileged actions"), Map.entry("role_changes", "Role changes"),
            Map.entry("key_rotations", "Signing-key rotation"), Map.entry("retention", "Retention and deletion"),
            Map.entry("data_subject_requests", "Data-subject requests"), Map.entry("open_alerts", "Security alerts"),
            Map.entry("data_access", "Access to audit data"), Map.entry("audit_chain", "Audit trail integrity"),
            Map.entry("consent", "Consent"));

    /** The figures shown in the summary, per section (all of them are in the details). */
    private static final Map<String, List<String>> KEY_FIGURES = Map.ofEntries(
            Map.entry("authentication", List.of("logins_succeeded", "logins_failed", "distinct_users_signed_in")),
            Map.entry("failed_and_locked", List.of("failed_logins", "accounts_locked", "ips_blocked")),
            Map.entry("mfa_coverage", List.of("coverage_percent", "users_with_mfa", "active_users")),
            Map.entry("privileged_actions", List.of("total", "denied")),
            Map.entry("role_changes", List.of("role_changes", "privilege_escalation_attempts")),
            Map.entry("key_rotations", List.of("signing_key_rotations")),
            Map.entry("retention", List.of("runs", "retention_changes", "legal_hold_changes")),
            Map.entry("data_subject_requests", List.of("received", "completed_late", "open_overdue")),
            Map.entry("open_alerts", List.of("alerts", "open")),
            Map.entry("data_access", List.of("total", "data_query", "report_generation", "data_export")),
            Map.entry("audit_chain", List.of("valid", "events_checked", "proving_digests")),
            Map.entry("consent", List.of("granted", "withdrawn")));

    private static final Map<String, String> FIGURES = Map.ofEntries(Map.entry("logins_succeeded", "Successful logins"),
            Map.entry("logins_failed", "Failed logins"), Map.entry("distinct_users_signed_in", "Distinct users signed in"),
            Map.entry("mfa_verified", "Second factors verified"), Map.entry("mfa_failed", "Second factors failed"),
            Map.entry("token_reuse_detected", "Refresh-token reuse detected"), Map.entry("failed_logins", "Failed logins"),
            Map.entry("accounts_locked", "Accounts locked"), Map.entry("ips_blocked", "Addresses blocked"),
            Map.entry("accounts_unlocked", "Accounts unlocked"), Map.entry("active_users", "Active users"),
            Map.entry("users_with_mfa", "Users with a second factor"), Map.entry("coverage_percent", "Coverage (%)"),
            Map.entry("total", "Total"), Map.entry("by_type", "By type"), Map.entry("denied", "Denied or failed"),
            Map.entry("role_changes", "Role changes"),
            Map.entry("privilege_escalation_attempts", "Privilege escalation attempts"),
            Map.entry("signing_key_rotations", "Signing-key rotations"), Map.entry("runs", "Retention runs"),
            Map.entry("purged_by_class", "Records purged, by data class"),
            Map.entry("retention_changes", "Retention policy changes"), Map.entry("legal_hold_changes", "Legal hold changes"),
            Map.entry("received", "Requests received"), Map.entry("completed_on_time", "Completed on time"),
            Map.entry("completed_late", "Completed late"), Map.entry("refused", "Refused"), Map.entry("open", "Open"),
            Map.entry("open_overdue", "Open and overdue"), Map.entry("alerts", "Alerts raised"),
            Map.entry("by_severity", "By severity"), Map.entry("by_rule", "By rule"),
            Map.entry("data_query", "Searches and verifications"), Map.entry("report_generation", "Reports generated"),
            Map.entry("data_export", "Data exports"), Map.entry("valid", "Chain intact"),
            Map.entry("events_checked", "Events verified"), Map.entry("events_purged", "Positions purged by retention"),
            Map.entry("from_seq", "First position"), Map.entry("to_seq", "Last position"),
            Map.entry("digests_checked", "Signed digests checked"), Map.entry("proving_digests", "Proving digests"),
            Map.entry("broken_at", "Broken at position"), Map.entry("reason", "Reason"),
            Map.entry("granted", "Consents granted"), Map.entry("withdrawn", "Consents withdrawn"));

    private static final String STYLE_HASH = "sha256-" + Base64.getEncoder().encodeToString(sha256(STYLE));

    private ComplianceReportHtml() {
    }

    /** The CSP source that allows {@link #STYLE} and nothing else: {@code sha256-<base64>}. */
    public static String styleHash() {
        return STYLE_HASH;
    }

    public static String render(Map<String, Object> report) {
        StringBuilder html = new StringBuilder(16_384);
        String standard = STANDARDS.getOrDefault(String.valueOf(report.get("standard")), String.valueOf(report.get("standard")));
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>").append(escape(standard)).append(" compliance report - ")
                .append(escape(report.get("tenant"))).append("</title><style>").append(STYLE).append("</style></head>\n")
                .append("<body><main>\n");
        cover(html, report, standard);
        Map<?, ?> sections = report.get("sections") instanceof Map<?, ?> map ? map : Map.of();
        summary(html, sections, report.get("recommendations"));
        chain(html, sections);
        EventsChart.append(html, report.get("events_per_day"));
        details(html, sections);
        html.append("<footer><p>Generated by Tollgate at ").append(escape(report.get("generated_at")))
                .append(" from the tenant's audit chain. Figures are counts only; no event content or user id is included.")
                .append(" The JSON form of this report (<code>Accept: application/json</code>) carries the same figures.</p>")
                .append("</footer>\n</main></body></html>\n");
        return html.toString();
    }

    private static void cover(StringBuilder html, Map<String, Object> report, String standard) {
        html.append("<header class=\"cover\"><p class=\"kicker\">Compliance evidence report</p><h1>")
                .append(escape(standard)).append("</h1>\n<dl class=\"meta\">");
        term(html, "Tenant", report.get("tenant"));
        term(html, "Period", report.get("from") + " to " + report.get("to"));
        term(html, "Generated", report.get("generated_at"));
        term(html, "Events in period", formatted(report.get("events_in_range")));
        term(html, "Event tally", Boolean.TRUE.equals(report.get("truncated"))
                ? "truncated at " + ComplianceReporter.MAX_EVENTS + " events: narrow the period" : "complete");
        html.append("</dl>\n");
        if (report.get("compliance_status") instanceof Map<?, ?> status) {
            html.append("<p class=\"overall\">Overall: ");
            badge(html, status.get("overall"));
            html.append(" &nbsp;").append(escape(formatted(status.get("controls_compliant")))).append(" of ")
                    .append(escape(formatted(status.get("controls_assessed")))).append(" controls compliant</p>\n");
        }
        html.append("</header>\n");
    }

    private static void term(StringBuilder html, String label, Object value) {
        html.append("<dt>").append(label).append("</dt><dd>").append(escape(value)).append("</dd>");
    }

    private static void summary(StringBuilder html, Map<?, ?> sections, Object recommendations) {
        html.append("<section class=\"summary\"><h2>Summary</h2>\n<table><thead><tr><th>Area</th><th>Control</th>")
                .append("<th>Status</th><th>Figures</th></tr></thead><tbody>\n");
        for (Map.Entry<?, ?> entry : sections.entrySet()) {
            if (!(entry.getValue() instanceof Map<?, ?> section)) {
                continue;
            }
            String name = String.valueOf(entry.getKey());
            html.append("<tr><td>").append(escape(SECTIONS.getOrDefault(name, humanized(name)))).append("</td><td>")
                    .append(escape(section.get("controls"))).append("</td><td>");
            badge(html, section.get("compliance_status"));
            html.append("</td><td><ul class=\"key\">");
            Map<?, ?> figures = section.get("figures") instanceof Map<?, ?> map ? map : Map.of();
            for (String key : KEY_FIGURES.getOrDefault(name, List.of())) {
                if (figures.containsKey(key)) {
                    html.append("<li>").append(escape(label(key))).append(": <strong>");
                    value(html, figures.get(key));
                    html.append("</strong></li>");
                }
            }
            html.append("</ul></td></tr>\n");
        }
        html.append("</tbody></table>\n<h3>Recommendations</h3>\n");
        if (recommendations instanceof Collection<?> list && !list.isEmpty()) {
            html.append("<ol>");
            for (Object item : list) {
                html.append("<li>").append(escape(item)).append("</li>");
            }
            html.append("</ol>\n");
        } else {
            html.append("<p>None: every control assessed is compliant or has no activity in the period.</p>\n");
        }
        html.append("</section>\n");
    }

    private static void chain(StringBuilder html, Map<?, ?> sections) {
        if (!(sections.get("audit_chain") instanceof Map<?, ?> section)
                || !(section.get("figures") instanceof Map<?, ?> chain)) {
            return;
        }
        boolean valid = Boolean.TRUE.equals(chain.get("valid"));
        html.append("<section class=\"chain\"><h2>Audit trail verification</h2>\n<p class=\"verdict ")
                .append(valid ? "valid" : "broken").append("\">");
        if (valid) {
            html.append("The hash chain of the period is intact: positions ").append(escape(chain.get("from_seq")))
                    .append(" to ").append(escape(chain.get("to_seq"))).append(" were recomputed and match the signed digests.");
        } else {
            html.append("The hash chain is broken at position ").append(escape(chain.get("broken_at"))).append(" (")
                    .append(escape(humanized(String.valueOf(chain.get("reason"))))).append(").");
        }
        html.append("</p>\n<table class=\"figures\"><tbody>");
        for (String key : List.of("events_checked", "events_purged", "digests_checked", "proving_digests")) {
            if (chain.containsKey(key)) {
                row(html, key, chain.get(key));
            }
        }
        html.append("</tbody></table>\n<p class=\"ref\">A proving digest is a signed checkpoint of the chain head ")
                .append("(<code>./tollgate audit verify</code> re-checks its signature and the chain); ")
                .append("the first anchors the start of the period, the others seal positions within it.</p></section>\n");
    }

    private static void details(StringBuilder html, Map<?, ?> sections) {
        html.append("<section class=\"details\"><h2>Details per control</h2>\n");
        for (Map.Entry<?, ?> entry : sections.entrySet()) {
            if (!(entry.getValue() instanceof Map<?, ?> section)) {
                continue;
            }
            String name = String.valueOf(entry.getKey());
            html.append("<article class=\"control\"><h3>").append(escape(SECTIONS.getOrDefault(name, humanized(name))))
                    .append(' ');
            badge(html, section.get("compliance_status"));
            html.append("</h3><p class=\"ref\">Evidence for: ").append(escape(section.get("controls"))).append("</p>\n")
                    .append("<table class=\"figures\"><tbody>");
            if (section.get("figures") instanceof Map<?, ?> figures) {
                for (Map.Entry<?, ?> figure : new java.util.TreeMap<>(stringKeys(figures)).entrySet()) {
                    row(html, figure.getKey(), figure.getValue());
                }
            }
            html.append("</tbody></table>");
            if (section.get("recommendations") instanceof Collection<?> advice && !advice.isEmpty()) {
                html.append("<ul>");
                for (Object item : advice) {
                    html.append("<li>").append(escape(item)).append("</li>");
                }
                html.append("</ul>");
            }
            html.append("</article>\n");
        }
        html.append("</section>\n");
    }

    private static Map<String, Object> stringKeys(Map<?, ?> map) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    private static void badge(StringBuilder html, Object status) {
        String wire = String.valueOf(status);
        String css = STATUSES.containsKey(wire) ? wire : "no_evidence";
        html.append("<span class=\"badge s-").append(css).append("\">")
                .append(escape(STATUSES.getOrDefault(wire, humanized(wire)))).append("</span>");
    }

    private static void row(StringBuilder html, Object key, Object value) {
        html.append("<tr><th>").append(escape(label(String.valueOf(key)))).append("</th>");
        html.append(value instanceof Map<?, ?> ? "<td>" : "<td class=\"num\">");
        value(html, value);
        html.append("</td></tr>");
    }

    /** Scalars formatted; lists comma-separated; maps (tenant-controlled keys: types, rules, classes) as code rows. */
    private static void value(StringBuilder html, Object value) {
        if (value instanceof Map<?, ?> map) {
            if (map.isEmpty()) {
                html.append("none");
                return;
            }
            html.append("<table><tbody>");
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                html.append("<tr><td><code>").append(escape(entry.getKey())).append("</code></td><td class=\"num\">");
                value(html, entry.getValue());
                html.append("</td></tr>");
            }
            html.append("</tbody></table>");
        } else if (value instanceof Collection<?> list) {
            if (list.isEmpty()) {
                html.append("none");
            }
            String separator = "";
            for (Object item : list) {
                html.append(separator);
                value(html, item);
                separator = ", ";
            }
        } else if (value instanceof Boolean flag) {
            html.append(flag ? "yes" : "no");
        } else {
            html.append(escape(formatted(value)));
        }
    }

    private static String formatted(Object value) {
        if (value instanceof Long || value instanceof Integer) {
            return String.format(Locale.ROOT, "%,d", ((Number) value).longValue());
        }
        return String.valueOf(value);
    }

    private static String label(String key) {
        return FIGURES.getOrDefault(key, humanized(key));
    }

    /** {@code snake_case} to "Snake case", for keys without a label. */
    static String humanized(String key) {
        String words = key.replace('_', ' ').trim();
        return words.isEmpty() ? words : Character.toUpperCase(words.charAt(0)) + words.substring(1);
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

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is a required JDK algorithm", e);
        }
    }
}
