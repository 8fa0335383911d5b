package io.tollgate.user;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Optional;

/**
 * User names under the PRECIS UsernameCaseMapped profile (RFC 8265 §3.3, ADR 0056), so two names
 * that look alike cannot name two accounts, and one account answers to every spelling of its name.
 *
 * <p>Preparation and enforcement, in the RFC's order: surrounding white space is removed (white
 * space is never part of a name); fullwidth and halfwidth forms are mapped to their ordinary
 * forms (width mapping); upper and title case are mapped to lower case
 * ({@code toLowerCase(Locale.ROOT)}); the result is put in Unicode Normalization Form C. Every
 * code point must then be PVALID in the PRECIS IdentifierClass (RFC 8264 §8, §9): letters and
 * digits and printable ASCII; no control, default-ignorable (zero-width joiner, BOM, bidi
 * controls, ...), space, symbol or punctuation character outside ASCII, no character with a
 * compatibility mapping, no unassigned code point. Characters that need a contextual rule
 * (zero-width (non-)joiner, middle dot, Greek keraia, Hebrew geresh, katakana middle dot,
 * Arabic-Indic digits) are refused rather than judged, and so is a combining mark at the start.
 * A name with right-to-left characters must
 * satisfy the Bidi Rule (RFC 5893 §2), which forbids mixing directions.
 */
public final class UsernameProfile {

    /** What a refused name is told (a 400's field message). */
    public static final String RULE = "Letters, digits and printable ASCII only: no spaces, invisible, control or"
            + " compatibility characters, and one writing direction.";

    private UsernameProfile() {
    }

    /** The canonical form of {@code input}, or empty when it is not a valid user name. */
    public static Optional<String> canonical(String input) {
        if (input == null) {
            return Optional.empty();
        }
        String prepared = Normalizer.normalize(widthMapped(input.strip()).toLowerCase(Locale.ROOT), Normalizer.Form.NFC);
        if (prepared.isEmpty() || startsWithMark(prepared)
                || !prepared.codePoints().allMatch(UsernameProfile::identifierClassValid) || !bidiRule(prepared)) {
            return Optional.empty();
        }
        return Optional.of(prepared);
    }

    /**
     * The form a user is keyed and looked up by: the canonical form, or, for input that is not a
     * valid name under the profile, the form names were keyed by before it (trimmed, NFKC, lower
     * case), so an account created earlier under such a name stays reachable (ADR 0056); no new
     * account gets such a name.
     */
    public static String lookupKey(String input) {
        return canonical(input).orElseGet(() ->
                Normalizer.normalize(input.strip(), Normalizer.Form.NFKC).toLowerCase(Locale.ROOT));
    }

    /** A combining mark first would attach to whatever is displayed before the name. */
    private static boolean startsWithMark(String name) {
        int type = Character.getType(name.codePointAt(0));
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK;
    }

