package io.tollgate.anomaly;

import io.tollgate.audit.AuditEventType;
import io.tollgate.settings.AnomalySettings;

/**
 * A burst of failed second factors on one account ({@code mfa_failed}, default 5 in 15 minutes):
 * the password is known to somebody guessing codes. Login's lockout counts these failures too and
 * locks; this rule makes the burst an alert with the figures (ADR 0021).
 */
public final class MfaFailureBurstRule extends EventBurstRule {

    public static final String ID = "mfa-failure-burst";
    public static final int VERSION = 1;

    public MfaFailureBurstRule(AnomalySettings.Burst thresholds) {
        super(AuditEventType.MFA_FAILED.wireName(), thresholds);
    }

    public static MfaFailureBurstRule from(AnomalySettings settings) {
        return new MfaFailureBurstRule(settings.mfaFailures());
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public int version() {
        return VERSION;
    }
}
