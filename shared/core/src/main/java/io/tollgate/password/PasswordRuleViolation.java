package io.tollgate.password;

/**
 * One password rule a candidate password broke. The {@code rule} is stable API
 * ({@code min_length}, {@code uppercase}, ...); the message is for people.
 */
public record PasswordRuleViolation(String rule, String message) {
}
