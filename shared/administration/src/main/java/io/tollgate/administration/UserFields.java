package io.tollgate.administration;

import io.tollgate.http.ProblemException.FieldError;
import io.tollgate.tenant.Tenant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Field rules of the administration requests. Each check adds a {@link FieldError} naming the
 * field instead of throwing, so one answer lists every invalid field and nothing is written.
 */
final class UserFields {

    static final int MAX_USERNAME = 254;
    static final int MAX_EMAIL = 254;
    static final int MAX_NAME = 128;
    static final int MAX_ROLES = 5;

    /**
     * A pragmatic address check (RFC 5321 lengths, one {@code @}, a dotted domain of LDH labels); the
     * real proof of an address is the invitation mail, which arrives with the lead's follow-up.
     */
    private static final Pattern EMAIL = Pattern.compile(
            "[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+"
                    + "[A-Za-z]{2,63}");

    private UserFields() {
    }

    static void username(String value, List<FieldError> errors) {
        if (value == null || value.isBlank()) {
            errors.add(new FieldError("username", "required", "A user name is required."));
        } else if (value.length() > MAX_USERNAME) {
            errors.add(new FieldError("username", "too_long", "At most " + MAX_USERNAME + " characters."));
        } else if (value.codePoints().anyMatch(c -> Character.isISOControl(c) || Character.isWhitespace(c))
                || io.tollgate.user.UsernameProfile.canonical(value).isEmpty()) {
            errors.add(new FieldError("username", "invalid_characters", io.tollgate.user.UsernameProfile.RULE));
        }
    }

    static void email(String field, String value, boolean required, List<FieldError> errors) {
        if (value == null) {
            if (required) {
                errors.add(new FieldError(field, "required", "An email address is required."));
            }
        } else if (value.length() > MAX_EMAIL) {
            errors.add(new FieldError(field, "too_long", "At most " + MAX_EMAIL + " characters."));
        } else if (!EMAIL.matcher(value).matches() || value.contains("..")) {
            errors.add(new FieldError(field, "invalid_email", "Not a valid email address."));
        }
    }

    static void password(String value, List<FieldError> errors) {
        if (value == null || value.isEmpty()) {
            errors.add(new FieldError("password", "required", "An initial password is required."));
        } else if (value.length() > 256) {
            errors.add(new FieldError("password", "too_long", "At most 256 characters."));
        }
    }

    /** Roles: 1..5 distinct names of the policy profile. */
    static void roles(List<String> values, Set<String> known, List<FieldError> errors) {
        if (values == null || values.isEmpty()) {
            errors.add(new FieldError("roles", "required", "At least one role is required."));
            return;
        }
        if (values.size() > MAX_ROLES) {
            errors.add(new FieldError("roles", "too_many", "At most " + MAX_ROLES + " roles."));
            return;
        }
        Set<String> seen = new HashSet<>();
        for (String role : values) {
            if (role == null || !known.contains(role)) {
                errors.add(new FieldError("roles", "unknown_role", "Unknown role; known roles: "
                        + known.stream().sorted().toList() + "."));
                return;
            }
            if (!seen.add(role)) {
                errors.add(new FieldError("roles", "duplicate_role", "Each role once."));
                return;
            }
        }
    }

    /** Tenant and organisation ids share the tenant id format (lower-case letters, digits, dashes, 1-63). */
    static void identifier(String field, String value, boolean required, List<FieldError> errors) {
        if (value == null) {
            if (required) {
                errors.add(new FieldError(field, "required", "An id is required."));
            }
        } else if (!Tenant.ID.matcher(value).matches()) {
            errors.add(new FieldError(field, "invalid_format", "Use 1-63 lower-case letters, digits or dashes."));
        }
    }

    static void displayName(String field, String value, List<FieldError> errors) {
        if (value == null || value.isBlank()) {
            errors.add(new FieldError(field, "required", "A name is required."));
        } else if (value.length() > MAX_NAME) {
            errors.add(new FieldError(field, "too_long", "At most " + MAX_NAME + " characters."));
        } else if (value.codePoints().anyMatch(Character::isISOControl)) {
            errors.add(new FieldError(field, "invalid_characters", "No control characters."));
        }
    }
}
