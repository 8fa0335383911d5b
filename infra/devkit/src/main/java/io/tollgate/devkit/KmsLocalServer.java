package io.tollgate.devkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * A small KMS that speaks the AWS JSON 1.1 protocol ({@code X-Amz-Target: TrentService.*}) on
 * loopback, so the production adapters (the real SDK v2 {@code KmsClient} in
 * {@code KmsDigestSigner} and {@code KmsDataKeyProvider}) run unchanged in tests. It implements
 * what Tollgate uses, with real cryptography: {@code CreateKey}; {@code Sign} and
 * {@code GetPublicKey} for {@code ECC_NIST_P256} {@code SIGN_VERIFY} keys (a local EC key pair
 * each, {@code ECDSA_SHA_256}, message type {@code RAW} or {@code DIGEST}); {@code GenerateDataKey}
 * and {@code Decrypt} for {@code SYMMETRIC_DEFAULT} keys (a local AES-256 key each; the wrapped
 * blob names its key and is sealed with AES-GCM over the key id and the encryption context, so
 * another context or an altered blob is {@code InvalidCiphertextException} and another key
 * {@code IncorrectKeyException}, as in KMS); keys named by id, ARN or {@code alias/...}, KMS's error
 * types ({@code NotFoundException}, {@code DisabledException}, {@code ValidationException}) and a
 * switch that makes every call fail as an outage would. Key material never leaves the process. Never
 * deployed.
 */
public final class KmsLocalServer extends AwsJsonProtocolServer {

    private static final String ARN_PREFIX = "arn:aws:kms:us-east-1:000000000000:";
    /** KMS's limit on a RAW message for Sign. */
    static final int MAX_MESSAGE_BYTES = 4096;

    private final Map<String, LocalKey> keys = new LinkedHashMap<>();
    private final Map<String, String> aliases = new LinkedHashMap<>();
    private final AtomicInteger signCalls = new AtomicInteger();
    private final SecureRandom random = new SecureRandom();

    /** Marks a wrapped data key of this local KMS. */
    private static final byte[] BLOB_MAGIC = "tollgate-local-kms-1".getBytes(StandardCharsets.US_ASCII);
    private static final int IV_BYTES = 12;

    private static final class LocalKey {
        final String id;
        /** The signing key pair of an {@code ECC_NIST_P256} key; null for a symmetric key. */
        final KeyPair pair;
        /** The AES-256 key of a {@code SYMMETRIC_DEFAULT} key; null for a signing key. */
        final SecretKey secret;
        boolean enabled = true;

        LocalKey(String id, KeyPair pair, SecretKey secret) {
            this.id = id;
            this.pair = pair;
            this.secret = secret;
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
        LocalKey key = newSigningKey();
        aliases.put("alias/" + alias, key.id);
        return key.arn();
    }

