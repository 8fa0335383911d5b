package io.tollgate.local;

import io.tollgate.authz.AccessPolicy;
import io.tollgate.http.ProblemException;
import io.tollgate.password.CommonPasswords;
import io.tollgate.password.PasswordPolicy;
import io.tollgate.platform.TollgateServices;
import io.tollgate.settings.SecuritySettings;
import io.tollgate.tenant.Tenant;
import io.tollgate.user.UserDirectory;
import io.tollgate.user.UserProvisioning;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Creates the local runtime's tenants and users: those of a seed file, or a demo tenant with a
 * {@code super_admin} whose random password is shown once. Everything goes through
 * {@link UserProvisioning}, so seeded users obey the same policy and hashing as real ones.
 * Existing tenants and users (a persistent data folder) are left as they are.
 */
final class Seeder {

    static final String DEMO_TENANT = "demo";
    static final String DEMO_ADMIN = "admin@demo.test";

    private final TollgateServices services;
    private final UserDirectory directory;
    /** The bundled role profiles, read once (ADR 0039). */
    private static final Map<String, AccessPolicy> PROFILES = AccessPolicy.bundled();

    private final UserProvisioning provisioning;
    private final CommonPasswords commonPasswords;

    Seeder(TollgateServices services) {
        this.services = services;
        this.directory = services.userDirectory();
        this.commonPasswords = CommonPasswords.load();
        this.provisioning = new UserProvisioning(directory, services.passwordHasher(), commonPasswords,
                services.audit(), services.clock(), profile -> PROFILES.get(profile).roles());
    }

    /** What seeding did, for the start-up banner. */
    record Outcome(List<String> lines, Optional<String> demoPassword) {
    }

    Outcome seed(SeedFile file) {
        List<String> lines = new ArrayList<>();
        for (SeedFile.SeedTenant seedTenant : file.tenants()) {
            Tenant tenant = ensureTenant(seedTenant.id(), seedTenant.name() == null ? seedTenant.id() : seedTenant.name(),
                    seedTenant.roleProfile() == null ? Tenant.DEFAULT_ROLE_PROFILE : seedTenant.roleProfile());
            for (SeedFile.SeedOrganization org : seedTenant.organizations()) {
                try {
                    provisioning.createOrganization(tenant.id(), org.id(), org.name() == null ? org.id() : org.name(),
                            UserProvisioning.Requester.system(tenant.id()));
                } catch (UserDirectory.AlreadyExistsException exists) {
                    // kept from an earlier run
                }
            }
            for (SeedFile.SeedUser user : seedTenant.users()) {
                if (user.totpSecret() != null) {
                    throw new IllegalArgumentException("Seed user " + user.username()
                            + ": totp_secret is not supported; enrol TOTP with POST /v1/me/mfa/totp (see docs/guide.md)");
                }
                if (user.password() == null) {
                    throw new IllegalArgumentException("Seed user " + user.username() + " needs a password");
                }
                try {
                    provisioning.createUser(tenant, new UserProvisioning.NewUserRequest(user.username(), user.email(),
                            user.password(), user.roles(), user.org()), UserProvisioning.Requester.system(tenant.id()));
                    lines.add("  " + tenant.id() + " / " + user.username() + " " + user.roles());
                } catch (UserDirectory.AlreadyExistsException exists) {
                    lines.add("  " + tenant.id() + " / " + user.username() + " (kept)");
                } catch (ProblemException rejected) {
                    throw new IllegalArgumentException("Seed user " + user.username() + " rejected: "
                            + rejected.detail() + " " + rejected.errors().stream()
                                    .map(ProblemException.FieldError::code).toList(), rejected);
                }
            }
        }
        return new Outcome(lines, Optional.empty());
    }

    /** The demo tenant and its super_admin, created with a random password unless they exist. */
    Outcome seedDemo() {
        Tenant tenant = ensureTenant(DEMO_TENANT, "Demo Bank", Tenant.DEFAULT_ROLE_PROFILE);
        try {
            provisioning.createOrganization(DEMO_TENANT, "hq", "Head office", UserProvisioning.Requester.system(DEMO_TENANT));
        } catch (UserDirectory.AlreadyExistsException exists) {
            // kept from an earlier run
        }
        String password = randomPassword(tenant.settings());
        try {
            provisioning.createUser(tenant, new UserProvisioning.NewUserRequest(DEMO_ADMIN, DEMO_ADMIN, password,
                    List.of("super_admin"), "hq"), UserProvisioning.Requester.system(DEMO_TENANT));
            return new Outcome(List.of("  " + DEMO_TENANT + " / " + DEMO_ADMIN + " [super_admin]"), Optional.of(password));
        } catch (UserDirectory.AlreadyExistsException exists) {
            return new Outcome(List.of("  " + DEMO_TENANT + " / " + DEMO_ADMIN
                    + " (kept from the data folder; its password was shown when it was created)"), Optional.empty());
        }
    }

    private Tenant ensureTenant(String id, String name, String roleProfile) {
        Optional<Tenant> existing = directory.tenant(id);
        if (existing.isPresent()) {
            return existing.get();
        }
        if (!PROFILES.containsKey(roleProfile)) {
            throw new IllegalArgumentException("Seed tenant " + id + ": unknown role_profile " + roleProfile
                    + "; use one of " + PROFILES.keySet());
        }
        return provisioning.createTenant(id, name, services.defaultSettings(), roleProfile,
                UserProvisioning.Requester.system(id));
    }

    private String randomPassword(SecuritySettings settings) {
        PasswordPolicy policy = new PasswordPolicy(settings.password(), commonPasswords);
        while (true) {
            byte[] bytes = new byte[15];
            services.random().nextBytes(bytes);
            String candidate = "Tg7-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes) + "!";
            if (policy.check(candidate, List.of(DEMO_ADMIN)).isEmpty()) {
                return candidate;
            }
        }
    }
}
