package io.tollgate.webauthn;

import io.tollgate.lockout.FailureCounter;
import io.tollgate.mfa.MfaCredentialRepository;
import io.tollgate.platform.TollgateServices;
import io.tollgate.session.SessionIssuer;
import io.tollgate.token.AccessTokenIssuer;
import io.tollgate.token.OpaqueTokens;
import io.tollgate.user.UserDirectory;

/** Builds the WebAuthn service of a container from its {@link TollgateServices}. */
public final class WebAuthnServices {

    private WebAuthnServices() {
    }

    /** Registration, listing, removal and passkey login (webauthn function). */
    public static WebAuthnService webauthn(TollgateServices services) {
        var tables = services.config().tables();
        var opaque = new OpaqueTokens(services.random());
        var accessTokens = new AccessTokenIssuer(services.signingKeys(), services.clock(), services.config().tokenIssuer());
        return new WebAuthnService(
                new WebAuthnCredentialRepository(services.dynamoDb(), tables),
                new WebAuthnCeremonies(services.dynamoDb(), tables, opaque, services.clock()),
                new MfaCredentialRepository(services.dynamoDb(), tables, services.encryptor()),
                new UserDirectory(services.dynamoDb(), tables),
                new SessionIssuer(services.dynamoDb(), tables, accessTokens, opaque, services.clock()),
                new FailureCounter(services.dynamoDb()),
                services.audit(),
                tables,
                services.clock(),
                services.defaultSettings());
    }
}
