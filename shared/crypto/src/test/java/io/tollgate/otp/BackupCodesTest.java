package io.tollgate.otp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashSet;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class BackupCodesTest {

    private static final String ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
    private static final Pattern FORMAT = Pattern.compile("[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}");

    private final BackupCodes backupCodes = new BackupCodes(new SecureRandom(), Optional.empty());

    @Test
    void generateWhenCalledThenTenDistinctHumanFormattedCodes() {
        BackupCodes.Issued issued = backupCodes.generate();
        assertEquals(10, issued.codes().size());
        assertEquals(10, new HashSet<>(issued.codes()).size());
        issued.codes().forEach(code -> assertTrue(FORMAT.matcher(code).matches(), code));
        assertEquals(10, issued.stored().hashes().size());
        assertEquals(10, issued.stored().remaining());
        assertEquals(32, Base64.getUrlDecoder().decode(issued.stored().salt()).length);
    }

    @Test
    void generateWhenManyCodesThenEveryOneOf32SymbolsUsedAndNoOther() {
        // 10 symbols from 32 equally likely ones = 50 bits; a missing or extra symbol would lower it.
        Set<Character> seen = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            for (String code : backupCodes.generate().codes()) {
                code.replace("-", "").chars().forEach(c -> seen.add((char) c));
            }
        }
        Set<Character> expected = new HashSet<>();
        ALPHABET.chars().forEach(c -> expected.add((char) c));
        assertEquals(expected, seen);
    }

    @Test
    void matchWhenEachCodeThenItsIndex() {
        BackupCodes.Issued issued = backupCodes.generate();
        for (int i = 0; i < 10; i++) {
            assertEquals(OptionalInt.of(i), backupCodes.match(issued.codes().get(i), issued.stored()));
        }
    }

    @Test
    void matchWhenTypedInUpperCaseWithSpacesWithoutDashAndLookAlikesThenMatches() {
        BackupCodes.Issued issued = backupCodes.generate();
        String code = issued.codes().get(3);
        String typed = " " + code.replace("-", " ").toUpperCase().replace('0', 'O').replace('1', 'l') + " ";
        assertEquals(OptionalInt.of(3), backupCodes.match(typed, issued.stored()));
        assertEquals(OptionalInt.of(3), backupCodes.match(code.replace("-", "").replace('1', 'I'), issued.stored()));
    }

    @Test
    void matchWhenSlotConsumedThenNoMatchAndOthersStillWork() {
        BackupCodes.Issued issued = backupCodes.generate();
        BackupCodes.Stored afterUse = issued.stored().withConsumed(2);
        assertEquals(9, afterUse.remaining());
        assertTrue(backupCodes.match(issued.codes().get(2), afterUse).isEmpty());
        assertEquals(OptionalInt.of(5), backupCodes.match(issued.codes().get(5), afterUse));
    }

    @Test
    void matchWhenWrongMalformedOrOtherUsersCodeThenEmpty() {
        BackupCodes.Issued issued = backupCodes.generate();
        BackupCodes.Issued otherUser = backupCodes.generate();
        assertTrue(backupCodes.match(otherUser.codes().get(0), issued.stored()).isEmpty());
        assertTrue(backupCodes.match("", issued.stored()).isEmpty());
        assertTrue(backupCodes.match(null, issued.stored()).isEmpty());
        assertTrue(backupCodes.match(issued.codes().get(0) + "0", issued.stored()).isEmpty());
        assertTrue(backupCodes.match(issued.codes().get(0).substring(1), issued.stored()).isEmpty());
        assertTrue(backupCodes.match(issued.codes().get(0).replaceFirst("-", "u"), issued.stored()).isEmpty());
    }

    @Test
    void matchWhenPepperDiffersThenNoMatch() {
        BackupCodes peppered = new BackupCodes(new SecureRandom(), Optional.of(new byte[16]));
        BackupCodes otherPepper = new BackupCodes(new SecureRandom(), Optional.of(new byte[] {
                1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
        BackupCodes.Issued issued = peppered.generate();
        assertEquals(OptionalInt.of(0), peppered.match(issued.codes().get(0), issued.stored()));
        assertTrue(otherPepper.match(issued.codes().get(0), issued.stored()).isEmpty());
        assertTrue(backupCodes.match(issued.codes().get(0), issued.stored()).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> new BackupCodes(new SecureRandom(), Optional.of(new byte[8])));
    }

    @Test
    void generateWhenNoPepperThenStoredHashIsHmacSha256OfNormalisedCodeUnderSalt() throws Exception {
        // Pins the stored format of docs/adr/0009-backup-code-hashing.md.
        BackupCodes.Issued issued = backupCodes.generate();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getUrlDecoder().decode(issued.stored().salt()), "HmacSHA256"));
        byte[] expected = mac.doFinal(issued.codes().get(0).replace("-", "").getBytes(StandardCharsets.US_ASCII));
        assertEquals(Base64.getUrlEncoder().withoutPadding().encodeToString(expected), issued.stored().hashes().get(0));
    }

    @Test
    void normaliseWhenVariantsThenCanonicalLowerCase() {
        assertEquals(Optional.of("0123456789"), BackupCodes.normalise("OI234-5678 9"));
        assertEquals(Optional.empty(), BackupCodes.normalise("abcde-fghiu"));
        assertEquals(Optional.empty(), BackupCodes.normalise("abcde_fghjk"));
    }

    @Test
    void toStringWhenIssuedOrStoredThenNoCodesOrHashes() {
        BackupCodes.Issued issued = backupCodes.generate();
        String text = issued.toString() + issued.stored() + new BackupCodes(new SecureRandom(), Optional.of(new byte[16]));
        for (String code : issued.codes()) {
            assertFalse(text.contains(code) || text.contains(code.replace("-", "")), text);
        }
        for (String hash : issued.stored().hashes()) {
            assertFalse(text.contains(hash.substring(0, 8)), text);
        }
        assertFalse(text.contains(issued.stored().salt().substring(0, 8)), text);
    }
}
