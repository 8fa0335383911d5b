package io.tollgate.alerting;

import io.tollgate.mail.MailSender;
import io.tollgate.observability.Metrics;
import io.tollgate.settings.SecuritySettings.AlertingSettings;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries an alert from detection to people (ADR 0042): the tenant's window decides
 * whether it is new ({@link AlertDeduplicator}); a new CRITICAL alert mails every administrator,
 * a HIGH one the security contacts (or the administrators), a MEDIUM one waits for the daily
 * digest; then, when the tenant has a SIEM webhook, the alert is forwarded signed. A mail that
 * fails undoes the admission and is thrown, so the stream record is retried and mails then; a
 * SIEM that fails is logged and counted ({@code SiemForwardFailures}, alarmed), never retried
 * through the stream, so a third party's outage cannot hold up detection.
 */
public final class AlertDispatcher implements AlertSink {

    private static final Logger LOG = LoggerFactory.getLogger(AlertDispatcher.class);

    /** What became of one alert. */
    public record Outcome(AlertRoute route, Admission.Verdict verdict, List<String> recipients,
            Optional<SiemForwarder.Result> siem) {

        public Outcome {
            recipients = List.copyOf(recipients);
        }

        @Override
        public String toString() {
            return "Outcome[route=" + route + ", verdict=" + verdict + ", recipients=" + recipients.size()
                    + ", siem=" + siem + "]";
        }
    }

    private final AlertDirectory directory;
    private final AlertDeduplicator deduplicator;
    private final AlertDigestStore digest;
    private final MailSender mail;
    private final SiemForwarder siem;
    private final Metrics metrics;
    private final Clock clock;

    public AlertDispatcher(AlertDirectory directory, AlertDeduplicator deduplicator, AlertDigestStore digest,
            MailSender mail, SiemForwarder siem, Metrics metrics, Clock clock) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.deduplicator = Objects.requireNonNull(deduplicator, "deduplicator");
        this.digest = Objects.requireNonNull(digest, "digest");
        this.mail = Objects.requireNonNull(mail, "mail");
        this.siem = Objects.requireNonNull(siem, "siem");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void alert(Alert alert) {
        dispatch(alert);
    }

    public Outcome dispatch(Alert alert) {
        AlertRoute route = AlertRoute.of(alert.severity());
        if (route == AlertRoute.NONE) {
            return new Outcome(route, Admission.Verdict.SUPPRESSED, List.of(), Optional.empty());
        }
        AlertingSettings settings = directory.settings(alert.tenantId()).orElse(AlertingSettings.defaults());
        Admission admission = deduplicator.admit(alert, settings.dedupWindow());
        if (!admission.send()) {
            count(route, admission.verdict().name());
            return new Outcome(route, admission.verdict(), List.of(), Optional.empty());
        }
        List<String> recipients;
        try {
            if (route == AlertRoute.DAILY_DIGEST) {
                digest.add(alert, admission.suppressedBefore(), clock.instant());
                recipients = List.of();
            } else {
                recipients = route.recipients(settings.securityContacts(),
                        route == AlertRoute.ALL_ADMINISTRATORS || settings.securityContacts().isEmpty()
                                ? directory.administratorAddresses(alert.tenantId()) : List.of());
                for (String to : recipients) {
                    mail.send(AlertMail.alert(to, alert, admission, settings.dedupWindow()));
                }
                if (recipients.isEmpty()) {
                    LOG.warn("alert has no recipient: tenant={} kind={} severity={}", alert.tenantId(), alert.kind(),
                            alert.severity());
                    count(route, "NO_RECIPIENT");
                }
            }
        } catch (RuntimeException e) {
            deduplicator.release(alert, admission);
            throw e;
        }
        count(route, admission.verdict().name());
        Optional<SiemForwarder.Result> forwarded = settings.siemWebhook()
                .map(url -> siem.forward(alert.tenantId(), url, alert.wire(admission.suppressedBefore())));
        forwarded.filter(result -> result != SiemForwarder.Result.DELIVERED).ifPresent(failed ->
                metrics.put(Map.of("Service", "alerting"),
                        Map.of("SiemForwardFailures", Metrics.Measurement.count(1))));
        return new Outcome(route, admission.verdict(), recipients, forwarded);
    }

    private void count(AlertRoute route, String verdict) {
        metrics.put(Map.of("Service", "alerting", "Route", route.name(), "Verdict", verdict),
                Map.of("Alerts", Metrics.Measurement.count(1)));
    }
}
