package io.tollgate.alerting;

import io.tollgate.administration.AdministrationRepository;
import io.tollgate.platform.TollgateServices;
import java.time.Duration;
import java.util.Objects;

/** Alerting's services of one container, built once from its {@link TollgateServices} (ADR 0042). */
public record AlertingServices(AlertDispatcher dispatcher, AlertDigest digest) {

    /** How long a container keeps a tenant's SIEM key before reading it again. */
    static final Duration SIEM_KEY_CACHE = Duration.ofMinutes(5);

    public AlertingServices {
        Objects.requireNonNull(dispatcher, "dispatcher");
        Objects.requireNonNull(digest, "digest");
    }

    public static AlertingServices from(TollgateServices services) {
        return from(services, AlertingConfig.fromEnvironment(System.getenv()), SiemForwarder.Sleeper.system());
    }

    public static AlertingServices from(TollgateServices services, AlertingConfig config, SiemForwarder.Sleeper sleeper) {
        String security = services.config().tables().security();
        AlertDirectory directory = new AlertDirectory(AdministrationRepository.of(services), services.clock());
        AlertDigestStore store = new AlertDigestStore(services.dynamoDb(), security);
        SiemForwarder siem = siemForwarder(services, config, sleeper);
        AlertDispatcher dispatcher = new AlertDispatcher(directory, new AlertDeduplicator(services.dynamoDb(), security,
                services.clock()), store, services.mailSender(), siem, services.metrics(), services.clock());
        return new AlertingServices(dispatcher, new AlertDigest(store, directory, services.mailSender(), services.clock()));
    }

    /** The container's signed SIEM webhook client (alerts and the trail forward share it, ADR 0042). */
    public static SiemForwarder siemForwarder(TollgateServices services, AlertingConfig config,
            SiemForwarder.Sleeper sleeper) {
        return new SiemForwarder(SiemForwarder.defaultClient(), new SiemKeys(services::secretsManager,
                config.siemSecretPrefix(), services.clock(), SIEM_KEY_CACHE), services.clock(), sleeper,
                SiemForwarder.RetryPolicy.defaults(), services.webhookTargets());
    }
}
