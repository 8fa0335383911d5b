package io.tollgate.audit.chain;

import io.tollgate.storage.Attributes;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * The hourly signed digests of every chain head (docs/contract.md §Audit, detection, retention; ADR 0015). {@link #signAll()} is what
 * the scheduled function runs: for each tenant in the registry whose head moved since its last
 * digest, it signs the head with the {@link DigestSigner} and stores digest {@code n + 1} under the
 * condition that it does not exist yet, so two concurrent runs cannot fork the digest chain (the
 * loser skips the tenant).
 */
public final class AuditDigests {

    private static final Logger LOG = LoggerFactory.getLogger(AuditDigests.class);

    private final DynamoDbClient dynamoDb;
    private final AuditChainStore chains;
    private final DigestSigner signer;
    private final Clock clock;

    public AuditDigests(DynamoDbClient dynamoDb, AuditChainStore chains, DigestSigner signer, Clock clock) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.chains = Objects.requireNonNull(chains, "chains");
        this.signer = Objects.requireNonNull(signer, "signer");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public DigestSigner signer() {
        return signer;
    }

    /** Signs every changed head; returns the digests written. */
    public List<SignedDigest> signAll() {
        List<SignedDigest> signed = new ArrayList<>();
        for (String tenant : chains.tenants()) {
            sign(tenant).ifPresent(signed::add);
        }
        LOG.info("audit digests signed count={}", signed.size());
        return signed;
    }

    /** Signs the tenant's head unless the last digest already covers it (or another run won the race). */
    public Optional<SignedDigest> sign(String tenantId) {
        ChainHead head = chains.readHead(tenantId);
        Optional<SignedDigest> last = latest(tenantId);
        if (head.seq() == 0 || last.map(d -> d.chainSeq() == head.seq()).orElse(false)) {
            return Optional.empty();
        }
        SignedDigest unsigned = new SignedDigest(tenantId, last.map(SignedDigest::digestSeq).orElse(0L) + 1, head.seq(),
                head.hash(), last.map(SignedDigest::digestHash).orElse(ChainHead.GENESIS.hash()), clock.instant(),
                signer.keyId(), DigestSigner.ALGORITHM, null);
        byte[] payload = unsigned.payload();
        SignedDigest digest = new SignedDigest(tenantId, unsigned.digestSeq(), head.seq(), head.hash(),
                unsigned.prevDigestHash(), unsigned.signedAt(), unsigned.keyId(), unsigned.algorithm(), signer.sign(payload));
        Map<String, AttributeValue> item = new LinkedHashMap<>(AuditKeys.digest(tenantId, digest.digestSeq()));
        item.put("payload", Attributes.s(new String(payload, StandardCharsets.UTF_8)));
        item.put("signature", Attributes.s(Base64.getEncoder().encodeToString(digest.signature())));
        item.put("digest_hash", Attributes.s(digest.digestHash()));
        item.put("chain_seq", Attributes.n(digest.chainSeq()));
        try {
            dynamoDb.putItem(r -> r.tableName(chains.table()).item(item).conditionExpression("attribute_not_exists(pk)"));
        } catch (ConditionalCheckFailedException raced) {
            return Optional.empty();
        }
        return Optional.of(digest);
    }

    /** The tenant's last digest, if it has one. */
    public Optional<SignedDigest> latest(String tenantId) {
        QueryResponse page = dynamoDb.query(QueryRequest.builder().tableName(chains.table()).consistentRead(true)
                .keyConditionExpression("pk = :pk").expressionAttributeValues(
                        Map.of(":pk", Attributes.s(AuditKeys.digestPartition(tenantId))))
                .scanIndexForward(false).limit(1).build());
        return page.items().stream().findFirst().map(AuditDigests::read).map(Stored::digest).flatMap(d -> d);
    }

    /** A digest item as stored: its number (from the key) and the digest, empty if the payload was altered. */
    public record Stored(long number, Optional<SignedDigest> digest) {
    }

    /** Every digest of the tenant, in order. */
    public List<Stored> all(String tenantId) {
        List<Stored> digests = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder query = QueryRequest.builder().tableName(chains.table()).consistentRead(true)
                    .keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", Attributes.s(AuditKeys.digestPartition(tenantId))));
            if (start != null) {
                query.exclusiveStartKey(start);
            }
            QueryResponse page = dynamoDb.query(query.build());
            page.items().forEach(item -> digests.add(read(item)));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return digests;
    }

    private static Stored read(Map<String, AttributeValue> item) {
        String sk = Attributes.requiredString(item, "sk");
        long number = Long.parseLong(sk.substring(AuditKeys.DIGEST_PREFIX.length()));
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(Attributes.string(item, "signature").orElse(""));
        } catch (IllegalArgumentException e) {
            signature = new byte[0];
        }
        return new Stored(number, SignedDigest.parse(Attributes.string(item, "payload").orElse(""), signature));
    }
}
