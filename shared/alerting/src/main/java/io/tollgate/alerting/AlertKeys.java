package io.tollgate.alerting;

import io.tollgate.storage.Attributes;
import io.tollgate.storage.Keys;
import java.time.LocalDate;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Keys of alerting's items in the security table (ADR 0042), all under the tenant's partition prefix. */
final class AlertKeys {

    static final String DIGEST_INDEX_PREFIX = "ALERTDIGEST#";

    private AlertKeys() {
    }

    /** The deduplication window of one kind and subject. */
    static Map<String, AttributeValue> dedup(String tenantId, String kind, String subject) {
        return key(Keys.tenantPartition(tenantId) + "#ALERTS", "DEDUP#" + kind + "#" + subject);
    }

    static String digestPartition(String tenantId, LocalDate day) {
        return Keys.tenantPartition(tenantId) + "#ALERTDIGEST#" + day;
    }

    /** One MEDIUM alert waiting for the tenant's digest of {@code day}. */
    static Map<String, AttributeValue> digestEntry(String tenantId, LocalDate day, String sortKey) {
        return key(digestPartition(tenantId, day), sortKey);
    }

    /** The day's list of tenants with a digest to send (one item per tenant, with its status). */
    static Map<String, AttributeValue> digestIndex(LocalDate day, String tenantId) {
        return key(DIGEST_INDEX_PREFIX + day, Keys.tenantPartition(tenantId));
    }

    private static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of(Keys.PK, Attributes.s(pk), Keys.SK, Attributes.s(sk));
    }
}
