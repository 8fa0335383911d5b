package io.tollgate.password;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.settings.SecuritySettings.PasswordSettings;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PasswordPolicyTest {

    private static CommonPasswords common;
    private static PasswordPolicy policy;

    @BeforeAll
    static void load() {
        common = CommonPasswords.load();
        policy = new PasswordPolicy(PasswordSettings.defaults(), common);
    }

    private static List<String> rules(String password) {
        return policy.check(password, List.of("alice@acme.test", "acme")).stream().map(PasswordRuleViolation::rule).toList();
    }

    @Test
    void commonListWhenLoadedThenHasAtLeastTenThousandEntries() {
        assertTrue(common.size() >= 10_000, "entries: " + common.size());
    }

    @Test
    void checkWhenStrongPasswordThenNoViolation() {
        assertEquals(List.of(), rules("Velvet-Orbit-Quarry-82"));
    }

    @Test
    void checkWhenEveryRuleBrokenThenEveryRuleReported() {
        List<String> rules = rules("abc");
        assertTrue(rules.containsAll(List.of("min_length", "uppercase", "digit", "special", "too_predictable")), rules.toString());
    }

    @Test
    void checkWhenElevenCharactersThenMinLength() {
        assertEquals(List.of("min_length"), rules("Qz7#pLm2!xR"));
    }

    @Test
    void checkWhenNoUppercaseThenUppercaseRule() {
        assertEquals(List.of("uppercase"), rules("qz7#plm2!xrwv"));
    }

    @Test
    void checkWhenNoLowercaseThenLowercaseRule() {
        assertEquals(List.of("lowercase"), rules("QZ7#PLM2!XRWV"));
    }

    @Test
    void checkWhenNoDigitThenDigitRule() {
        assertEquals(List.of("digit"), rules("Qzk#pLmw!xRvb"));
    }

    @Test
    void checkWhenNoSpecialThenSpecialRule() {
        assertEquals(List.of("special"), rules("Qz7hpLm2kxRwv"));
    }

    @Test
    void checkWhenCommonPasswordWithDecorationsThenCommonRule() {
        assertTrue(rules("Password1234!").contains("common"));
        assertTrue(rules("Sunshine2024!!").contains("common"));
    }

    @Test
    void checkWhenPasswordContainsUserNameThenUserDataRule() {
        assertTrue(rules("Alice-Xq7#Lm2!Rv").contains("contains_user_data"));
    }

    @Test
    void checkWhenLeetVariantOfCommonWordThenTooPredictable() {
        assertTrue(rules("P@ssw0rd1234!").contains("too_predictable"));
    }
}
