package io.tollgate.alerting;

import io.tollgate.mail.MailMessage;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The plain-text mails of alerting (ADR 0042): one alert (what happened, the evidence, the action
 * taken, where to read more, how many repeats were held back) and the daily MEDIUM digest. Only
 * alert fields go in, and those never hold a secret.
 */
final class AlertMail {

    /** A digest lists at most this many alerts and says how many more there were. */
    static final int DIGEST_LISTED = 200;

    private AlertMail() {
    }

    static MailMessage alert(String to, Alert alert, Admission admission, Duration window) {
        String subject = "[Tollgate " + alert.severity() + "] " + alert.title() + " - tenant " + alert.tenantId();
        StringBuilder text = new StringBuilder();
        text.append("Tollgate security alert\n\n");
        line(text, "Tenant", alert.tenantId());
        line(text, "Severity", alert.severity().name());
        line(text, "What", alert.title());
        line(text, "Kind", alert.kind());
        line(text, "Subject", alert.subject());
        line(text, "When", alert.occurredAt().toString());
        text.append("\nEvidence\n");
        alert.evidence().forEach((name, value) -> text.append("  ").append(name).append(": ").append(value).append('\n'));
        text.append('\n');
        line(text, "Action taken", alert.actionTaken());
        if (alert.fromDecision()) {
            line(text, "Decision", alert.referenceId() + "  (./tollgate explain " + alert.referenceId() + ")");
        } else {
            line(text, "Audit event", alert.referenceId());
        }
        text.append('\n');
        if (admission.suppressedBefore() > 0) {
            text.append(String.format(Locale.ROOT, "Suppressed repeats: %,d (alerts of this kind on this subject that "
                    + "were counted, not mailed%s).%n", admission.suppressedBefore(),
                    admission.previousWindowOpenedAt().map(at -> " since " + at).orElse("")));
        }
        text.append("Repeats of this alert within the next ").append(minutes(window))
                .append(" are counted and reported in the next mail, not mailed one by one.\n");
        return new MailMessage(to, subject, text.toString());
    }

    static MailMessage digest(String to, String tenantId, LocalDate day, List<Map<String, Object>> entries) {
        String subject = "[Tollgate] Daily security digest " + day + " - tenant " + tenantId + ": " + entries.size()
                + (entries.size() == 1 ? " alert" : " alerts");
        StringBuilder text = new StringBuilder();
        text.append("Tollgate daily security digest (MEDIUM alerts)\n\n");
        line(text, "Tenant", tenantId);
        line(text, "Day (UTC)", day.toString());
        line(text, "Alerts", Integer.toString(entries.size()));
        text.append('\n');
        entries.stream().limit(DIGEST_LISTED).forEach(entry -> {
            text.append("- ").append(entry.get("occurred_at")).append("  ").append(entry.get("title")).append('\n');
            text.append("    kind ").append(entry.get("kind")).append(", subject ").append(entry.get("subject")).append('\n');
            Object evidence = entry.get("evidence");
            if (evidence instanceof Map<?, ?> figures && !figures.isEmpty()) {
                text.append("    evidence ").append(figures).append('\n');
            }
            text.append("    action: ").append(entry.get("action_taken")).append("; reference ")
                    .append(entry.get("reference")).append('\n');
            Object suppressed = entry.get("suppressed_repeats");
            if (suppressed instanceof Number count && count.longValue() > 0) {
                text.append(String.format(Locale.ROOT, "    suppressed repeats before it: %,d%n", count.longValue()));
            }
        });
        if (entries.size() > DIGEST_LISTED) {
            text.append("... and ").append(entries.size() - DIGEST_LISTED).append(" more (see the audit trail).\n");
        }
        return new MailMessage(to, subject, text.toString());
    }

    private static void line(StringBuilder text, String label, String value) {
        text.append(String.format(Locale.ROOT, "%-13s %s%n", label + ":", value));
    }

    private static String minutes(Duration window) {
        long minutes = window.toMinutes();
        return minutes == 1 ? "minute" : minutes + " minutes";
    }
}
