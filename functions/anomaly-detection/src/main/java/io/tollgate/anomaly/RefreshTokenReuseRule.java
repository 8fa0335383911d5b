package io.tollgate.anomaly;

import io.tollgate.audit.AuditEventType;
import io.tollgate.settings.AnomalySettings;

/**
 * A rotated refresh token presented again ({@code token_reuse_detected}, which the session service
 * records after revoking the whole token family): a stolen token, or a stolen successor. Default:
 * the first reuse of an account within 15 minutes alerts (ADR 0021).
 */
public final class RefreshTokenReuseRule extends EventBurstRule {

    public static final String ID = "refresh-token-reuse";
    public static final int VERSION = 1;

    public RefreshTokenReuseRule(AnomalySettings.Burst thresholds) {
        super(AuditEventType.TOKEN_REUSE_DETECTED.wireName(), thresholds);
    }

    public static RefreshTokenReuseRule from(AnomalySettings settings) {
        return new RefreshTokenReuseRule(settings.refreshTokenReuse());
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
