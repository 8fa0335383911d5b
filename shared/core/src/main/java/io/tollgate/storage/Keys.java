package io.tollgate.storage;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Every DynamoDB key Tollgate writes, in one place. The tenant id is the first part of every
 * partition key that a caller can name, so no key built here can reach another tenant's items
 * (docs/contract.md §Encryption and storage). The only exceptions are keys derived from a 256-bit secret (refresh and MFA
 * tokens), whose items carry and are checked against their tenant (ADR 0003).
 */
public final class Keys {

    public static final String PK = "pk";
    public static final String SK = "sk";
    public static final String TTL = "ttl";
    public static final String SESSION_PREFIX = "SESSION#";

    /** A reserved tenant id (not a valid tenant id) that counts IP failures for unknown tenants. */
    public static final String UNKNOWN_TENANT = "_unknown";

    private Keys() {
    }

    private static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of(PK, Attributes.s(pk), SK, Attributes.s(sk));
    }

    private static String tenantPk(String tenantId) {
        return "TENANT#" + tenantId;
    }

    public static Map<String, AttributeValue> tenant(String tenantId) {
        return key(tenantPk(tenantId), "TENANT");
    }

    public static Map<String, AttributeValue> organization(String tenantId, String organizationId) {
        return key(tenantPk(tenantId), "ORG#" + organizationId);
    }

    /** The user item, keyed by the normalised user name (one look-up at login). */
    public static Map<String, AttributeValue> user(String tenantId, String username) {
        return key(tenantPk(tenantId), "USER#" + normaliseUsername(username));
    }

    /** The pointer from a user id to its user name, for routes that name a user by id. */
    /** The e-mail look-up pointer of a user (ADR 0046): blind index then user id, in the tenant partition. */
    public static Map<String, AttributeValue> emailPointer(String tenantId, String blindIndex, String userId) {
        return key(tenantPk(tenantId), emailPointerPrefix(blindIndex) + userId);
    }

    /** The sort-key prefix of every pointer of one blind index (query with {@code begins_with}). */
    public static String emailPointerPrefix(String blindIndex) {
        return "EMAIL#" + blindIndex + "#";
    }

    public static Map<String, AttributeValue> userId(String tenantId, String userId) {
        return key(tenantPk(tenantId), "USERID#" + userId);
    }

    /** The failure counter of a client network in a tenant: per IPv4 address, per IPv6 /64 (ADR 0057). */
    public static Map<String, AttributeValue> ipCounter(String tenantId, String ip) {
        return key(tenantPk(tenantId), "IP#" + io.tollgate.lockout.ClientNetwork.of(ip));
    }

    /** The failure counter of a client network across every tenant (security table, ADR 0057). */
    public static Map<String, AttributeValue> crossTenantIpCounter(String ip) {
        return key("IP#" + io.tollgate.lockout.ClientNetwork.of(ip), "ALL_TENANTS");
    }

    public static Map<String, AttributeValue> session(String tenantId, String userId, String sessionId) {
        return key(userSessionsPartition(tenantId, userId), SESSION_PREFIX + sessionId);
    }

    public static Map<String, AttributeValue> refreshToken(String tokenHash) {
        return key("REFRESH#" + tokenHash, "REFRESH");
    }

    public static Map<String, AttributeValue> mfaChallenge(String tokenHash) {
        return key("MFA#" + tokenHash, "MFA");
    }

    /** The partition of purge markers the retention job reads (identity table, ADR 0026). */
    public static final String PURGE_PARTITION = "PURGE#USER";

    /** The purge marker of a deleted user: one partition, sorted by tenant then user id (ADR 0026). */
    public static Map<String, AttributeValue> userPurgeMarker(String tenantId, String userId) {
        return key(PURGE_PARTITION, tenantId + "#" + userId);
    }

    /** A password-change ticket of an expired password (security table, ADR 0025), by its token's hash. */
    public static Map<String, AttributeValue> passwordChangeTicket(String tokenHash) {
        return key("PWDCHG#" + tokenHash, "PWDCHG");
    }

    /** A user's TOTP credential (identity table), keyed by the immutable user id. */
    public static Map<String, AttributeValue> mfaTotp(String tenantId, String userId) {
        return key(userSessionsPartition(tenantId, userId), "MFA#TOTP");
    }

    /** A user's backup-code set (identity table), next to the TOTP credential. */
    public static Map<String, AttributeValue> mfaBackupCodes(String tenantId, String userId) {
        return key(userSessionsPartition(tenantId, userId), "MFA#BACKUP_CODES");
    }

    /** A user's SMS factor (identity table): the phone number, encrypted, verified or pending (ADR 0032). */
    public static Map<String, AttributeValue> mfaSms(String tenantId, String userId) {
        return key(userSessionsPartition(tenantId, userId), "MFA#SMS");
    }

    /**
     * One day's count of SMS sent to a number (security table, ADR 0032), keyed by the number's
     * keyed hash, never the number; {@code subject} is {@code "N#<hash>"} for a number,
     * {@code "U#<tenant>#<user id>"} for a user's registrations.
     */
    public static Map<String, AttributeValue> smsDailyCount(String subject, String utcDay) {
        return key("SMSCAP#" + subject, "DAY#" + utcDay);
    }

    /** A user's WebAuthn credential (identity table), next to the other factors; {@code credentialId} base64url. */
    public static Map<String, AttributeValue> webauthnCredential(String tenantId, String userId, String credentialId) {
        return key(userSessionsPartition(tenantId, userId), WEBAUTHN_PREFIX + credentialId);
    }

    /** Sort-key prefix of a user's consent records (ADR 0068). */
    public static final String CONSENT_PREFIX = "CONSENT#";

    /** A user's consent for one purpose (identity table, ADR 0068), in the user's partition. */
    public static Map<String, AttributeValue> consent(String tenantId, String userId, String purpose) {
        return key(userSessionsPartition(tenantId, userId), CONSENT_PREFIX + purpose);
    }

    /** Sort-key prefix of a user's WebAuthn credentials. */
    public static final String WEBAUTHN_PREFIX = "WEBAUTHN#";

    /**
     * The tenant-wide owner of a WebAuthn credential id: written with the credential on condition
     * that it does not exist, so one credential id is registered once per tenant.
     */
    public static Map<String, AttributeValue> webauthnCredentialOwner(String tenantId, String credentialId) {
        return key(tenantPk(tenantId) + "#" + WEBAUTHN_PREFIX + credentialId, "OWNER");
    }

    /** An open WebAuthn ceremony (security table), keyed by the hash of its {@code ceremony_id}. */
    public static Map<String, AttributeValue> webauthnCeremony(String ceremonyHash) {
        return key(WEBAUTHN_PREFIX + ceremonyHash, "CEREMONY");
    }

    /**
     * The once-per-stack claim of the first {@code super_admin} (identity table): written on condition that
     * it does not exist, so a fresh stack gets its first platform administrator exactly once.
     */
    public static Map<String, AttributeValue> firstSuperAdminClaim() {
        return key("PLATFORM", "FIRST_SUPER_ADMIN");
    }

    /** The public signing keys in force, written by the key rotation, read by authorizer and jwks. */
    public static Map<String, AttributeValue> publishedSigningKeys() {
        return key("SIGNING_KEYS", "PUBLISHED");
    }

    /** Per user: the instant before which its tokens are void, and whether it is disabled. */
    public static Map<String, AttributeValue> userRevocation(String tenantId, String userId) {
        return key(tenantPk(tenantId) + "#USER#" + userId, "REVOCATION");
    }

    /** The partition holding a user's sessions and revocation item. */
    public static String userSessionsPartition(String tenantId, String userId) {
        return tenantPk(tenantId) + "#USER#" + userId;
    }

    /** The look-up item of an API key, by its public prefix (docs/openapi.yaml; the item names its tenant). */
    public static Map<String, AttributeValue> apiKey(String prefix) {
        return key("APIKEY#" + prefix, "APIKEY");
    }

    /** The owner's copy of an API key's metadata, under its tenant, for listing. */
    public static Map<String, AttributeValue> ownedApiKey(String tenantId, String userId, String prefix) {
        return key(tenantPk(tenantId), ownedApiKeyPrefix(userId) + prefix);
    }

    public static String ownedApiKeyPrefix(String userId) {
        return "APIKEY#" + userId + "#";
    }

    /** The number of a user's active API keys, kept by a conditional counter (the per-user limit, ADR 0054). */
    public static Map<String, AttributeValue> apiKeyCounter(String tenantId, String userId) {
        return key(tenantPk(tenantId), "KEYCOUNT#" + userId);
    }

    /** The sort-key prefix of every owner's copy of every API key of a tenant. */
    public static String ownedApiKeysOfTenantPrefix() {
        return "APIKEY#";
    }

    public static String tenantPartition(String tenantId) {
        return tenantPk(tenantId);
    }

    /** One principal's request count in one minute window (rate limit). */
    public static Map<String, AttributeValue> rateWindow(String principal, long windowEpochMinute) {
        return key("RATE#" + principal, "W#" + windowEpochMinute);
    }

    /** One detection rule's counter for one subject in one fixed window (anomaly detection, ADR 0020). */
    public static Map<String, AttributeValue> detectionWindow(String tenantId, String ruleId, String subject,
            long windowStartEpochSecond) {
        return key(tenantPk(tenantId) + "#DETECT#" + ruleId, subject + "#W#" + windowStartEpochSecond);
    }

    /** A stored detection decision, by its deterministic id (ADR 0020). */
    public static Map<String, AttributeValue> detectionDecision(String tenantId, String decisionId) {
        return key(tenantPk(tenantId) + "#DECISIONS", "DECISION#" + decisionId);
    }

    /**
     * The form a user name is keyed and looked up by: PRECIS UsernameCaseMapped (ADR 0056,
     * {@link io.tollgate.user.UsernameProfile#lookupKey}), so every spelling of a name (case,
     * width, composition) finds the one account, wherever a name enters.
     */
    public static String normaliseUsername(String username) {
        return io.tollgate.user.UsernameProfile.lookupKey(username);
    }
}
