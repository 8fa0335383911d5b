package io.tollgate.devkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.GetPublicKeyResponse;
import software.amazon.awssdk.services.kms.model.IncorrectKeyException;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;

/** The real SDK v2 {@link KmsClient} against {@link KmsLocalServer}'s key creation and data keys. */
class KmsLocalServerIT {

    private static final Map<String, String> CONTEXT = Map.of("tenant", "acme", "purpose", "user-email");

    private final KmsLocalServer server = KmsLocalServer.start();
    private final KmsClient kms = KmsClient.builder().endpointOverride(server.endpoint()).region(Region.US_EAST_1)
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
            .httpClient(UrlConnectionHttpClient.create()).build();

    @AfterEach
    void close() {
        kms.close();
        server.close();
    }

    private String dataKey() {
        return kms.createKey(r -> r.description("data")).keyMetadata().arn();
    }

    private GenerateDataKeyResponse generate(String key) {
        return kms.generateDataKey(r -> r.keyId(key).keySpec(DataKeySpec.AES_256).encryptionContext(CONTEXT));
    }

    @Test
    void decryptWhenSameKeyAndContextThenTheGeneratedDataKey() {
        String key = dataKey();
        GenerateDataKeyResponse generated = generate(key);
        assertEquals(32, generated.plaintext().asByteArray().length);
        byte[] plaintext = kms.decrypt(r -> r.keyId(key).ciphertextBlob(generated.ciphertextBlob())
                .encryptionContext(CONTEXT)).plaintext().asByteArray();
        assertArrayEquals(generated.plaintext().asByteArray(), plaintext);
    }

    @Test
    void decryptWhenOtherEncryptionContextThenInvalidCiphertext() {
        String key = dataKey();
        GenerateDataKeyResponse generated = generate(key);
        assertThrows(InvalidCiphertextException.class, () -> kms.decrypt(r -> r.keyId(key)
                .ciphertextBlob(generated.ciphertextBlob()).encryptionContext(Map.of("tenant", "globex",
                        "purpose", "user-email"))));
    }

    @Test
    void decryptWhenBlobAlteredThenInvalidCiphertext() {
        String key = dataKey();
        byte[] blob = generate(key).ciphertextBlob().asByteArray();
        blob[blob.length - 1] ^= 1;
        assertThrows(InvalidCiphertextException.class, () -> kms.decrypt(r -> r.keyId(key)
                .ciphertextBlob(SdkBytes.fromByteArray(blob)).encryptionContext(CONTEXT)));
    }

    @Test
    void decryptWhenRequestNamesAnotherKeyThenIncorrectKey() {
        GenerateDataKeyResponse generated = generate(dataKey());
        String other = dataKey();
        assertThrows(IncorrectKeyException.class, () -> kms.decrypt(r -> r.keyId(other)
                .ciphertextBlob(generated.ciphertextBlob()).encryptionContext(CONTEXT)));
    }

    @Test
    void createKeyWhenEccSigningKeyThenSignsAndPublishesItsPublicKey() throws Exception {
        String key = kms.createKey(r -> r.keySpec(KeySpec.ECC_NIST_P256).keyUsage(KeyUsageType.SIGN_VERIFY))
                .keyMetadata().arn();
        byte[] signature = kms.sign(r -> r.keyId(key).message(SdkBytes.fromUtf8String("digest"))
                .messageType(MessageType.RAW).signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256))
                .signature().asByteArray();
        GetPublicKeyResponse published = kms.getPublicKey(r -> r.keyId(key));
        assertEquals(key, published.keyId());
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(KeyFactory.getInstance("EC").generatePublic(
                new X509EncodedKeySpec(published.publicKey().asByteArray())));
        verifier.update("digest".getBytes(StandardCharsets.UTF_8));
        assertTrue(verifier.verify(signature));
    }
}
