package io.tollgate.audit.chain;

import io.tollgate.storage.Attributes;
import io.tollgate.storage.Keys;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Every key of the audit table (ADR 0014). The tenant id leads every partition key of tenant data,
 * so no query built here can reach another tenant's chain. The one exception is the registry of
 * chains ({@code AUDIT#CHAINS}), a platform partition no caller can name, read by the digest job.
 *
 * <pre>
 *   pk                                   sk                 item
 *   TENANT#t#AUDIT                       HEAD               chain head: seq, hash
 *   TENANT#t#AUDIT                       SEQ#%020d          one chained event (time_pk/time_sk: GSI ByTime)
 *   TENANT#t#AUDIT#EVENT#&lt;event_id&gt;      EVENT              idempotency marker: seq
 *   TENANT#t#AUDIT#DIGEST                DIGEST#%020d       one signed digest
 *   AUDIT#CHAINS                         TENANT#t           registry entry (written with the first event)
 * </pre>
 */
public final class AuditKeys {

    public static final String TIME_INDEX = "ByTime";
    public static final String TIME_PK = "time_pk";
    public static final String TIME_SK = "time_sk";
    /** The sparse index of the events whose request facts have clear working copies (ADR 0061). */
    public static final String SUBJECT_INDEX = "BySubject";
    public static final String SUBJECT_PK = "subject_pk";
    static final String SEQ_PREFIX = "SEQ#";
    static final String DIGEST_PREFIX = "DIGEST#";
    static final String REGISTRY_PK = "AUDIT#CHAINS";

    private AuditKeys() {
    }

    /** The partition holding a tenant's head and events. */
    public static String chainPartition(String tenantId) {
        return Keys.tenantPartition(tenantId) + "#AUDIT";
    }

    public static Map<String, AttributeValue> head(String tenantId) {
        return key(chainPartition(tenantId), "HEAD");
    }

    static Map<String, AttributeValue> event(String tenantId, long seq) {
        return key(chainPartition(tenantId), seqSortKey(seq));
    }

    static String seqSortKey(long seq) {
        return SEQ_PREFIX + String.format("%020d", seq);
    }

    static Map<String, AttributeValue> marker(String tenantId, String eventId) {
        return key(chainPartition(tenantId) + "#EVENT#" + eventId, "EVENT");
    }

    static String digestPartition(String tenantId) {
        return chainPartition(tenantId) + "#DIGEST";
    }

    static Map<String, AttributeValue> digest(String tenantId, long number) {
        return key(digestPartition(tenantId), DIGEST_PREFIX + String.format("%020d", number));
    }

    static Map<String, AttributeValue> registry(String tenantId) {
        return key(REGISTRY_PK, "TENANT#" + tenantId);
    }

    /** The BySubject partition of one data subject's events. */
    static String subjectPartition(String tenantId, String userId) {
        return chainPartition(tenantId) + "#SUBJECT#" + userId;
    }

    /** The ByTime sort key: timestamp (fixed nine fraction digits) then sequence, so equal instants keep chain order. */
    static String timeSortKey(String timestamp, long seq) {
        return timestamp + "#" + String.format("%020d", seq);
    }

    private static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of(Keys.PK, Attributes.s(pk), Keys.SK, Attributes.s(sk));
    }
}
