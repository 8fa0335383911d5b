package io.tollgate.mfa;

import io.tollgate.settings.SecuritySettings;
import io.tollgate.storage.Attributes;
import io.tollgate.storage.ExpiringItems;
import io.tollgate.storage.Keys;
import io.tollgate.storage.TableNames;
import io.tollgate.token.OpaqueTokens;
import io.tollgate.user.UserAccount;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * The second-step challenges opened after a correct password (docs/openapi.yaml): an opaque
 * {@code mfa_token}, stored only as its SHA-256, single use, alive 5 minutes (10 for an enrolment),
 * 5 attempts. Every change that can race is conditional: an attempt is counted only while
 * {@code attempts < max_attempts}; an e-mail code is recorded only while {@code email_sends < 3};
 * the challenge is consumed by a conditional delete inside the transaction that opens the
 * session, so of two concurrent answers at most one can succeed (ADR 0011).
 */
public final class MfaChallenges {

    /** Life of an {@code mfa_token}. */
    public static final Duration LIFETIME = Duration.ofMinutes(5);
    /** Life of an enrolment challenge: time to install an authenticator app and scan the code. */
    public static final Duration ENROLMENT_LIFETIME = Duration.ofMinutes(10);
    /** Attempts allowed per {@code mfa_token}. */
    public static final int MAX_ATTEMPTS = 5;
    /** E-mail codes that may be sent per challenge. */
    public static final int MAX_EMAIL_SENDS = 3;
    /** SMS codes that may be sent per challenge (ADR 0032). */
    public static final int MAX_SMS_SENDS = 3;

    private static final String EMAIL_CODE_LABEL = "tollgate-mfa-email-v1:";
    private static final String SMS_CODE_LABEL = "tollgate-mfa-sms-v1:";

    /** The method name of SMS codes. */
    public static final String SMS = "sms";

    private final DynamoDbClient dynamoDb;
    private final TableNames tables;
    private final OpaqueTokens opaqueTokens;
    private final Clock clock;

    public MfaChallenges(DynamoDbClient dynamoDb, TableNames tables, OpaqueTokens opaqueTokens, Clock clock) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.tables = Objects.requireNonNull(tables, "tables");
        this.opaqueTokens = Objects.requireNonNull(opaqueTokens, "opaqueTokens");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The methods offered for a user: the enrolled ones, backup codes with TOTP, and email; SMS
     * only while the tenant allows it (a verified phone number adds {@code "sms"} to the user's
     * methods; ADR 0032).
     */
    public static List<String> offeredMethods(UserAccount user, SecuritySettings settings) {
        List<String> methods = new ArrayList<>(user.mfaMethods());
        if (!settings.mfa().smsAllowed()) {
            methods.remove(SMS);
        }
        if (methods.contains("totp") && !methods.contains("backup_code")) {
            methods.add("backup_code");
        }
        if (!methods.contains("email")) {
            methods.add("email");
        }
        return List.copyOf(methods);
    }

    /**
     * Creates a challenge for {@code user} atomically with {@code alongWith}; returns the
     * {@code mfa_token}. {@code audience} is the audience the password step asked for; the
     * tokens issued when the challenge is completed are for it.
     */
    public String open(UserAccount user, List<String> methods, MfaChallenge.Purpose purpose, String audience,
            List<TransactWriteItem> alongWith) {
        Instant now = clock.instant();
        String token = opaqueTokens.generate();
        Instant expires = now.plus(purpose == MfaChallenge.Purpose.ENROLMENT ? ENROLMENT_LIFETIME : LIFETIME);
        Map<String, AttributeValue> item = new HashMap<>(Keys.mfaChallenge(OpaqueTokens.hash(token)));
        item.put("tenant_id", Attributes.s(user.tenantId()));
        item.put("user_id", Attributes.s(user.userId()));
        item.put("username", Attributes.s(Keys.normaliseUsername(user.username())));
        item.put("methods", Attributes.strings(methods));
        item.put("purpose", Attributes.s(purpose.name()));
        item.put("audience", Attributes.s(audience));
        item.put("attempts", Attributes.n(0));
        item.put("max_attempts", Attributes.n(MAX_ATTEMPTS));
        item.put("email_sends", Attributes.n(0));
        item.put("sms_sends", Attributes.n(0));
        ExpiringItems.create(dynamoDb, tables.security(), item, now, expires, alongWith);
        return token;
    }