    /** Fullwidth and halfwidth forms (decomposition types wide and narrow) to their decompositions. */
    private static String widthMapped(String input) {
        StringBuilder out = new StringBuilder(input.length());
        input.codePoints().forEach(cp -> {
            if (cp == 0x3000 || cp >= 0xFF01 && cp <= 0xFFEE) {
                out.append(Normalizer.normalize(Character.toString(cp), Normalizer.Form.NFKC));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }

    /** PVALID in the IdentifierClass (RFC 8264 §8 derivation; CONTEXTJ and CONTEXTO refused). */
    static boolean identifierClassValid(int cp) {
        switch (cp) {
            case 0x00DF, 0x03C2, 0x06FD, 0x06FE, 0x0F0B, 0x3007 -> {
                return true; // Exceptions: PVALID
            }
            case 0x00B7, 0x0375, 0x05F3, 0x05F4, 0x30FB, 0x0640, 0x07FA, 0x302E, 0x302F, 0x303B -> {
                return false; // Exceptions: CONTEXTO or DISALLOWED
            }
            default -> {
                // derived below
            }
        }
        if (cp >= 0x0660 && cp <= 0x0669 || cp >= 0x06F0 && cp <= 0x06F9 || cp >= 0x3031 && cp <= 0x3035) {
            return false; // Exceptions: CONTEXTO (Arabic-Indic digits) or DISALLOWED
        }
        int type = Character.getType(cp);
        if (type == Character.UNASSIGNED) {
            return false;
        }
        if (cp >= 0x21 && cp <= 0x7E) {
            return true; // ASCII7
        }
        if (cp == 0x200C || cp == 0x200D || cp >= 0x1100 && cp <= 0x11FF || defaultIgnorable(cp)
                || noncharacter(cp) || type == Character.CONTROL) {
            return false; // JoinControl, OldHangulJamo, PrecisIgnorableProperties, Controls
        }
        if (!Normalizer.normalize(Character.toString(cp), Normalizer.Form.NFKC).equals(Character.toString(cp))) {
            return false; // HasCompat
        }
        return switch (type) {
            case Character.LOWERCASE_LETTER, Character.UPPERCASE_LETTER, Character.OTHER_LETTER,
                    Character.DECIMAL_DIGIT_NUMBER, Character.MODIFIER_LETTER, Character.NON_SPACING_MARK,
                    Character.COMBINING_SPACING_MARK -> true; // LetterDigits
            default -> false; // OtherLetterDigits, Spaces, Symbols, Punctuation, everything else
        };
    }

    /** Default_Ignorable_Code_Point (Unicode DerivedCoreProperties). */
    private static boolean defaultIgnorable(int cp) {
        return cp == 0x00AD || cp == 0x034F || cp == 0x061C || cp == 0x115F || cp == 0x1160 || cp == 0x17B4
                || cp == 0x17B5 || cp >= 0x180B && cp <= 0x180F || cp >= 0x200B && cp <= 0x200F
                || cp >= 0x202A && cp <= 0x202E || cp >= 0x2060 && cp <= 0x206F || cp == 0x3164
                || cp >= 0xFE00 && cp <= 0xFE0F || cp == 0xFEFF || cp == 0xFFA0 || cp >= 0xFFF0 && cp <= 0xFFF8
                || cp >= 0x1BCA0 && cp <= 0x1BCA3 || cp >= 0x1D173 && cp <= 0x1D17A || cp >= 0xE0000 && cp <= 0xE0FFF;
    }

    private static boolean noncharacter(int cp) {
        return cp >= 0xFDD0 && cp <= 0xFDEF || (cp & 0xFFFE) == 0xFFFE;
    }

    /** RFC 5893 §2, for names with a right-to-left character (R, AL or AN); others pass. */
    static boolean bidiRule(String name) {
        int[] classes = name.codePoints().map(Character::getDirectionality).toArray();
        boolean rtl = false;
        for (int c : classes) {
            rtl |= c == Character.DIRECTIONALITY_RIGHT_TO_LEFT || c == Character.DIRECTIONALITY_RIGHT_TO_LEFT_ARABIC
                    || c == Character.DIRECTIONALITY_ARABIC_NUMBER;
        }
        if (!rtl) {
            return true;
        }
        int first = classes[0];
        int last = classes.length - 1;
        while (last > 0 && classes[last] == Character.DIRECTIONALITY_NONSPACING_MARK) {
            last--;
        }
        boolean en = false;
        boolean an = false;
        if (first == Character.DIRECTIONALITY_RIGHT_TO_LEFT || first == Character.DIRECTIONALITY_RIGHT_TO_LEFT_ARABIC) {
            for (int c : classes) { // rule 2
                switch (c) {
                    case Character.DIRECTIONALITY_RIGHT_TO_LEFT, Character.DIRECTIONALITY_RIGHT_TO_LEFT_ARABIC,
                            Character.DIRECTIONALITY_EUROPEAN_NUMBER_SEPARATOR,
                            Character.DIRECTIONALITY_COMMON_NUMBER_SEPARATOR,
                            Character.DIRECTIONALITY_EUROPEAN_NUMBER_TERMINATOR, Character.DIRECTIONALITY_OTHER_NEUTRALS,
                            Character.DIRECTIONALITY_BOUNDARY_NEUTRAL, Character.DIRECTIONALITY_NONSPACING_MARK -> { }
                    case Character.DIRECTIONALITY_EUROPEAN_NUMBER -> en = true;
                    case Character.DIRECTIONALITY_ARABIC_NUMBER -> an = true;
                    default -> {
                        return false;
                    }
                }
            }
            int end = classes[last]; // rule 3
            boolean endsWell = end == Character.DIRECTIONALITY_RIGHT_TO_LEFT
                    || end == Character.DIRECTIONALITY_RIGHT_TO_LEFT_ARABIC
                    || end == Character.DIRECTIONALITY_EUROPEAN_NUMBER || end == Character.DIRECTIONALITY_ARABIC_NUMBER;
            return endsWell && !(en && an); // rule 4
        }
        // A name that starts left-to-right may not contain a right-to-left character (rule 5).
        return false;
    }
}
