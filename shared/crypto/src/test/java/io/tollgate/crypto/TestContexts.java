package io.tollgate.crypto;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/** Fixtures shared by the crypto tests. */
final class TestContexts {

    static final EncryptionContext ACME_TOTP = new EncryptionContext("acme", "totp-secret");
    static final EncryptionContext ACME_EMAIL = new EncryptionContext("acme", "user-email");
    static final EncryptionContext GLOBEX_TOTP = new EncryptionContext("globex", "totp-secret");

    private TestContexts() {
    }

    /** A SecureRandom whose output is fixed by {@code seed}: two calls with one seed give the same bytes. */
    static SecureRandom seeded(long seed) {
        try {
            SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
            random.setSeed(seed);
            return random;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
