package io.tollgate.password;

import com.nulabinc.zxcvbn.Zxcvbn;
import io.tollgate.settings.SecuritySettings.PasswordSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Seed 000's password policy: length, character classes, the common-password list and a
 * strength estimate (zxcvbn, which also catches l33t variants of dictionary words). Reports
 * <em>every</em> rule a candidate breaks, so a user fixes them in one go (answered as 422).
 *
 * <p>Thread-safe; build once per container, the word lists are loaded in the constructor.
 */
public final class PasswordPolicy {

    private final PasswordSettings settings;
    private final CommonPasswords common;
    private final Zxcvbn strength = new Zxcvbn();

    public PasswordPolicy(PasswordSettings settings, CommonPasswords common) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.common = Objects.requireNonNull(common, "common");
    }

    /**
     * Checks {@code candidate} for a user; {@code userInputs} (username, email, tenant) must not
     * make up the password. Returns the empty list when the password is acceptable.
     */
    public List<PasswordRuleViolation> check(String candidate, List<String> userInputs) {
        List<PasswordRuleViolation> violations = new ArrayList<>();
        int length = candidate.codePointCount(0, candidate.length());
        if (length < settings.minLength()) {
            violations.add(new PasswordRuleViolation("min_length",
                    "Use at least " + settings.minLength() + " characters."));
        }
        if (length > settings.maxLength()) {
            violations.add(new PasswordRuleViolation("max_length",
                    "Use at most " + settings.maxLength() + " characters."));
        }
        if (settings.requireUppercase() && candidate.codePoints().noneMatch(Character::isUpperCase)) {
            violations.add(new PasswordRuleViolation("uppercase", "Add an upper-case letter."));
        }
        if (settings.requireLowercase() && candidate.codePoints().noneMatch(Character::isLowerCase)) {
            violations.add(new PasswordRuleViolation("lowercase", "Add a lower-case letter."));
        }
        if (settings.requireDigit() && candidate.codePoints().noneMatch(Character::isDigit)) {
            violations.add(new PasswordRuleViolation("digit", "Add a digit."));
        }
        if (settings.requireSpecial() && candidate.codePoints().allMatch(Character::isLetterOrDigit)) {
            violations.add(new PasswordRuleViolation("special", "Add a character that is not a letter or digit."));
        }
        if (settings.blockCommon() && common.contains(candidate)) {
            violations.add(new PasswordRuleViolation("common", "This password is on a list of common passwords."));
        }
        String lower = candidate.toLowerCase(Locale.ROOT);
        for (String input : userInputs) {
            if (input != null && input.length() >= 4 && lower.contains(localPart(input).toLowerCase(Locale.ROOT))) {
                violations.add(new PasswordRuleViolation("contains_user_data",
                        "Do not use your user name or email address in the password."));
                break;
            }
        }
        if (settings.minStrengthScore() > 0 && length <= settings.maxLength()
                && strength.measure(candidate, userInputs.stream().filter(Objects::nonNull).toList()).getScore()
                        < settings.minStrengthScore()) {
            violations.add(new PasswordRuleViolation("too_predictable",
                    "This password is too easy to guess; avoid common words, names and patterns."));
        }
        return List.copyOf(violations);
    }

    private static String localPart(String input) {
        int at = input.indexOf('@');
        String local = at > 0 ? input.substring(0, at) : input;
        return local.length() >= 4 ? local : input;
    }
}
