package io.tollgate.audit.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.testing.AuditTestbed;
import io.tollgate.audit.testing.TestAuditEvents;
import io.tollgate.devkit.KmsLocalServer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * {@link KmsDigestSigner} with the real SDK v2 {@code KmsClient} against {@link KmsLocalServer},
 * an AWS JSON 1.1 fake of {@code Sign}/{@code GetPublicKey} signing with a real P-256 key: the
 * signature KMS returns verifies under the public key KMS publishes, only the configured key is
 * trusted, verification needs no KMS call once the public key is loaded, and a KMS failure is an
 * exception that names no key material. The digest job and the verifier then run on DynamoDB Local
 * with this signer.
 */
class KmsDigestSignerIT {

    private final KmsLocalServer kms = KmsLocalServer.start();
    private final KmsClient client = KmsClient.builder().endpointOverride(kms.endpoint()).region(Region.US_EAST_1)
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
            .overrideConfiguration(ClientOverrideConfiguration.builder().retryStrategy(RetryMode.STANDARD).build())
            .httpClient(UrlConnectionHttpClient.create()).build();
    private final String keyArn = kms.createSigningKey("tollgate-audit-digest");
    private final KmsDigestSigner signer = new KmsDigestSigner(client, "alias/tollgate-audit-digest");
    private final byte[] message = "{\"head\":\"ab12\",\"seq\":42,\"tenant\":\"acme\"}".getBytes(StandardCharsets.UTF_8);

    @AfterEach
    void stop() {
        client.close();
        kms.close();
    }

    @Test
    void signWhenKeyNamedByAliasThenSignatureVerifiesAndKeyIdIsTheKeyArn() {
        byte[] signature = signer.sign(message);

        assertEquals(keyArn, signer.keyId());
        assertTrue(signer.verify(message, signature, signer.keyId()));
        assertTrue(signer.verify(message, signature, "alias/tollgate-audit-digest"), "the configured id is trusted too");
        assertEquals(1, kms.signCalls());
    }

    @Test
    void verifyWhenKeyConfiguredByItsArnAsTheTemplateDoesThenSignatureVerifies() {
        KmsDigestSigner byArn = new KmsDigestSigner(client, keyArn);
        byte[] signature = byArn.sign(message);

        assertEquals(keyArn, byArn.keyId());
        assertTrue(byArn.verify(message, signature, byArn.keyId()));
        assertFalse(byArn.verify(message, signature, "alias/tollgate-audit-digest"), "only the configured name is trusted");
    }

    @Test
    void verifyWhenMessageOrSignatureAlteredThenFalse() {
        byte[] signature = signer.sign(message);
        byte[] otherMessage = message.clone();
        otherMessage[10] ^= 1;
        byte[] otherSignature = signature.clone();
        otherSignature[signature.length - 1] ^= 1;

        assertFalse(signer.verify(otherMessage, signature, keyArn));
        assertFalse(signer.verify(message, otherSignature, keyArn));
        assertFalse(signer.verify(message, new byte[0], keyArn));
    }

    @Test
    void verifyWhenDigestNamesAnotherKmsKeyThenFalseEvenIfThatKeySignedIt() {
        kms.createSigningKey("attacker");
        KmsDigestSigner attacker = new KmsDigestSigner(client, "alias/attacker");
        byte[] forged = attacker.sign(message);

        assertTrue(attacker.verify(message, forged, attacker.keyId()));
        assertFalse(signer.verify(message, forged, attacker.keyId()), "a key other than the configured one is not trusted");
        assertFalse(signer.verify(message, forged, keyArn), "nor is its signature valid under the configured key");
    }

    @Test
    void verifyWhenPublicKeyLoadedThenNoFurtherKmsCallIsNeeded() {
        byte[] signature = signer.sign(message);
        assertTrue(signer.verify(message, signature, keyArn));
        kms.setAvailable(false);

        assertTrue(signer.verify(message, signature, keyArn));
    }

    @Test
    void signWhenKmsUnavailableOrKeyDisabledThenFailsNamingOnlyTheErrorType() {
        kms.setAvailable(false);
        IllegalStateException outage = assertThrows(IllegalStateException.class, () -> signer.sign(message));
        assertTrue(outage.getMessage().startsWith("KMS Sign failed"), outage.getMessage());
        kms.setAvailable(true);
        kms.disable(keyArn);
        IllegalStateException disabled = assertThrows(IllegalStateException.class, () -> signer.sign(message));
        assertTrue(disabled.getMessage().contains("DisabledException"), disabled.getMessage());
        assertThrows(IllegalStateException.class, signer::keyId, "GetPublicKey of a disabled key fails too");
    }

    @Test
    void signWhenKeyDoesNotExistThenFails() {
        KmsDigestSigner missing = new KmsDigestSigner(client, "alias/absent");
        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> missing.sign(message));
        assertTrue(failure.getMessage().contains("NotFoundException"), failure.getMessage());
    }

    @Test
    void digestJobWhenSignedByKmsThenVerifierChecksItAndDetectsAnEditedDigest() {
        AuditTestbed bed = new AuditTestbed();
        String tenant = AuditTestbed.newTenant();
        List<AuditEvent> events = new ArrayList<>();
        Instant start = bed.testbed.clock.instant();
        for (int i = 0; i < 12; i++) {
            events.add(TestAuditEvents.event(tenant, start.plusMillis(i)));
        }
        bed.audit.ingestion().ingest(events.stream().map(AuditTestbed::message).toList());
        AuditDigests digests = new AuditDigests(bed.testbed.services.dynamoDb(), bed.audit.chains(), signer,
                bed.testbed.clock);
        SignedDigest digest = digests.sign(tenant).orElseThrow();
        ChainVerifier verifier = new ChainVerifier(bed.audit.chains(), digests);

        assertEquals(keyArn, digest.keyId());
        VerificationReport report = verifier.verify(tenant, Optional.empty(), Optional.empty());
        assertTrue(report.valid(), () -> report.broken().toString());
        assertEquals(1, report.digestsChecked());

        ChainVerifier localKeyVerifier = bed.audit.verifier();
        VerificationReport underAnotherKey = localKeyVerifier.verify(tenant, Optional.empty(), Optional.empty());
        assertEquals(Optional.of(VerificationReport.Kind.DIGEST_SIGNATURE_INVALID),
                underAnotherKey.broken().map(VerificationReport.Break::kind), "a verifier trusting another key refuses it");
    }
}
