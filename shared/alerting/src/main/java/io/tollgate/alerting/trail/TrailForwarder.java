package io.tollgate.alerting.trail;

import io.tollgate.administration.AdministrationRepository;
import io.tollgate.alerting.AlertDirectory;
import io.tollgate.alerting.AlertingConfig;
import io.tollgate.alerting.AlertingServices;
import io.tollgate.audit.platform.AuditServices;
import io.tollgate.platform.TollgateServices;
import io.tollgate.alerting.SiemForwarder;
import io.tollgate.audit.chain.AuditChainStore;
import io.tollgate.audit.chain.StoredLink;
import io.tollgate.observability.Metrics;
import io.tollgate.settings.SecuritySettings.AlertingSettings;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards every chained event of each opted-in tenant ({@code alerting.siemForwardAll}) to its
 * SIEM webhook in OCSF (docs/adr/0069): per tenant, under the {@link TrailCursor} lease, it reads
 * the chain from the cursor on (strongly consistent, position order), sends batches of at most
 * {@link #BATCH} events as one signed JSON array ({@link SiemForwarder}, same headers as alerts)
 * and moves the cursor only after a 2xx. A failed send stops that tenant's run with the cursor
 * where it was: the next run sends the same events again (at-least-once, in order, nothing
 * skipped). A run stops taking new batches once {@code budget} has passed, so it ends before the
 * function's timeout and before its lease expires.
 */
public final class TrailForwarder {

    private static final Logger LOG = LoggerFactory.getLogger(TrailForwarder.class);
    /** Events per request. */
    public static final int BATCH = 50;

    /** What one run did. */
    public record RunReport(int tenants, int forwarded, int failed, int busy) {
        public Map<String, Object> wire() {
            Map<String, Object> wire = new LinkedHashMap<>();
            wire.put("tenants", tenants);
            wire.put("forwarded", forwarded);
            wire.put("failed", failed);
            wire.put("busy", busy);
            return wire;
        }
    }

    private enum Outcome { DONE, FAILED, BUSY }

    private final AuditChainStore chain;
    private final AlertDirectory directory;
    private final TrailCursor cursor;
    private final SiemForwarder siem;
    private final Metrics metrics;
    private final Clock clock;
    private final SecureRandom random;
    private final Duration budget;

    public TrailForwarder(AuditChainStore chain, AlertDirectory directory, TrailCursor cursor, SiemForwarder siem,
            Metrics metrics, Clock clock, SecureRandom random, Duration budget) {
        this.chain = Objects.requireNonNull(chain, "chain");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.cursor = Objects.requireNonNull(cursor, "cursor");
        this.siem = Objects.requireNonNull(siem, "siem");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.budget = Objects.requireNonNull(budget, "budget");
    }

    /** How long a run takes new batches (the function's timeout is longer). */
    public static final Duration RUN_BUDGET = Duration.ofSeconds(50);
    /** How long a claimed cursor stays this run's without progress (longer than a run, a send's retries included). */
    public static final Duration LEASE = Duration.ofMinutes(2);

    /** The forwarder of a container: the chain of {@code audit}, the settings, cursors and SIEM client of its platform. */
    public static TrailForwarder from(AuditServices audit) {
        TollgateServices services = audit.platform();
        return new TrailForwarder(audit.chains(), new AlertDirectory(AdministrationRepository.of(services), services.clock()),
                new TrailCursor(services.dynamoDb(), services.config().tables().security(), LEASE),
                AlertingServices.siemForwarder(services, AlertingConfig.fromEnvironment(System.getenv()),
                        SiemForwarder.Sleeper.system()), services.metrics(), services.clock(), services.random(), RUN_BUDGET);
    }

    /** One scheduled run over every tenant with a chain. */
    public RunReport run() {
        Instant deadline = clock.instant().plus(budget);
        int tenants = 0;
        int forwarded = 0;
        int failed = 0;
        int busy = 0;
        for (String tenantId : chain.tenants()) {
            Optional<URI> webhook = directory.settings(tenantId).flatMap(AlertingSettings::trailWebhook);
            if (webhook.isEmpty()) {
                continue;
            }
            tenants++;
            int[] sent = new int[1];
            Outcome outcome = forwardTenant(tenantId, webhook.get(), deadline, sent);
            forwarded += sent[0];
            if (outcome == Outcome.FAILED) {
                failed++;
                metrics.put(Map.of("Service", "alerting"), Map.of("SiemTrailForwardFailures", Metrics.Measurement.count(1)));
            } else if (outcome == Outcome.BUSY) {
                busy++;
            }
        }
        return new RunReport(tenants, forwarded, failed, busy);
    }

    private Outcome forwardTenant(String tenantId, URI webhook, Instant deadline, int[] sent) {
        Optional<TrailCursor.Lease> claimed = cursor.claim(tenantId, token(), clock.instant());
        if (claimed.isEmpty()) {
            return Outcome.BUSY;
        }
        TrailCursor.Lease lease = claimed.get();
        try {
            long head = chain.readHead(tenantId).seq();
            while (lease.seq() < head && clock.instant().isBefore(deadline)) {
                List<StoredLink> links = new ArrayList<>();
                chain.forEachLink(tenantId, lease.seq() + 1, Math.min(head, lease.seq() + BATCH), links::add);
                TrailBatch batch = TrailBatch.after(lease.seq(), links);
                if (!batch.advances(lease.seq())) {
                    LOG.warn("SIEM trail forward found no link after its cursor tenant={} seq={}", tenantId, lease.seq());
                    return Outcome.FAILED;
                }
                if (!batch.events().isEmpty()) {
                    SiemForwarder.Result result = siem.forward(tenantId, webhook, batch.events());
                    if (result != SiemForwarder.Result.DELIVERED) {
                        LOG.warn("SIEM trail forward stopped tenant={} result={} seq={}", tenantId, result, lease.seq());
                        return Outcome.FAILED;
                    }
                    sent[0] += batch.events().size();
                }
                Optional<TrailCursor.Lease> advanced = cursor.advance(lease, batch.lastSeq(), clock.instant());
                if (advanced.isEmpty()) {
                    LOG.warn("SIEM trail forward lost its lease tenant={}", tenantId);
                    return Outcome.BUSY;
                }
                lease = advanced.get();
            }
            return Outcome.DONE;
        } finally {
            cursor.release(lease);
        }
    }

    private String token() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
