package io.tollgate.alerting;

import io.tollgate.administration.AdministrationRepository;
import io.tollgate.administration.ManagedUser;
import io.tollgate.settings.SecuritySettings.AlertingSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What alerting needs to know of a tenant: its alerting settings and its administrators' mail
 * addresses (users holding {@code tenant_admin} or {@code super_admin} in that tenant, active, with
 * an address). Administrators are read from the identity table for each mail, so a new one counts
 * from the next mail on; settings are read at most once per {@link #SETTINGS_CACHE} per tenant and
 * container (every alert, even a suppressed repeat, needs the tenant's window length).
 */
public final class AlertDirectory {

    /** The roles whose holders administer a tenant (seed 000 RBAC matrix). */
    public static final List<String> ADMIN_ROLES = List.of("tenant_admin", "super_admin");

    /** How long a container uses a tenant's alerting settings before reading them again. */
    public static final Duration SETTINGS_CACHE = Duration.ofSeconds(60);

    private record Cached(Optional<AlertingSettings> settings, Instant until) {
    }

    private final AdministrationRepository repository;
    private final Clock clock;
    private final Map<String, Cached> settings = new ConcurrentHashMap<>();

    public AlertDirectory(AdministrationRepository repository, Clock clock) {
        this.repository = Objects.requireNonNull(repository, "repository");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The tenant's alerting settings; empty when there is no such tenant. */
    public Optional<AlertingSettings> settings(String tenantId) {
        Instant now = clock.instant();
        Cached cached = settings.get(tenantId);
        if (cached == null || !now.isBefore(cached.until())) {
            cached = new Cached(repository.tenant(tenantId).map(tenant -> tenant.settings().alerting()),
                    now.plus(SETTINGS_CACHE));
            settings.put(tenantId, cached);
        }
        return cached.settings();
    }

    public List<String> administratorAddresses(String tenantId) {
        return repository.usersWithAnyRole(tenantId, ADMIN_ROLES).stream().map(ManagedUser::email)
                .flatMap(Optional::stream).filter(address -> !address.isBlank()).toList();
    }
}
