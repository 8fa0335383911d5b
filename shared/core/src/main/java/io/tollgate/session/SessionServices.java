package io.tollgate.session;

import io.tollgate.platform.TollgateServices;
import io.tollgate.token.AccessTokenIssuer;
import io.tollgate.token.OpaqueTokens;

/** Builds the {@link SessionService} of a container from its {@link TollgateServices}. */
public final class SessionServices {

    private SessionServices() {
    }

    public static SessionService create(TollgateServices services) {
        return new SessionService(services.dynamoDb(), services.config().tables(),
                new AccessTokenIssuer(services.signingKeys(), services.clock(), services.config().tokenIssuer()),
                new OpaqueTokens(services.random()), services.audit(), services.clock(), services.defaultSettings(),
                SessionService.DEFAULT_REUSE_GRACE);
    }
}
