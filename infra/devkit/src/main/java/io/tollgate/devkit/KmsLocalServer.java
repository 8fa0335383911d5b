package io.tollgate.devkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small KMS that speaks the AWS JSON 1.1 protocol ({@code X-Amz-Target: TrentService.*}) on
 * loopback, so the production adapter (the real SDK v2 {@code KmsClient} in
 * {@code KmsDigestSigner}) runs unchanged in tests. It implements what Tollgate's digest signing
 * uses, with real signatures: {@code Sign} and {@code GetPublicKey} for {@code ECC_NIST_P256}
 * {@code SIGN_VERIFY} keys (a local EC key pair each, {@code ECDSA_SHA_256}, message type
 * {@code RAW} or {@code DIGEST}), keys named by id, ARN or {@code alias/...}, KMS's error types
 * ({@code NotFoundException}, {@code DisabledException}, {@code ValidationException}) and a switch
 * that makes every call fail as an outage would. Private keys never leave the process. Never deployed.
 */
public final class KmsLocalServer extends AwsJsonProtocolServer {

    private static final String ARN_PREFIX = "arn:aws:kms:us-east-1:000000000000:";
    /** KMS's limit on a RAW message for Sign. */
    static final int MAX_MESSAGE_BYTES = 4096;

    private final Map<String, LocalKey> keys = new LinkedHashMap<>();
    private final Map<String, String> aliases = new LinkedHashMap<>();
    private final AtomicInteger signCalls = new AtomicInteger();

    private static final class LocalKey {
        final String id;
        final KeyPair pair;
        boolean enabled = true;

        LocalKey(String id, KeyPair pair) {
            this.id = id;
            this.pair = pair;
        }

        String arn() {
            return ARN_PREFIX + "key/" + id;
        }
    }

    private KmsLocalServer() {
        super("KMS", "kms-local", 2);
        serve();
    }

    public static KmsLocalServer start() {
        return new KmsLocalServer();
    }

    /** Creates an enabled {@code ECC_NIST_P256} signing key reachable as {@code alias/<alias>} too; returns its ARN. */
    public synchronized String createSigningKey(String alias) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            LocalKey key = new LocalKey(UUID.randomUUID().toString(), generator.generateKeyPair());
            keys.put(key.id, key);
            aliases.put("alias/" + alias, key.id);
            return key.arn();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot create a P-256 key pair", e);
        }
    }

    /** Disables the key ({@code DisableKey}): Sign and GetPublicKey then fail with {@code DisabledException}. */
    public synchronized void disable(String keyId) {
        resolve(keyId).enabled = false;
    }

    /** How many Sign calls succeeded (to prove verification needs none). */
    public int signCalls() {
        return signCalls.get();
    }

    @Override
    synchronized ObjectNode operation(String target, JsonNode body) {
        return switch (target) {
            case "TrentService.Sign" -> sign(body);
            case "TrentService.GetPublicKey" -> getPublicKey(body);
            default -> throw new ApiError("UnsupportedOperationException", "Unsupported operation " + target);
        };
    }

    private LocalKey resolve(String keyId) {
        String id = keyId;
        if (id.startsWith(ARN_PREFIX + "alias/")) {
            id = id.substring(ARN_PREFIX.length());
        }
        if (id.startsWith("alias/")) {
            id = Optional.ofNullable(aliases.get(id)).orElseThrow(() -> new ApiError("NotFoundException",
                    "Alias " + keyId + " is not found."));
        } else if (id.startsWith(ARN_PREFIX + "key/")) {
            id = id.substring((ARN_PREFIX + "key/").length());
        }
        LocalKey key = keys.get(id);
        if (key == null) {
            throw new ApiError("NotFoundException", "Key '" + keyId + "' does not exist");
        }
        return key;
    }

    private LocalKey enabledKey(JsonNode body) {
        String keyId = text(body, "KeyId");
        LocalKey key = resolve(keyId);
        if (!key.enabled) {
            throw new ApiError("DisabledException", key.arn() + " is disabled.");
        }
        return key;
    }

    private ObjectNode sign(JsonNode body) {
        LocalKey key = enabledKey(body);
        String algorithm = text(body, "SigningAlgorithm");
        if (!"ECDSA_SHA_256".equals(algorithm)) {
            throw new ApiError("InvalidKeyUsageException", "Signing algorithm " + algorithm
                    + " is not valid for an ECC_NIST_P256 key.");
        }
        byte[] message = Base64.getDecoder().decode(text(body, "Message"));
        String type = body.path("MessageType").asText("RAW");
        if (message.length == 0 || message.length > MAX_MESSAGE_BYTES) {
            throw new ApiError("ValidationException", "Message must be 1 to " + MAX_MESSAGE_BYTES + " bytes.");
        }
        if ("DIGEST".equals(type) && message.length != 32) {
            throw new ApiError("ValidationException", "Digest is invalid length for algorithm ECDSA_SHA_256.");
        }
        try {
            Signature signer = Signature.getInstance("DIGEST".equals(type) ? "NONEwithECDSA" : "SHA256withECDSA");
            signer.initSign(key.pair.getPrivate());
            signer.update(message);
            ObjectNode out = JSON.createObjectNode();
            out.put("KeyId", key.arn());
            out.put("Signature", Base64.getEncoder().encodeToString(signer.sign()));
            out.put("SigningAlgorithm", algorithm);
            signCalls.incrementAndGet();
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Local ECDSA signing failed", e);
        }
    }

    private ObjectNode getPublicKey(JsonNode body) {
        LocalKey key = enabledKey(body);
        ObjectNode out = JSON.createObjectNode();
        out.put("KeyId", key.arn());
        out.put("PublicKey", Base64.getEncoder().encodeToString(key.pair.getPublic().getEncoded()));
        out.put("KeySpec", "ECC_NIST_P256");
        out.put("CustomerMasterKeySpec", "ECC_NIST_P256");
        out.put("KeyUsage", "SIGN_VERIFY");
        out.putArray("SigningAlgorithms").add("ECDSA_SHA_256");
        return out;
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new ApiError("ValidationException", field + " is required");
        }
        return value.asText();
    }
}
