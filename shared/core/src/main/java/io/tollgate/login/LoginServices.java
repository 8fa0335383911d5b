package io.tollgate.login;

import io.tollgate.lockout.FailureCounter;
import io.tollgate.mfa.MfaChallenges;
import io.tollgate.password.PasswordChangeTickets;
import io.tollgate.platform.TollgateServices;
import io.tollgate.session.SessionIssuer;
import io.tollgate.token.AccessTokenIssuer;
import io.tollgate.token.OpaqueTokens;

/** Builds a {@link LoginService} from a container's {@link TollgateServices}. */
public final class LoginServices {

    private LoginServices() {
    }

    public static LoginService create(TollgateServices services) {
        var tables = services.config().tables();
        var opaque = new OpaqueTokens(services.random());
        var accessTokens = new AccessTokenIssuer(services.signingKeys(), services.clock(), services.config().tokenIssuer());
        return new LoginService(
                new LoginRepository(services.dynamoDb(), tables),
                new FailureCounter(services.dynamoDb()),
                services.passwordHasher(),
                new SessionIssuer(services.dynamoDb(), tables, accessTokens, opaque, services.clock()),
                new MfaChallenges(services.dynamoDb(), tables, opaque, services.clock()),
                new PasswordChangeTickets(services.dynamoDb(), tables, opaque, services.clock()),
                services.audit(),
                tables,
                services.clock(),
                services.defaultSettings());
    }
}
