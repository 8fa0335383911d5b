package io.tollgate.user;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UsernameProfileTest {

    @Test
    void canonicalWhenCaseWidthOrCompositionDiffersThenOneName() {
        assertEquals(Optional.of("alice@acme.test"), UsernameProfile.canonical("Alice@Acme.TEST"));
        assertEquals(Optional.of("alice"), UsernameProfile.canonical("\uFF21\uFF2C\uFF29\uFF23\uFF25"), "fullwidth ALICE");
        assertEquals(Optional.of("alice"), UsernameProfile.canonical("  alice "), "surrounding white space is no part of a name");
        assertEquals(UsernameProfile.canonical("Zo\u00EB"), UsernameProfile.canonical("Zoe\u0308"), "precomposed or combining");
        assertEquals(Optional.of("zo\u00EB"), UsernameProfile.canonical("ZOE\u0308"));
        assertEquals(Optional.of("stra\u00DFe"), UsernameProfile.canonical("Stra\u00DFe"), "sharp s is PVALID, kept");
        assertEquals(Optional.of("\u03BF\u03B4\u03C5\u03C3\u03C3\u03B5\u03CD\u03C2"),
                UsernameProfile.canonical("\u039F\u0394\u03A5\u03A3\u03A3\u0395\u038E\u03A3"), "Greek, final sigma");
    }

    @Test
    void canonicalWhenInvisibleControlOrFormatCharactersThenRefused() {
        for (String hostile : List.of("al\u200Dice", "al\u200Cice", "al\u200Bice", "\uFEFFalice", "al\u00ADice",
                "alice\u0007", "al\u0000ice", "al ice", "al\u00A0ice", "al\u3000ice", "alice\u2060", "alice\uFE0F",
                "alice\u180E", "al\u115Fice", "\u0301alice", "")) {
            assertEquals(Optional.empty(), UsernameProfile.canonical(hostile), escaped(hostile));
        }
    }

    @Test
    void canonicalWhenBidiControlsOrMixedDirectionsThenRefused() {
        for (String hostile : List.of("alice\u202Egpj.exe", "\u202Ealice", "alice\u200F", "alice\u05E9\u05DC\u05D5\u05DD",
                "\u05E9\u05DC\u05D5\u05DDalice", "1\u05E9\u05DC\u05D5\u05DD", "\u0639\u0644\u064A\u0661",
                "\u05E9\u05DC\u05D5\u05DD-")) {
            assertEquals(Optional.empty(), UsernameProfile.canonical(hostile), escaped(hostile));
        }
        assertEquals(Optional.of("\u05E9\u05DC\u05D5\u05DD"), UsernameProfile.canonical("\u05E9\u05DC\u05D5\u05DD"),
                "a right-to-left name by itself");
        assertEquals(Optional.of("\u05E9\u05DC\u05D5\u05DD1"), UsernameProfile.canonical("\u05E9\u05DC\u05D5\u05DD1"));
        assertEquals(Optional.of("\u0639\u0644\u064A"), UsernameProfile.canonical("\u0639\u0644\u064A"));
    }

    @Test
    void canonicalWhenCompatibilitySymbolOrUnassignedCharactersThenRefused() {
        for (String hostile : List.of("\uFB01nance", "user\u00B2", "\u2460user", "\u210Cello", "alice\uD83D\uDE00",
                "al\u2024ice", "alice\u2122", "\u0378alice", "al\u00B7ice", "\u30FB", "caf\u00E9\u2019s")) {
            assertEquals(Optional.empty(), UsernameProfile.canonical(hostile), escaped(hostile));
        }
    }

    @Test
    void lookupKeyWhenValidThenCanonicalAndWhenNotThenTheFormUsersWereKeyedByBefore() {
        assertEquals("alice", UsernameProfile.lookupKey("\uFF21lice"));
        assertEquals("finance", UsernameProfile.lookupKey("\uFB01nance"), "an older account keyed by NFKC stays reachable");
        assertEquals("al\u200Dice", UsernameProfile.lookupKey("AL\u200DICE"), "never the same key as alice");
    }

    private static String escaped(String value) {
        StringBuilder out = new StringBuilder();
        value.codePoints().forEach(cp -> out.append(cp < 0x80 && cp >= 0x20 ? Character.toString(cp)
                : String.format("\\u%04X", cp)));
        return out.toString();
    }
}