    /** Creates an enabled {@code SYMMETRIC_DEFAULT} data key reachable as {@code alias/<alias>} too; returns its ARN. */
    public synchronized String createDataKey(String alias) {
        LocalKey key = newSymmetricKey();
        aliases.put("alias/" + alias, key.id);
        return key.arn();
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
            case "TrentService.CreateKey" -> createKey(body);
            case "TrentService.GenerateDataKey" -> generateDataKey(body);
            case "TrentService.Decrypt" -> decrypt(body);
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

    private ObjectNode createKey(JsonNode body) {
        String spec = body.path("KeySpec").asText(body.path("CustomerMasterKeySpec").asText("SYMMETRIC_DEFAULT"));
        String usage = body.path("KeyUsage").asText("SYMMETRIC_DEFAULT".equals(spec) ? "ENCRYPT_DECRYPT" : "");
        LocalKey key;
        if ("SYMMETRIC_DEFAULT".equals(spec) && "ENCRYPT_DECRYPT".equals(usage)) {
            key = newSymmetricKey();
        } else if ("ECC_NIST_P256".equals(spec) && "SIGN_VERIFY".equals(usage)) {
            key = newSigningKey();
        } else {
            throw new ApiError("UnsupportedOperationException", "The local KMS creates SYMMETRIC_DEFAULT/ENCRYPT_DECRYPT"
                    + " and ECC_NIST_P256/SIGN_VERIFY keys only, not " + spec + "/" + usage);
        }
        ObjectNode out = JSON.createObjectNode();
        ObjectNode metadata = out.putObject("KeyMetadata");
        metadata.put("KeyId", key.id);
        metadata.put("Arn", key.arn());
        metadata.put("AWSAccountId", "000000000000");
        metadata.put("Enabled", true);
        metadata.put("KeyState", "Enabled");
        metadata.put("KeySpec", spec);
        metadata.put("CustomerMasterKeySpec", spec);
        metadata.put("KeyUsage", key.secret != null ? "ENCRYPT_DECRYPT" : "SIGN_VERIFY");
        metadata.put("Description", body.path("Description").asText(""));
        return out;
    }

    /**
     * {@code GenerateDataKey}: a fresh AES key, returned in plaintext and wrapped under the KMS key
     * with the encryption context bound as AES-GCM associated data, as KMS binds it.
     */
    private ObjectNode generateDataKey(JsonNode body) {
        LocalKey key = symmetricKey(body);
        int length = body.has("NumberOfBytes") ? body.get("NumberOfBytes").asInt()
                : switch (body.path("KeySpec").asText("")) {
                    case "AES_256" -> 32;
                    case "AES_128" -> 16;
                    default -> throw new ApiError("ValidationException", "KeySpec or NumberOfBytes is required");
                };
        if (length < 1 || length > 1024) {
            throw new ApiError("ValidationException", "NumberOfBytes must be 1 to 1024");
        }
        byte[] plaintext = new byte[length];
        random.nextBytes(plaintext);
        ObjectNode out = JSON.createObjectNode();
        out.put("KeyId", key.arn());
        out.put("Plaintext", Base64.getEncoder().encodeToString(plaintext));
        out.put("CiphertextBlob", Base64.getEncoder().encodeToString(wrap(key, plaintext, context(body))));
        return out;
    }

    /**
     * {@code Decrypt}: the wrapped blob names its key, as KMS's does; a {@code KeyId} naming another
     * key is {@code IncorrectKeyException}, an altered blob or another encryption context
     * {@code InvalidCiphertextException}.
     */
    private ObjectNode decrypt(JsonNode body) {
        byte[] blob = Base64.getDecoder().decode(text(body, "CiphertextBlob"));
        ByteBuffer in = ByteBuffer.wrap(blob);
        if (blob.length < BLOB_MAGIC.length + 2 + IV_BYTES || !Arrays.equals(Arrays.copyOf(blob, BLOB_MAGIC.length), BLOB_MAGIC)) {
            throw new ApiError("InvalidCiphertextException", "The ciphertext is not a local KMS blob.");
        }
        in.position(BLOB_MAGIC.length);
        int idLength = Short.toUnsignedInt(in.getShort());
        if (in.remaining() < idLength + IV_BYTES) {
            throw new ApiError("InvalidCiphertextException", "The ciphertext is truncated.");
        }
        byte[] id = new byte[idLength];
        in.get(id);
        LocalKey key = keys.get(new String(id, StandardCharsets.UTF_8));
        if (key == null || key.secret == null) {
            throw new ApiError("InvalidCiphertextException", "The ciphertext names no symmetric key of this KMS.");
        }
        if (body.hasNonNull("KeyId") && resolve(body.get("KeyId").asText()) != key) {
            throw new ApiError("IncorrectKeyException", "The key ID in the request does not identify the key used to"
                    + " encrypt the ciphertext blob.");
        }
        if (!key.enabled) {
            throw new ApiError("DisabledException", key.arn() + " is disabled.");
        }
        byte[] iv = new byte[IV_BYTES];
        in.get(iv);
        byte[] sealed = new byte[in.remaining()];
        in.get(sealed);
        byte[] plaintext;
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key.secret, new GCMParameterSpec(128, iv));
            cipher.updateAAD(associatedData(key, context(body)));
            plaintext = cipher.doFinal(sealed);
        } catch (AEADBadTagException e) {
            throw new ApiError("InvalidCiphertextException", "The ciphertext or its encryption context does not match.");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Local AES-GCM decryption failed", e);
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("KeyId", key.arn());
        out.put("Plaintext", Base64.getEncoder().encodeToString(plaintext));
        out.put("EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
        return out;
    }

    private LocalKey newSigningKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            LocalKey key = new LocalKey(UUID.randomUUID().toString(), generator.generateKeyPair(), null);
            keys.put(key.id, key);
            return key;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot create a P-256 key pair", e);
        }
    }

    private LocalKey newSymmetricKey() {
        try {
            KeyGenerator generator = KeyGenerator.getInstance("AES");
            generator.init(256, random);
            LocalKey key = new LocalKey(UUID.randomUUID().toString(), null, generator.generateKey());
            keys.put(key.id, key);
            return key;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot create an AES-256 key", e);
        }
    }

    private LocalKey symmetricKey(JsonNode body) {
        LocalKey key = enabledKey(body);
        if (key.secret == null) {
            throw new ApiError("InvalidKeyUsageException", key.arn() + " is not a symmetric ENCRYPT_DECRYPT key.");
        }
        return key;
    }

    private byte[] wrap(LocalKey key, byte[] plaintext, SortedMap<String, String> context) {
        try {
            byte[] iv = new byte[IV_BYTES];
            random.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key.secret, new GCMParameterSpec(128, iv));
            cipher.updateAAD(associatedData(key, context));
            byte[] sealed = cipher.doFinal(plaintext);
            byte[] id = key.id.getBytes(StandardCharsets.UTF_8);
            return ByteBuffer.allocate(BLOB_MAGIC.length + 2 + id.length + IV_BYTES + sealed.length)
                    .put(BLOB_MAGIC).putShort((short) id.length).put(id).put(iv).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Local AES-GCM encryption failed", e);
        }
    }

    /** The key id and the encryption context, sorted by name: both must match for a blob to open. */
    private static byte[] associatedData(LocalKey key, SortedMap<String, String> context) {
        ObjectNode aad = JSON.createObjectNode();
        aad.put("key", key.id);
        ObjectNode fields = aad.putObject("context");
        context.forEach(fields::put);
        try {
            return JSON.writeValueAsBytes(aad);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot encode an encryption context", e);
        }
    }

    private static SortedMap<String, String> context(JsonNode body) {
        SortedMap<String, String> context = new TreeMap<>();
        body.path("EncryptionContext").properties().forEach(e -> context.put(e.getKey(), e.getValue().asText()));
        return context;
    }

    private ObjectNode sign(JsonNode body) {
        LocalKey key = enabledKey(body);
        if (key.pair == null) {
            throw new ApiError("InvalidKeyUsageException", key.arn() + " is not a SIGN_VERIFY key.");
        }
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
        if (key.pair == null) {
            throw new ApiError("UnsupportedOperationException", key.arn() + " is a symmetric key; it has no public key.");
        }
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
