package io.tollgate.detection;

import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.AuditEventType;
import io.tollgate.settings.AnomalySettings;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToIntFunction;

/**
 * Privilege escalation (seed 000 {@code privilege_escalation_attempt}: "immediate_alert_and_lock";
 * ADR 0021). Two indicators, each decided on its own event:
 * <ul>
 *   <li>a refused attempt: a {@code privilege_escalation} event (administration records one when
 *       somebody grants a role above their own or acts on a user who outranks them);</li>
 *   <li>a role change to a higher role outside the admin path: a successful {@code role_change}
 *       whose highest new role outranks the highest old one, and which is not the administration
 *       API's own record ({@code resource=user, action=update_roles}, on another account) — e.g. one
 *       reported by an application through the audit API, or a change of one's own roles.</li>
 * </ul>
 * A CRITICAL decision locks the acting account (the event's user; the changed account when the
 * event names no actor) for {@code lockDuration}: login refuses it, and its sessions and tokens are void.
 */
public record PrivilegeEscalationRule(Duration lockDuration, ToIntFunction<Collection<String>> highestRank)
        implements DetectionRule {

    public static final String ID = "privilege-escalation";
    public static final int VERSION = 1;
    /** Attempts of one account within this window are one decision (one lock, one alert). */
    static final Duration WINDOW = Duration.ofMinutes(15);

    public PrivilegeEscalationRule {
        Objects.requireNonNull(lockDuration, "lockDuration");
        Objects.requireNonNull(highestRank, "highestRank");
        if (!AnomalySettings.between(lockDuration, Duration.ofMinutes(5), Duration.ofDays(30))) {
            throw new IllegalArgumentException("lockDuration must be 5 minutes..30 days");
        }
    }

    public static PrivilegeEscalationRule from(AnomalySettings settings, ToIntFunction<Collection<String>> highestRank) {
        return new PrivilegeEscalationRule(settings.escalationLockDuration(), highestRank);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public int version() {
        return VERSION;
    }

    @Override
    public List<Finding> evaluate(AuditEvent event, EventCounters counters) {
        Map<String, Object> inputs = new LinkedHashMap<>();
        String target = string(event.additionalData().get("target_user_id"));
        String actor = DetectionRule.present(event.userId()) ? event.userId() : target;
        if (!DetectionRule.present(actor)) {
            return List.of();
        }
        if (AuditEventType.PRIVILEGE_ESCALATION.wireName().equals(event.eventType())) {
            inputs.put("indicator", "refused_escalation_attempt");
            inputs.put("reason", String.valueOf(event.additionalData().getOrDefault("reason", "unspecified")));
        } else if (AuditEventType.ROLE_CHANGE.wireName().equals(event.eventType()) && "success".equals(event.result())) {
            List<String> oldRoles = strings(event.additionalData().get("old_roles"));
            List<String> newRoles = strings(event.additionalData().get("new_roles"));
            int before = highestRank.applyAsInt(oldRoles);
            int after = highestRank.applyAsInt(newRoles);
            boolean adminPath = "user".equals(event.resource()) && "update_roles".equals(event.action())
                    && DetectionRule.present(target) && !target.equals(event.userId());
            if (after <= before || adminPath) {
                return List.of();
            }
            inputs.put("indicator", "role_raised_outside_admin_path");
            inputs.put("old_rank", before);
            inputs.put("new_rank", after);
            inputs.put("new_roles", newRoles);
        } else {
            return List.of();
        }
        inputs.put("actor_user_id", actor);
        if (DetectionRule.present(target)) {
            inputs.put("target_user_id", target);
        }
        Instant start = DetectionRule.windowStart(event.timestamp(), WINDOW);
        Map<String, Object> thresholds = new LinkedHashMap<>();
        thresholds.put("attempts", 1);
        thresholds.put("lock_seconds", lockDuration.toSeconds());
        return List.of(new Finding("user:" + actor, start, start.plus(WINDOW), thresholds, inputs, "CRITICAL",
                Finding.LOCK_ACCOUNT));
    }

    private static String string(Object value) {
        return value instanceof String s ? s : null;
    }

    private static List<String> strings(Object value) {
        if (value instanceof Collection<?> values) {
            return values.stream().filter(String.class::isInstance).map(String.class::cast).toList();
        }
        return List.of();
    }
}
