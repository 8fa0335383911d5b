package io.tollgate.privacy;

import io.tollgate.administration.AdminAuthority;
import io.tollgate.administration.AdministrationRepository;
import io.tollgate.administration.AdministrationServices;
import io.tollgate.audit.platform.AuditServices;
import io.tollgate.authz.ApiKeyRepository;
import io.tollgate.mfa.MfaCredentialRepository;
import io.tollgate.platform.TollgateServices;
import io.tollgate.retention.RetentionPolicy;
import io.tollgate.retention.RetentionSettings;
import io.tollgate.session.SessionServices;
import io.tollgate.webauthn.WebAuthnCredentialRepository;
import java.util.Objects;

/** The composition root of data-subject requests on top of {@link AuditServices}, built once per container. */
public final class PrivacyServices {

    private final PrivacyRequests requests;

    private PrivacyServices(AuditServices audit) {
        Objects.requireNonNull(audit, "audit");
        TollgateServices platform = audit.platform();
        AdministrationRepository repository = AdministrationRepository.of(platform);
        SubjectDataExport export = new SubjectDataExport(SessionServices.create(platform),
                new ApiKeyRepository(platform.dynamoDb(), platform.config().tables(), platform.clock()),
                new MfaCredentialRepository(platform.dynamoDb(), platform.config().tables(), platform.encryptor()),
                new WebAuthnCredentialRepository(platform.dynamoDb(), platform.config().tables()), audit.query(),
                audit.protector(), platform.clock(), platform.encryptor(),
                new io.tollgate.consent.ConsentRepository(platform.dynamoDb(), platform.config().tables()));
        this.requests = new PrivacyRequests(AdministrationServices.create(platform).users(),
                AdminAuthority.bundled(repository),
                new PrivacyRequestRepository(platform.dynamoDb(), platform.config().tables().identity()), export,
                audit.subjectKeys(), new RetentionSettings(platform.dynamoDb(), platform.config().tables().identity(),
                        RetentionPolicy.bundled(), platform.clock()), platform.audit(), platform.clock());
    }

    public static PrivacyServices of(AuditServices audit) {
        return new PrivacyServices(audit);
    }

    public PrivacyRequests requests() {
        return requests;
    }
}
