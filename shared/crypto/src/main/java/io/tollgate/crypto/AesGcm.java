package io.tollgate.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** AES-256-GCM with a 96-bit nonce and a 128-bit tag (NIST SP 800-38D); not API. */
final class AesGcm {

    static final int NONCE_BYTES = 12;
    static final int TAG_BYTES = 16;
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";

    private AesGcm() {
    }

    /** Encrypts; the result is the ciphertext followed by the tag. */
    static byte[] seal(byte[] key, byte[] nonce, byte[] aad, byte[] plaintext) {
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BYTES * 8, nonce));
            cipher.updateAAD(aad);
            return cipher.doFinal(plaintext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption is unavailable in this JVM", e);
        }
    }

    /**
     * Decrypts and authenticates {@code ciphertextAndTag}.
     *
     * @param what names the object in the failure message, e.g. "ciphertext"
     * @throws CiphertextIntegrityException if the tag does not verify
     */
    static byte[] open(byte[] key, byte[] nonce, byte[] aad, byte[] ciphertextAndTag, String what) {
        if (ciphertextAndTag.length < TAG_BYTES) {
            throw new CiphertextIntegrityException(what + " is truncated");
        }
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BYTES * 8, nonce));
            cipher.updateAAD(aad);
            return cipher.doFinal(ciphertextAndTag);
        } catch (AEADBadTagException e) {
            throw new CiphertextIntegrityException(
                    what + " failed authentication (altered, or another key or encryption context)", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption is unavailable in this JVM", e);
        }
    }
}
