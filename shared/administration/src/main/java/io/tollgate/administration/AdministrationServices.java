package io.tollgate.administration;

import io.tollgate.authz.AccessPolicy;
import io.tollgate.authz.ApiKeyRepository;
import io.tollgate.authz.ApiKeyService;
import io.tollgate.authz.ApiKeys;
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

    private static UserProvisioning provisioning(TollgateServices services, AdminAuthority authority,
                                                 CommonPasswords commonPasswords) {
        return new UserProvisioning(services.userDirectory(), services.passwordHasher(), commonPasswords, services.audit(),
                services.clock(), profile -> authority.profile(profile).map(AccessPolicy::roles).orElse(Set.of()));
    }

    /**
     * The one-time creation of a fresh stack's first {@code super_admin} (ADR 0065). The invited administrator's
     * e-mail address is stored protected (ADR 0046), so the function fails at init without the blind-index key.
     */
    public static FirstSuperAdmin firstSuperAdmin(TollgateServices services) {
        services.emailProtection();
        AdminAuthority authority = AdminAuthority.bundled(AdministrationRepository.of(services));
        return new FirstSuperAdmin(services.dynamoDb(), services.config().tables().identity(), services.userDirectory(),
                provisioning(services, authority, CommonPasswords.load()), new PasswordChangeTickets(services.dynamoDb(),
                        services.config().tables(), new OpaqueTokens(services.random()), services.clock()),
                services.defaultSettings(), services.clock());
    }

    /**
     * The administration of a container; it needs the e-mail protection (ADR 0046), so a function
     * deployed without the blind-index key fails here, at its init, not on its first e-mail.
     */
    public static AdministrationServices create(TollgateServices services) {
        services.emailProtection();
        AdministrationRepository repository = AdministrationRepository.of(services);
        AdminAuthority authority = AdminAuthority.bundled(repository);
        CommonPasswords commonPasswords = CommonPasswords.load();
        UserProvisioning provisioning = provisioning(services, authority, commonPasswords);
        UserAdministration users = new UserAdministration(authority, repository, provisioning,
                SessionServices.create(services), new ApiKeyService(new ApiKeyRepository(services.dynamoDb(),
                        services.config().tables(), services.clock()), new ApiKeys(services.random()), services.audit(),
                        services.clock()), services.audit(), services.clock(), invitations(services));
        TenantAdministration tenants = new TenantAdministration(authority, repository, provisioning, commonPasswords,
                services.defaultSettings(), services.audit(), services.clock(), services.webhookTargets());
        return new AdministrationServices(users, tenants, IncidentRegister.create(services, authority, repository));
    }
}
