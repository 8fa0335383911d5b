package io.tollgate.devkit;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An {@code AWS::DynamoDB::Table} of the template, reduced to what creating it locally needs. The local table
 * name is the logical id.
 *
 * @param logicalId              logical id, also the local table name
 * @param keySchema              the table's key ({@code HASH} first)
 * @param attributeDefinitions   the key attributes of the table and its indexes
 * @param globalSecondaryIndexes its GSIs
 * @param ttlAttribute           the TTL attribute when {@code TimeToLiveSpecification} is enabled
 * @param streamViewType         {@code StreamSpecification.StreamViewType} when streams are declared
 */
public record TableSpec(String logicalId, List<KeyElement> keySchema, List<AttributeSpec> attributeDefinitions,
                        List<Gsi> globalSecondaryIndexes, Optional<String> ttlAttribute,
                        Optional<String> streamViewType) {

    public TableSpec {
        Objects.requireNonNull(logicalId, "logicalId");
        keySchema = List.copyOf(keySchema);
        attributeDefinitions = List.copyOf(attributeDefinitions);
        globalSecondaryIndexes = List.copyOf(globalSecondaryIndexes);
        Objects.requireNonNull(ttlAttribute, "ttlAttribute");
        Objects.requireNonNull(streamViewType, "streamViewType");
    }

    /** One element of a key schema: {@code AttributeName} and {@code KeyType} ({@code HASH} or {@code RANGE}). */
    public record KeyElement(String attributeName, String keyType) {
        public KeyElement {
            Objects.requireNonNull(attributeName, "attributeName");
            Objects.requireNonNull(keyType, "keyType");
        }
    }

    /** One attribute definition: {@code AttributeName} and {@code AttributeType} ({@code S}, {@code N}, {@code B}). */
    public record AttributeSpec(String attributeName, String attributeType) {
        public AttributeSpec {
            Objects.requireNonNull(attributeName, "attributeName");
            Objects.requireNonNull(attributeType, "attributeType");
        }
    }

    /**
     * A global secondary index.
     *
     * @param indexName        its name
     * @param keySchema        its key
     * @param projectionType   {@code ALL}, {@code KEYS_ONLY} or {@code INCLUDE}
     * @param nonKeyAttributes projected attributes for {@code INCLUDE}
     */
    public record Gsi(String indexName, List<KeyElement> keySchema, String projectionType,
                      List<String> nonKeyAttributes) {
        public Gsi {
            Objects.requireNonNull(indexName, "indexName");
            keySchema = List.copyOf(keySchema);
            Objects.requireNonNull(projectionType, "projectionType");
            nonKeyAttributes = List.copyOf(nonKeyAttributes);
        }
    }
}
