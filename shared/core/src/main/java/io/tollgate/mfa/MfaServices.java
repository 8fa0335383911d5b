package io.tollgate.mfa;

import io.tollgate.lockout.FailureCounter;
import io.tollgate.otp.TotpVerifier;
import io.tollgate.platform.TollgateServices;
import io.tollgate.sms.SmsSendCap;
import io.tollgate.session.SessionIssuer;
import io.tollgate.token.AccessTokenIssuer;
import io.tollgate.token.OpaqueTokens;

/** Builds the MFA services of a container from its {@link TollgateServices}. */
public final class MfaServices {

    private MfaServices() {
    }

    /** Enrolment of the caller's own TOTP and backup codes (account function). */
    public static MfaEnrolmentService enrolment(TollgateServices services) {
        return new MfaEnrolmentService(new MfaCredentialRepository(services.dynamoDb(), services.config().tables(), services.encryptor()),
                services.encryptor(), new TotpVerifier(services.clock()), services.backupCodes(), services.audit(),
                services.config().tables(), services.random(), services.clock());
    }

    /** Second factors kept on file (TOTP, backup codes), checked outside a login challenge (step-up). */
    public static StoredFactorCheck storedFactorCheck(TollgateServices services) {
        return new StoredFactorCheck(new MfaCredentialRepository(services.dynamoDb(), services.config().tables(),
                services.encryptor()), enrolment(services), new TotpVerifier(services.clock()), services.backupCodes(),
                services.clock());
    }

    /** The login's second step (mfa-verify function). */
    public static MfaVerificationService verification(TollgateServices services) {
        var tables = services.config().tables();
        var opaque = new OpaqueTokens(services.random());
        var accessTokens = new AccessTokenIssuer(services.signingKeys(), services.clock(), services.config().tokenIssuer());
        return new MfaVerificationService(
                new MfaChallenges(services.dynamoDb(), tables, opaque, services.clock()),
                new MfaCredentialRepository(services.dynamoDb(), tables, services.encryptor()),
                enrolment(services),
                new TotpVerifier(services.clock()),
                services.backupCodes(),
                new SessionIssuer(services.dynamoDb(), tables, accessTokens, opaque, services.clock()),
                new FailureCounter(services.dynamoDb()),
                services.mailSender(),
                services.audit(),
                tables,
                services.random(),
                services.clock(),
                services.defaultSettings(),
                io.tollgate.webauthn.WebAuthnServices.webauthn(services),
                smsDelivery(services),
                new io.tollgate.password.PasswordChangeTickets(services.dynamoDb(), tables, opaque, services.clock()));
    }

    /** The phone-number encryption, keyed hashes, daily cap and SMS sender of a container (ADR 0032). */
    public static SmsDelivery smsDelivery(TollgateServices services) {
        return new SmsDelivery(services.smsSender(), services.phoneNumbers(),
                new SmsSendCap(services.dynamoDb(), services.config().tables(), services.clock()),
                services.smsDailyLimitPerNumber(), services.encryptor(), services.audit(), services.random());
    }

    /** The caller's own phone number for SMS codes (account function). */
    public static SmsEnrolmentService smsEnrolment(TollgateServices services) {
        return new SmsEnrolmentService(new MfaCredentialRepository(services.dynamoDb(), services.config().tables(),
                services.encryptor()),
                smsDelivery(services), services.audit(), services.config().tables(), services.clock());
    }
}
