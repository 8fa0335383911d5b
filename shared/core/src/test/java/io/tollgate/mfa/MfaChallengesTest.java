package io.tollgate.mfa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.tollgate.settings.SecuritySettings;
import io.tollgate.json.Json;
import org.junit.jupiter.api.Test;

class MfaChallengesTest {

    private static final String TOKEN = "k3Jd8vQ2xY7pL0mN4bV6cZ1aS5dF9gH2jK8lP3qW0eR";

    @Test
    void emailCodeHashWhenSameTokenAndCodeThenStableAndKeyedByToken() {
        String hash = MfaChallenges.emailCodeHash(TOKEN, "123456");
        assertEquals(hash, MfaChallenges.emailCodeHash(TOKEN, "123456"));
        assertNotEquals(hash, MfaChallenges.emailCodeHash(TOKEN, "123457"));
        assertNotEquals(hash, MfaChallenges.emailCodeHash(TOKEN.replace('k', 'K'), "123456"),
                "without the mfa_token the 10^6 codes cannot be tried against a stored hash");
        assertEquals(43, hash.length(), "base64url of 32 bytes");
        assertFalse(hash.contains("123456"));
    }

    @Test
    void labelWhenColonOrBlankThenSafeForOtpauth() {
        assertEquals("Acme  Bank", MfaEnrolmentService.label("Acme: Bank"));
        assertEquals("Tollgate", MfaEnrolmentService.label("  "));
        assertEquals(128, MfaEnrolmentService.label("x".repeat(300)).length());
    }

    @Test
    void settingsWhenStoredBeforeMfaExistedThenMfaNotRequired() throws Exception {
        String json = Json.mapper().writeValueAsString(SecuritySettings.defaults());
        String withoutMfa = json.replaceAll(",\"mfa\":\\{[^}]*}", "");
        assertFalse(withoutMfa.contains("\"mfa\""), withoutMfa);
        SecuritySettings read = Json.mapper().readValue(withoutMfa, SecuritySettings.class);
        assertFalse(read.mfa().required());
        SecuritySettings strict = SecuritySettings.defaults().withMfa(new SecuritySettings.MfaSettings(true));
        assertEquals(strict, Json.mapper().readValue(Json.mapper().writeValueAsString(strict), SecuritySettings.class));
    }

    @Test
    void toStringWhenSecretsInsideThenRedacted() {
        var enrolment = new MfaEnrolmentService.TotpEnrolment("JBSWY3DPEHPK3PXP", "otpauth://totp/x", "iVBOR");
        assertFalse(enrolment.toString().contains("JBSWY3DPEHPK3PXP"));
        var codes = new MfaEnrolmentService.BackupCodeList(java.util.List.of("abcde-fghjk"));
        assertFalse(codes.toString().contains("abcde"));
    }
}
