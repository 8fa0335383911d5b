package io.tollgate.administration;

import io.tollgate.authz.AccessPolicy;
import io.tollgate.authz.ApiKeyRepository;
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
public record AdministrationServices(UserAdministration users, TenantAdministration tenants) {

    public AdministrationServices {
        Objects.requireNonNull(users, "users");
        Objects.requireNonNull(tenants, "tenants");
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

    /** The one-time creation of a fresh stack's first {@code super_admin} (ADR 0065). */
    public static FirstSuperAdmin firstSuperAdmin(TollgateServices services) {
        AdminAuthority authority = AdminAuthority.bundled(AdministrationRepository.of(services));
        return new FirstSuperAdmin(services.dynamoDb(), services.config().tables().identity(), services.userDirectory(),
                provisioning(services, authority, CommonPasswords.load()), new PasswordChangeTickets(services.dynamoDb(),
                        services.config().tables(), new OpaqueTokens(services.random()), services.clock()),
                services.defaultSettings(), services.clock());
    }

    public static AdministrationServices create(TollgateServices services) {
        AdministrationRepository repository = AdministrationRepository.of(services);
        AdminAuthority authority = AdminAuthority.bundled(repository);
        CommonPasswords commonPasswords = CommonPasswords.load();
        UserProvisioning provisioning = provisioning(services, authority, commonPasswords);
        UserAdministration users = new UserAdministration(authority, repository, provisioning,
                SessionServices.create(services), new ApiKeyRepository(services.dynamoDb(), services.config().tables(),
                        services.clock()), services.audit(), services.clock(), invitations(services));
        TenantAdministration tenants = new TenantAdministration(authority, repository, provisioning, commonPasswords,
                services.defaultSettings(), services.audit(), services.clock());
        return new AdministrationServices(users, tenants);
    }
}
