package io.tollgate.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.upokecenter.cbor.CBORObject;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * A WebAuthn authenticator in software for tests (W3C WebAuthn Level 2 §6): an EC P-256 key pair
 * generated here, "none" attestation, authenticator data, COSE key (RFC 9053) and attestation
 * object encoded with CBOR, assertions signed with ES256 over {@code authData || SHA-256(clientDataJSON)}.
 * It answers the JSON the server sends for {@code navigator.credentials.create/get} with the JSON
 * a browser would post back. {@link #cloned()} copies the key and counter, as a cloned device would.
 */
public final class SoftwareAuthenticator {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final int UP = 0x01;
    private static final int UV = 0x04;
    private static final int BE = 0x08;
    private static final int AT = 0x40;

    private final KeyPair keys;
    private final byte[] credentialId;
    private final boolean synced;
    private byte[] userHandle;
    private long counter;
    private boolean verifiesUser = true;

    private SoftwareAuthenticator(KeyPair keys, byte[] credentialId, boolean synced, byte[] userHandle, long counter) {
        this.keys = keys;
        this.credentialId = credentialId;
        this.synced = synced;
        this.userHandle = userHandle;
        this.counter = counter;
    }

    /** A device-bound authenticator (a security key) that counts signatures. */
    public static SoftwareAuthenticator securityKey() {
        return create(false);
    }

    /** A synced passkey (backup eligible). */
    public static SoftwareAuthenticator syncedPasskey() {
        return create(true);
    }

    private static SoftwareAuthenticator create(boolean synced) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            byte[] id = new byte[32];
            new SecureRandom().nextBytes(id);
            return new SoftwareAuthenticator(generator.generateKeyPair(), id, synced, null, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A copy with the same private key, credential id and counter. */
    public SoftwareAuthenticator cloned() {
        return new SoftwareAuthenticator(keys, credentialId.clone(), synced, userHandle, counter);
    }

    /**
     * This authenticator answering without user verification (no PIN or biometric: the UV flag
     * is clear), as a security key without a PIN does; shares the key and counter.
     */
    public SoftwareAuthenticator withoutUserVerification() {
        SoftwareAuthenticator plain = new SoftwareAuthenticator(keys, credentialId.clone(), synced, userHandle, counter);
        plain.verifiesUser = false;
        return plain;
    }

    /** The credential id, base64url. */
    public String credentialId() {
        return B64.encodeToString(credentialId);
    }

    public long counter() {
        return counter;
    }

    /**
     * Answers {@code navigator.credentials.create(options)}: {@code createJson} is the server's
     * {@code {"publicKey": {...}}}; returns the PublicKeyCredential JSON to post back.
     */
    public String register(String createJson, String origin) {
        JsonNode options = read(createJson).path("publicKey");
        String rpId = options.path("rp").path("id").asText();
        userHandle = B64D.decode(options.path("user").path("id").asText());
        counter++;
        byte[] clientData = clientData("webauthn.create", options.path("challenge").asText(), origin);
        ByteArrayOutputStream authData = new ByteArrayOutputStream();
        authData.writeBytes(sha256(rpId.getBytes(StandardCharsets.UTF_8)));
        authData.write(UP | UV | AT | (synced ? BE : 0));
        authData.writeBytes(ByteBuffer.allocate(4).putInt((int) counter).array());
        authData.writeBytes(new byte[16]);
        authData.writeBytes(ByteBuffer.allocate(2).putShort((short) credentialId.length).array());
        authData.writeBytes(credentialId);
        authData.writeBytes(coseKey());
        CBORObject attestation = CBORObject.NewMap()
                .Add("fmt", "none")
                .Add("attStmt", CBORObject.NewMap())
                .Add("authData", authData.toByteArray());
        ObjectNode response = JSON.createObjectNode()
                .put("clientDataJSON", B64.encodeToString(clientData))
                .put("attestationObject", B64.encodeToString(attestation.EncodeToBytes()));
        response.putArray("transports").add(synced ? "hybrid" : "usb");
        return credential(response);
    }

    /**
     * Answers {@code navigator.credentials.get(options)}: {@code getJson} is the server's
     * {@code {"publicKey": {...}}}; returns the assertion JSON to post back. The counter advances.
     */
    public String authenticate(String getJson, String origin) {
        JsonNode options = read(getJson).path("publicKey");
        String rpId = options.path("rpId").asText();
        counter++;
        byte[] clientData = clientData("webauthn.get", options.path("challenge").asText(), origin);
        ByteArrayOutputStream authData = new ByteArrayOutputStream();
        authData.writeBytes(sha256(rpId.getBytes(StandardCharsets.UTF_8)));
        authData.write(UP | (verifiesUser ? UV : 0) | (synced ? BE : 0));
        authData.writeBytes(ByteBuffer.allocate(4).putInt((int) counter).array());
        byte[] data = authData.toByteArray();
        byte[] signed = ByteBuffer.allocate(data.length + 32).put(data).put(sha256(clientData)).array();
        try {
            Signature signature = Signature.getInstance("SHA256withECDSA");
            signature.initSign(keys.getPrivate());
            signature.update(signed);
            ObjectNode response = JSON.createObjectNode()
                    .put("clientDataJSON", B64.encodeToString(clientData))
                    .put("authenticatorData", B64.encodeToString(data))
                    .put("signature", B64.encodeToString(signature.sign()))
                    .put("userHandle", B64.encodeToString(userHandle));
            return credential(response);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private String credential(ObjectNode response) {
        ObjectNode credential = JSON.createObjectNode()
                .put("type", "public-key")
                .put("id", credentialId())
                .put("rawId", credentialId());
        credential.set("response", response);
        credential.putObject("clientExtensionResults");
        return credential.toString();
    }

    private static byte[] clientData(String type, String challenge, String origin) {
        ObjectNode data = JSON.createObjectNode().put("type", type).put("challenge", challenge).put("origin", origin)
                .put("crossOrigin", false);
        return data.toString().getBytes(StandardCharsets.UTF_8);
    }

    private byte[] coseKey() {
        ECPublicKey key = (ECPublicKey) keys.getPublic();
        return CBORObject.NewMap()
                .Add(1, 2)
                .Add(3, -7)
                .Add(-1, 1)
                .Add(-2, unsigned32(key.getW().getAffineX()))
                .Add(-3, unsigned32(key.getW().getAffineY()))
                .EncodeToBytes();
    }

    private static byte[] unsigned32(BigInteger value) {
        byte[] raw = value.toByteArray();
        byte[] out = new byte[32];
        int copy = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy);
        return out;
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not JSON", e);
        }
    }

    @Override
    public String toString() {
        return "SoftwareAuthenticator[" + Arrays.hashCode(credentialId) + "]";
    }
}
