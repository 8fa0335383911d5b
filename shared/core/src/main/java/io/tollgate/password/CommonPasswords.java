package io.tollgate.password;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The shipped list of common and breached passwords (30,000 entries, ranked by frequency),
 * taken from the dictionary that zxcvbn ships so there is one list, versioned with the
 * dependency. Look-ups are case-insensitive.
 */
public final class CommonPasswords {

    static final String RESOURCE = "/com/nulabinc/zxcvbn/matchers/dictionaries/passwords.txt";

    private final Set<String> passwords;

    private CommonPasswords(Set<String> passwords) {
        this.passwords = Set.copyOf(passwords);
    }

    /** Loads the shipped list; fails at start-up, not at the first check, if it is missing. */
    public static CommonPasswords load() {
        try (InputStream in = CommonPasswords.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("Common password list " + RESOURCE + " is not on the classpath");
            }
            Set<String> entries = new HashSet<>(40_000);
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    String entry = line.strip();
                    if (!entry.isEmpty()) {
                        entries.add(entry.toLowerCase(Locale.ROOT));
                    }
                }
            }
            return new CommonPasswords(entries);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the common password list", e);
        }
    }

    public int size() {
        return passwords.size();
    }

    /**
     * True when the password, or the password with trailing digits and symbols stripped
     * ({@code Password123!} → {@code password}), is on the list.
     */
    public boolean contains(String password) {
        String lower = password.toLowerCase(Locale.ROOT);
        if (passwords.contains(lower)) {
            return true;
        }
        int end = lower.length();
        while (end > 0 && !Character.isLetter(lower.charAt(end - 1))) {
            end--;
        }
        return end >= 4 && end < lower.length() && passwords.contains(lower.substring(0, end));
    }
}
