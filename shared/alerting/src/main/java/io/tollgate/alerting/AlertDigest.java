package io.tollgate.alerting;

import io.tollgate.mail.MailSender;
import io.tollgate.settings.SecuritySettings.AlertingSettings;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daily MEDIUM digest (seed 001 routing, ADR 0042): for each of the last {@link #LOOKBACK_DAYS}
 * UTC days before today, every tenant with unsent entries gets one mail per recipient (security
 * contacts, or the administrators) listing the day's alerts, and its digest is marked sent. A
 * digest is claimed before it is mailed (conditional write), so two runs never both send it; a
 * digest whose mail fails is given back and the run ends with an error after the other tenants,
 * so the scheduler's retry sends the rest. A day missed by a failed run is sent by the next one.
 */
public final class AlertDigest {

    private static final Logger LOG = LoggerFactory.getLogger(AlertDigest.class);
    /** Days looked back for unsent digests (the entries themselves are kept 30 days). */
    public static final int LOOKBACK_DAYS = 7;

    /** What one run did: counts only. */
    public record Report(List<String> days, int digests, int alerts, int mails, int failed, int withoutRecipient) {

        public Report {
            days = List.copyOf(days);
        }

        public Map<String, Object> wire() {
            return Map.of("days", days, "digests", digests, "alerts", alerts, "mails", mails, "failed", failed,
                    "without_recipient", withoutRecipient);
        }
    }

    private final AlertDigestStore store;
    private final AlertDirectory directory;
    private final MailSender mail;
    private final Clock clock;

    public AlertDigest(AlertDigestStore store, AlertDirectory directory, MailSender mail, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.mail = Objects.requireNonNull(mail, "mail");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public Report run() {
        Instant now = clock.instant();
        LocalDate today = AlertDigestStore.dayOf(now);
        List<String> days = new java.util.ArrayList<>();
        int digests = 0;
        int alerts = 0;
        int mails = 0;
        int failed = 0;
        int withoutRecipient = 0;
        for (int back = LOOKBACK_DAYS; back >= 1; back--) {
            LocalDate day = today.minusDays(back);
            days.add(day.toString());
            for (String tenant : store.unsentTenants(day)) {
                if (!store.claim(tenant, day, now)) {
                    continue;
                }
                List<Map<String, Object>> entries = store.entries(tenant, day);
                AlertingSettings settings = directory.settings(tenant).orElse(AlertingSettings.defaults());
                List<String> recipients = AlertRoute.DAILY_DIGEST.recipients(settings.securityContacts(),
                        settings.securityContacts().isEmpty() ? directory.administratorAddresses(tenant) : List.of());
                try {
                    for (String to : recipients) {
                        mail.send(AlertMail.digest(to, tenant, day, entries));
                        mails++;
                    }
                } catch (MailSender.MailUnavailableException e) {
                    store.unclaim(tenant, day);
                    failed++;
                    LOG.warn("digest mail failed tenant={} day={}: {}", tenant, day, e.getMessage());
                    continue;
                }
                if (recipients.isEmpty()) {
                    withoutRecipient++;
                    LOG.warn("digest has no recipient tenant={} day={}", tenant, day);
                }
                store.markSent(tenant, day, entries.size(), recipients.size(), now);
                digests++;
                alerts += entries.size();
            }
        }
        Report report = new Report(days, digests, alerts, mails, failed, withoutRecipient);
        if (failed > 0) {
            throw new IllegalStateException("The digest mail of " + failed + " tenant(s) failed; they stay pending");
        }
        return report;
    }
}
