package io.tollgate.password;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tollgate.settings.SecuritySettings.Argon2Settings;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.Test;

class Argon2idPasswordHasherTest {

    private final Argon2idPasswordHasher hasher =
            new Argon2idPasswordHasher(Argon2Settings.defaults(), new SecureRandom(), Optional.empty());

    @Test
    void hashWhenDefaultsThenPhcStringCarriesOwaspParameters() {
        String hash = hasher.hash("correct horse battery staple");
        assertTrue(hash.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), hash);
    }

    @Test
    void verifyWhenSamePasswordThenMatchesAndWhenOtherPasswordThenNot() {
        String hash = hasher.hash("Tr1cky-Passw0rd!");
        assertTrue(hasher.verify("Tr1cky-Passw0rd!", hash).matches());
        assertFalse(hasher.verify("Tr1cky-Passw0rd?", hash).matches());
    }

    @Test
    void hashWhenSamePasswordTwiceThenSaltsDiffer() {
        assertNotEquals(hasher.hash("same password"), hasher.hash("same password"));
    }

    @Test
    void verifyWhenStoredHashHasWeakerParametersThenNeedsRehash() {
        var weak = new Argon2idPasswordHasher(new Argon2Settings(8 * 1024, 1, 1), new SecureRandom(), Optional.empty());
        String old = weak.hash("Tr1cky-Passw0rd!");
        var verification = hasher.verify("Tr1cky-Passw0rd!", old);
        assertTrue(verification.matches());
        assertTrue(verification.needsRehash());
        assertFalse(hasher.verify("Tr1cky-Passw0rd!", hasher.hash("Tr1cky-Passw0rd!")).needsRehash());
    }

    @Test
    void verifyWhenWrongPasswordThenNeverAsksForRehash() {
        var weak = new Argon2idPasswordHasher(new Argon2Settings(8 * 1024, 1, 1), new SecureRandom(), Optional.empty());
        assertFalse(hasher.verify("wrong", weak.hash("right")).needsRehash());
    }

    @Test
    void verifyWhenPepperDiffersThenNoMatch() {
        var peppered = new Argon2idPasswordHasher(new Argon2Settings(8 * 1024, 1, 1), new SecureRandom(),
                Optional.of(new byte[] {1, 2, 3}));
        var otherPepper = new Argon2idPasswordHasher(new Argon2Settings(8 * 1024, 1, 1), new SecureRandom(),
                Optional.of(new byte[] {1, 2, 4}));
        String hash = peppered.hash("Tr1cky-Passw0rd!");
        assertTrue(peppered.verify("Tr1cky-Passw0rd!", hash).matches());
        assertFalse(otherPepper.verify("Tr1cky-Passw0rd!", hash).matches());
    }

    @Test
    void verifyWhenHashIsNotArgon2idThenRejected() {
        assertThrows(IllegalArgumentException.class, () -> hasher.verify("x", "$2a$10$abcdefghijklmnopqrstuv"));
        assertThrows(IllegalArgumentException.class, () -> hasher.verify("x", "$argon2i$v=19$m=19456,t=2,p=1$AAAA$AAAA"));
    }

    @Test
    void verifyDummyWhenCalledThenAlwaysFalse() {
        assertFalse(hasher.verifyDummy("anything"));
    }

    @Test
    void deriveWhenRfc9106ParametersThenMatchesBouncyCastleReference() {
        // The stored digest must equal a direct Argon2id computation over the same salt and
        // parameters: guards against an encoding mistake in the PHC string.
        String hash = hasher.hash("password");
        String[] parts = hash.split("\\$");
        byte[] salt = java.util.Base64.getDecoder().decode(parts[4]);
        byte[] expected = new byte[32];
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(19)
                .withMemoryAsKB(19456).withIterations(2).withParallelism(1).withSalt(salt).build());
        generator.generateBytes("password".getBytes(java.nio.charset.StandardCharsets.UTF_8), expected);
        assertEquals(HexFormat.of().formatHex(expected),
                HexFormat.of().formatHex(java.util.Base64.getDecoder().decode(parts[5])));
    }
}