    /** The challenge of {@code mfaToken} as stored now, whatever its state; empty when unknown. */
    public Optional<MfaChallenge> find(String mfaToken) {
        String hash = OpaqueTokens.hash(mfaToken);
        Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(tables.security())
                .key(Keys.mfaChallenge(hash)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(MfaChallenge.fromItem(hash, item));
    }

    /**
     * Counts one attempt, on condition that the challenge still exists, has not expired and has
     * attempts left. Returns the attempts made including this one, or empty when the challenge
     * is dead (so N concurrent answers can never use more than the allowed attempts).
     */
    public OptionalInt countAttempt(MfaChallenge challenge) {
        Instant now = clock.instant();
        try {
            var response = dynamoDb.updateItem(r -> r.tableName(tables.security())
                    .key(Keys.mfaChallenge(challenge.tokenHash()))
                    .updateExpression("ADD #attempts :one")
                    .conditionExpression("attribute_exists(#pk) AND #attempts < #max AND #expires > :now")
                    .expressionAttributeNames(Map.of("#pk", Keys.PK, "#attempts", "attempts", "#max", "max_attempts",
                            "#expires", "expires_at"))
                    .expressionAttributeValues(Map.of(":one", Attributes.n(1), ":now", Attributes.epochMillis(now)))
                    .returnValues(ReturnValue.UPDATED_NEW));
            return OptionalInt.of(Integer.parseInt(response.attributes().get("attempts").n()));
        } catch (ConditionalCheckFailedException dead) {
            return OptionalInt.empty();
        }
    }

    /**
     * Records a freshly sent e-mail code (its keyed hash and expiry; an earlier code is replaced)
     * on condition that the challenge is alive and fewer than {@value #MAX_EMAIL_SENDS} codes were
     * sent. False when the condition failed.
     */
    public boolean recordEmailCode(MfaChallenge challenge, String codeHash, Instant codeExpiresAt) {
        return recordCode(challenge, codeHash, codeExpiresAt, "email", MAX_EMAIL_SENDS);
    }

    /**
     * Records a freshly sent SMS code (its keyed hash and expiry; an earlier code is replaced) on
     * condition that the challenge is alive and fewer than {@value #MAX_SMS_SENDS} codes were
     * sent. False when the condition failed.
     */
    public boolean recordSmsCode(MfaChallenge challenge, String codeHash, Instant codeExpiresAt) {
        return recordCode(challenge, codeHash, codeExpiresAt, "sms", MAX_SMS_SENDS);
    }

    /** One conditional update for both channels: {@code <channel>_code_hash}, {@code _code_expires_at}, {@code _sends}. */
    private boolean recordCode(MfaChallenge challenge, String codeHash, Instant codeExpiresAt, String channel,
            int maxSends) {
        Instant now = clock.instant();
        try {
            dynamoDb.updateItem(r -> r.tableName(tables.security())
                    .key(Keys.mfaChallenge(challenge.tokenHash()))
                    .updateExpression("SET #hash = :hash, #codeExpires = :codeExpires ADD #sends :one")
                    .conditionExpression("attribute_exists(#pk) AND #expires > :now AND #attempts < #max"
                            + " AND (attribute_not_exists(#sends) OR #sends < :maxSends)")
                    .expressionAttributeNames(Map.of("#pk", Keys.PK, "#hash", channel + "_code_hash",
                            "#codeExpires", channel + "_code_expires_at", "#sends", channel + "_sends",
                            "#expires", "expires_at", "#attempts", "attempts", "#max", "max_attempts"))
                    .expressionAttributeValues(Map.of(":hash", Attributes.s(codeHash),
                            ":codeExpires", Attributes.epochMillis(codeExpiresAt), ":one", Attributes.n(1),
                            ":now", Attributes.epochMillis(now), ":maxSends", Attributes.n(maxSends))));
            return true;
        } catch (ConditionalCheckFailedException refused) {
            return false;
        }
    }

    /**
     * Records the WebAuthn assertion request issued for this challenge (a new one replaces the
     * previous one) on condition that the challenge is alive; false when it is not.
     */
    public boolean recordWebAuthnRequest(MfaChallenge challenge, String requestJson) {
        Instant now = clock.instant();
        try {
            dynamoDb.updateItem(r -> r.tableName(tables.security())
                    .key(Keys.mfaChallenge(challenge.tokenHash()))
                    .updateExpression("SET #request = :request")
                    .conditionExpression("attribute_exists(#pk) AND #expires > :now AND #attempts < #max")
                    .expressionAttributeNames(Map.of("#pk", Keys.PK, "#request", "webauthn_request",
                            "#expires", "expires_at", "#attempts", "attempts", "#max", "max_attempts"))
                    .expressionAttributeValues(Map.of(":request", Attributes.s(requestJson),
                            ":now", Attributes.epochMillis(now))));
            return true;
        } catch (ConditionalCheckFailedException refused) {
            return false;
        }
    }

    /**
     * The transaction part that consumes the challenge: a delete on condition that it still
     * exists (and, for an e-mail code, that the code answered is still the current one).
     */
    public TransactWriteItem consume(MfaChallenge challenge, Optional<String> expectedEmailCodeHash) {
        return consumeAnswered(challenge, expectedEmailCodeHash.map(hash -> new CodeCondition("email_code_hash", hash)));
    }

    /** The stored code hash a consuming delete requires to be unchanged (the code answered is still the current one). */
    public record CodeCondition(String attribute, String expectedHash) {
        @Override
        public String toString() {
            return "CodeCondition[" + attribute + "]";
        }
    }

    /** The consuming delete, on condition that {@code code} (when present) still holds. */
    public TransactWriteItem consumeAnswered(MfaChallenge challenge, Optional<CodeCondition> code) {
        Map<String, String> names = new HashMap<>(Map.of("#pk", Keys.PK));
        Map<String, AttributeValue> values = new HashMap<>();
        String condition = "attribute_exists(#pk)";
        if (code.isPresent()) {
            condition += " AND #hash = :hash";
            names.put("#hash", code.get().attribute());
            values.put(":hash", Attributes.s(code.get().expectedHash()));
        }
        Delete.Builder delete = Delete.builder().tableName(tables.security())
                .key(Keys.mfaChallenge(challenge.tokenHash()))
                .conditionExpression(condition).expressionAttributeNames(names);
        if (!values.isEmpty()) {
            delete.expressionAttributeValues(values);
        }
        return TransactWriteItem.builder().delete(delete.build()).build();
    }

    /** Deletes a challenge that must not be answered any more (attempts used up, account locked). */
    public void discard(MfaChallenge challenge) {
        dynamoDb.deleteItem(r -> r.tableName(tables.security()).key(Keys.mfaChallenge(challenge.tokenHash())));
    }

    /**
     * The stored form of an e-mail code: {@code base64url(HMAC-SHA-256(mfa_token, label | code))}.
     * Keyed with the {@code mfa_token}, which is stored nowhere, so a copy of the table does not
     * allow the 10^6 possible codes to be tried offline.
     */
    public static String emailCodeHash(String mfaToken, String code) {
        return codeHash(mfaToken, EMAIL_CODE_LABEL, code);
    }

    /** The stored form of an SMS code: as {@link #emailCodeHash} under its own label, so neither answers for the other. */
    public static String smsCodeHash(String mfaToken, String code) {
        return codeHash(mfaToken, SMS_CODE_LABEL, code);
    }

    private static String codeHash(String mfaToken, String label, String code) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(mfaToken.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    mac.doFinal((label + code).getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
