package io.tollgate.alerting;

import io.tollgate.audit.AuditSeverity;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One security alert (ADR 0042): what happened to which tenant, how severe, the figures
 * that show it, what Tollgate did about it and where to read more. {@code kind} and
 * {@code subject} together are what deduplication counts as "the same alert": a detection rule id
 * and its subject ({@code ip:203.0.113.7}), or {@code audit:<event type>} for a HIGH or CRITICAL
 * audit event. An alert never carries a secret: its evidence is a rule's input figures and
 * thresholds or an audit event's plain fields, never {@code additional_data}.
 *
 * @param reference {@code decision:<id>} (a detection decision, {@code ./tollgate explain}) or
 *                  {@code event:<id>} (an audit event)
 */
public record Alert(String tenantId, String kind, String subject, AuditSeverity severity, String title,
        Map<String, Object> evidence, String actionTaken, String reference, Instant occurredAt) {

    /** Longest kind, subject, title or action text kept (longer ones are cut). */
    static final int MAX_TEXT = 200;

    public Alert {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(occurredAt, "occurredAt");
        kind = text(kind, "kind");
        subject = text(subject, "subject");
        title = text(title, "title");
        actionTaken = text(actionTaken, "actionTaken");
        if (tenantId.isBlank() || reference.isBlank()) {
            throw new IllegalArgumentException("An alert names its tenant and its reference");
        }
        evidence = Collections.unmodifiableMap(new LinkedHashMap<>(evidence == null ? Map.of() : evidence));
    }

    /**
     * The alert of a detection decision (ADR 0020): evidence is the input figures the rule saw,
     * then its thresholds ({@code threshold.<name>}), each in name order.
     */
    public static Alert forDecision(String tenantId, String ruleId, int ruleVersion, String subject, String severity,
            Map<String, Object> inputs, Map<String, Object> thresholds, String actionTaken, String decisionId,
            Instant decidedAt) {
        Map<String, Object> evidence = new LinkedHashMap<>(new TreeMap<>(inputs));
        new TreeMap<>(thresholds).forEach((name, value) -> evidence.put("threshold." + name, value));
        evidence.put("rule_version", ruleVersion);
        return new Alert(tenantId, ruleId, subject, AuditSeverity.valueOf(severity),
                ruleId + " on " + subject, evidence, actionTaken, "decision:" + decisionId, decidedAt);
    }

    /** The decision id or event id, without its kind. */
    public String referenceId() {
        int colon = reference.indexOf(':');
        return colon < 0 ? reference : reference.substring(colon + 1);
    }

    /** True when the reference is a detection decision ({@code ./tollgate explain} prints it). */
    public boolean fromDecision() {
        return reference.startsWith("decision:");
    }

    /** The JSON form (SIEM body, digest entry): snake_case, instants as ISO-8601. */
    public Map<String, Object> wire(long suppressedRepeats) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tenant_id", tenantId);
        out.put("kind", kind);
        out.put("subject", subject);
        out.put("severity", severity.name());
        out.put("title", title);
        out.put("evidence", evidence);
        out.put("action_taken", actionTaken);
        out.put("reference", reference);
        out.put("occurred_at", occurredAt.toString());
        out.put("suppressed_repeats", suppressedRepeats);
        return out;
    }

    /** Control characters become spaces (a title ends up in a mail header), long texts are cut. */
    private static String text(String value, String name) {
        Objects.requireNonNull(value, name);
        String clean = value.replaceAll("\\p{Cntrl}", " ").strip();
        if (clean.isEmpty()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return clean.length() > MAX_TEXT ? clean.substring(0, MAX_TEXT) : clean;
    }
}
