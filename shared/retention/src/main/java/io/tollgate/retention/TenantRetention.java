package io.tollgate.retention;

import io.tollgate.http.ErrorCode;
import io.tollgate.http.ProblemException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * One tenant's view of the policy: its overrides (days per class) and its legal holds. A hold on
 * the tenant stops every purge of the tenant's data; a hold on a user stops every purge of data
 * about that user (audit events whose {@code user_id} is the user, the user's sessions).
 *
 * @param overrides  class id → retention days, each at or above the class's legal minimum
 * @param tenantHold whether the whole tenant is under legal hold
 * @param heldUsers  the user ids under legal hold
 */
public record TenantRetention(String tenantId, Map<String, Integer> overrides, boolean tenantHold, Set<String> heldUsers) {

    /** The longest retention a tenant may set: 100 years. */
    public static final int MAX_DAYS = 36_525;

    public TenantRetention {
        Objects.requireNonNull(tenantId, "tenantId");
        overrides = Map.copyOf(overrides);
        heldUsers = Set.copyOf(heldUsers);
    }

    public static TenantRetention none(String tenantId) {
        return new TenantRetention(tenantId, Map.of(), false, Set.of());
    }

    /** The days this tenant keeps {@code dataClass}: its override, else the policy default. */
    public int days(DataClass dataClass) {
        return overrides.getOrDefault(dataClass.id(), dataClass.retentionDays());
    }

    /** Data of {@code dataClass} stamped before this instant is past retention at {@code now}. */
    public Instant cutoff(DataClass dataClass, Instant now) {
        return now.minus(Duration.ofDays(days(dataClass)));
    }

    /** Whether a purge of data about {@code userId} (null: about no user) is stopped by a legal hold. */
    public boolean held(String userId) {
        return tenantHold || (userId != null && heldUsers.contains(userId));
    }

    /**
     * Validates overrides sent by a tenant administrator: every key a class the run enforces
     * (or reports), every value a whole number of days between the class's legal minimum and
     * {@value #MAX_DAYS}. Throws a 400 naming each offending field ({@code overrides.<class>});
     * nothing is stored when any is wrong.
     */
    public static Map<String, Integer> validateOverrides(RetentionPolicy policy, Map<String, ?> requested) {
        List<ProblemException.FieldError> errors = new ArrayList<>();
        Map<String, Integer> valid = new TreeMap<>();
        requested.forEach((id, value) -> {
            String field = "overrides." + id;
            DataClass dataClass = policy.dataClass(id).orElse(null);
            if (dataClass == null) {
                errors.add(new ProblemException.FieldError(field, "unknown_class", "no retention class has this id"));
            } else if (!dataClass.purgedByRun() && !DataClass.REPORTED.equals(dataClass.enforcement())) {
                errors.add(new ProblemException.FieldError(field, "not_configurable",
                        "this class is enforced " + dataClass.enforcement() + " and cannot be overridden"));
            } else if (!(value instanceof Integer days)) {
                errors.add(new ProblemException.FieldError(field, "not_integer", "must be a whole number of days"));
            } else if (days < dataClass.legalMinimumDays()) {
                errors.add(new ProblemException.FieldError(field, "below_legal_minimum",
                        "must be at least the legal minimum of " + dataClass.legalMinimumDays() + " days"));
            } else if (days > MAX_DAYS) {
                errors.add(new ProblemException.FieldError(field, "too_long", "must be at most " + MAX_DAYS + " days"));
            } else {
                valid.put(id, days);
            }
        });
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(ErrorCode.VALIDATION_FAILED, "The retention overrides are not valid", errors);
        }
        return valid;
    }
}
