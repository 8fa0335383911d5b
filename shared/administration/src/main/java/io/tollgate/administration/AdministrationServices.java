package io.tollgate.administration;

import io.tollgate.authz.AccessPolicy;
import io.tollgate.authz.ApiKeyRepository;
import io.tollgate.incident.IncidentRegister;
import io.tollgate.password.CommonPasswords;
import io.tollgate.platform.TollgateServices;
import io.tollgate.session.SessionServices;
import io.tollgate.user.UserProvisioning;
import java.util.Objects;
import java.util.Optional;
import io.tollgate.password.PasswordChangeTickets;
import io.tollgate.token.OpaqueTokens;
import java.util.Set;

/** The administration services of a container, built once from its {@link TollgateServices}. */
public record AdministrationServices(UserAdministration users, TenantAdministration tenants,
        IncidentRegister incidents) {

    public AdministrationServices {
        Objects.requireNonNull(users, "users");
        Objects.requireNonNull(tenants, "tenants");
        Objects.requireNonNull(incidents, "incidents");
    }

    /** Invitations where the container sends mail (ADR 0045). */
    private static Optional<Invitations> invitations(TollgateServices services) {
        if (!services.sendsMail()) {
            return Optional.empty();
        }
        return Optional.of(new Invitations(new PasswordChangeTickets(services.dynamoDb(), services.config().tables(),
                new OpaqueTokens(services.random()), services.clock()), services.mailSender(),
                services.config().tokenIssuer()));
    }

    public static AdministrationServices create(TollgateServices services) {
        AdministrationRepository repository = AdministrationRepository.of(services);
        AdminAuthority authority = AdminAuthority.bundled(repository);
        CommonPasswords commonPasswords = CommonPasswords.load();
        UserProvisioning provisioning = new UserProvisioning(services.userDirectory(), services.passwordHasher(), commonPasswords, services.audit(),
                services.clock(), profile -> authority.profile(profile).map(AccessPolicy::roles).orElse(Set.of()));
        UserAdministration users = new UserAdministration(authority, repository, provisioning,
                SessionServices.create(services), new ApiKeyRepository(services.dynamoDb(), services.config().tables(),
                        services.clock()), services.audit(), services.clock(), invitations(services));
        TenantAdministration tenants = new TenantAdministration(authority, repository, provisioning, commonPasswords,
                services.defaultSettings(), services.audit(), services.clock());
        return new AdministrationServices(users, tenants, IncidentRegister.create(services, authority, repository));
    }
}
