package io.tollgate.authz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ApiKeysTest {

    /** A deterministic "random" source, so tests can predict the key. */
    private static SecureRandom fixed(byte value) {
        return new SecureRandom() {
            private static final long serialVersionUID = 1L;

            @Override
            public void nextBytes(byte[] bytes) {
                java.util.Arrays.fill(bytes, value);
            }

            @Override
            public int nextInt(int bound) {
                return 1; // 'b'
            }
        };
    }

    private final ApiKeys keys = new ApiKeys(new SecureRandom());

    @Test
    void generateWhenCalledThenFormatIsTgPrefixSecret() {
        ApiKeys.IssuedApiKey issued = keys.generate();
        String key = issued.plaintext();
        assertEquals(55, key.length());
        assertTrue(key.matches("tg_[a-z0-9]{8}_[A-Za-z0-9_-]{43}"), key);
        assertEquals(key.substring(3, 11), issued.stored().prefix());
    }

    @Test
    void generateWhenInjectedRandomThenSecretComesFromIt() throws Exception {
        ApiKeys.IssuedApiKey issued = new ApiKeys(fixed((byte) 0)).generate();
        assertEquals("tg_bbbbbbbb_" + "A".repeat(43), issued.plaintext());
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(issued.plaintext().getBytes(StandardCharsets.US_ASCII));
        assertEquals(Base64.getUrlEncoder().withoutPadding().encodeToString(digest), issued.stored().sha256());
    }

    @Test
    void generateWhenManyThenAllDistinct() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            assertTrue(seen.add(keys.generate().plaintext()));
        }
    }

    @Test
    void verifyWhenSameKeyThenTrue() {
        ApiKeys.IssuedApiKey issued = keys.generate();
        assertTrue(ApiKeys.verify(ApiKeys.parse(issued.plaintext()).orElseThrow(), issued.stored()));
    }

    @Test
    void verifyWhenOneCharacterOfSecretDiffersThenFalse() {
        ApiKeys.IssuedApiKey issued = keys.generate();
        String key = issued.plaintext();
        char c = key.charAt(20);
        String other = key.substring(0, 20) + (c == 'A' ? 'B' : 'A') + key.substring(21);
        assertFalse(ApiKeys.verify(ApiKeys.parse(other).orElseThrow(), issued.stored()));
    }

    @Test
    void verifyWhenStoredForAnotherKeyOrPrefixThenFalse() {
        ApiKeys.IssuedApiKey a = keys.generate();
        ApiKeys.IssuedApiKey b = keys.generate();
        assertFalse(ApiKeys.verify(ApiKeys.parse(a.plaintext()).orElseThrow(), b.stored()));
        assertFalse(ApiKeys.verify(ApiKeys.parse(a.plaintext()).orElseThrow(),
                new ApiKeys.StoredApiKey("zzzzzzzz", a.stored().sha256())));
        assertFalse(ApiKeys.verify(ApiKeys.parse(a.plaintext()).orElseThrow(),
                new ApiKeys.StoredApiKey(a.stored().prefix(), "not base64url!")));
    }

    @Test
    void parseWhenValidThenPrefixExposed() {
        String key = keys.generate().plaintext();
        assertEquals(key.substring(3, 11), ApiKeys.parse(key).orElseThrow().prefix());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "tg_", "tg_abcdefgh_", "TG_abcdefgh_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "tg_ABCDEFGH_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "tg_abcdefg__AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "tg_abcdefgh-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "tg_abcdefgh_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "tg_abcdefgh_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "tg_abcdefgh_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "tg_abcdefgh_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+", "tg_abcdefgh_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB",
        " tg_abcdefgh_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"})
    void parseWhenMalformedThenEmpty(String text) {
        assertEquals(Optional.empty(), ApiKeys.parse(text));
    }

    @Test
    void parseWhenNullThenEmpty() {
        assertEquals(Optional.empty(), ApiKeys.parse(null));
    }

    @Test
    void toStringWhenAnyKeyTypeThenSecretNeverShown() {
        ApiKeys.IssuedApiKey issued = keys.generate();
        String secret = issued.plaintext().substring(12);
        ApiKeys.PresentedApiKey presented = ApiKeys.parse(issued.plaintext()).orElseThrow();
        for (String text : new String[] {issued.toString(), presented.toString(), issued.stored().toString(),
                String.valueOf(Optional.of(presented))}) {
            assertFalse(text.contains(secret), text);
            assertFalse(text.contains(issued.plaintext()), text);
        }
        assertTrue(issued.toString().contains(issued.stored().prefix()));
        assertNotEquals(issued.stored().sha256(), secret);
    }
}
