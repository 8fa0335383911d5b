package io.tollgate.testing;

import io.tollgate.settings.SecuritySettings;

/** Settings fixtures for tests: the defaults with a cheap Argon2 cost so suites stay fast. */
public final class TestSettings {

    private TestSettings() {
    }

    /** docs/contract.md §Security defaults defaults except Argon2id at its 8 MiB / t=1 floor (hashing is tested at full cost separately). */
    public static SecuritySettings fastHashing() {
        SecuritySettings d = SecuritySettings.defaults();
        return new SecuritySettings(d.password(), new SecuritySettings.Argon2Settings(8 * 1024, 1, 1), d.lockout(),
                d.ipBlock(), d.tokens(), d.sessions(), d.rateLimitPerMinute());
    }
}
