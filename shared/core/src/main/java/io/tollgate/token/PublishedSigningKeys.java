package io.tollgate.token;

import io.tollgate.storage.Attributes;
import io.tollgate.storage.Keys;
import io.tollgate.storage.TableNames;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/**
 * The public half of the signing key set, published in one DynamoDB item of the security table
 * by the rotation's {@code setSecret} step (docs/contract.md §Tokens and keys). The authorizer and the jwks function
 * read only this item, so they never need access to the Secrets Manager secret that holds the
 * private keys (least privilege).
 */
public final class PublishedSigningKeys {

    private final DynamoDbClient dynamoDb;
    private final TableNames tables;

    public PublishedSigningKeys(DynamoDbClient dynamoDb, TableNames tables) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.tables = Objects.requireNonNull(tables, "tables");
    }

    /** Publishes the public keys of {@code keys}, from secret version {@code versionId}. */
    public void publish(SigningKeySet keys, String versionId, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>(Keys.publishedSigningKeys());
        item.put("keys", Attributes.s(SigningKeySetCodec.encodePublic(keys)));
        item.put("version_id", Attributes.s(versionId));
        item.put("published_at", Attributes.epochMillis(now));
        dynamoDb.putItem(PutItemRequest.builder().tableName(tables.security()).item(item).build());
    }

    /** The published keys with the secret version they come from, if any were published. */
    public Optional<Publication> load() {
        Map<String, AttributeValue> item = dynamoDb.getItem(GetItemRequest.builder().tableName(tables.security())
                .key(Keys.publishedSigningKeys()).consistentRead(true).build()).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Publication(SigningKeySetCodec.decode(Attributes.requiredString(item, "keys"), false),
                Attributes.requiredString(item, "version_id"),
                Attributes.instantMillis(item, "published_at").orElse(Instant.EPOCH)));
    }

    /** One publication: public keys only. */
    public record Publication(SigningKeySet keys, String versionId, Instant publishedAt) {
    }
}
